//! Where the user is signed in: every active session, signing out one
//! device, or every device at once.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{ClientApp, SessionInfo, SessionsResponse};

use crate::api;
use crate::components::BusyButton;
use crate::format::local_time;
use crate::load::{failed, loading, Loader, Stage};
use crate::session::use_auth;

/// The devices page: one card per active session, this one marked.
#[component]
pub fn DevicesPage() -> impl IntoView {
    let auth = use_auth();
    let devices = Loader::<SessionsResponse>::new();
    // The session a sign-out is running for, so only its button waits.
    let busy = RwSignal::new(None::<String>);
    let feedback = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let everywhere_pending = RwSignal::new(false);

    let load = move || devices.load(auth, api::sessions);
    Effect::new(move |_| load());
    devices.reload_when_online(auth, load);
    let stage = devices.stage();

    let sign_out = move |session: SessionInfo| {
        busy.set(Some(session.id.clone()));
        feedback.set(None);
        spawn_local(async move {
            if session.is_current {
                // This device: a plain sign-out; the page then moves to sign-in.
                let _ = api::logout().await;
                auth.signed_out_here.set(true);
                auth.user.set(None);
                return;
            }
            match auth.watch(api::revoke_session(&session.id).await) {
                Ok(_) => {
                    feedback.set(Some(format!("Signed out {}.", session.device_info)));
                    load();
                }
                Err(e) => feedback.set(Some(e.to_string())),
            }
            busy.set(None);
        });
    };

    let sign_out_everywhere = move |_| {
        everywhere_pending.set(true);
        spawn_local(async move {
            match auth.watch(api::logout_all().await) {
                Ok(_) => {
                    auth.notice
                        .set(Some("You signed out on every device.".to_owned()));
                    auth.signed_out_here.set(true);
                    auth.user.set(None);
                }
                Err(e) => feedback.set(Some(e.to_string())),
            }
            everywhere_pending.set(false);
            confirming.set(false);
        });
    };

    let card = move |session: SessionInfo| {
        let id = session.id.clone();
        let current = session.is_current;
        let app = session.client_app.map_or("API", ClientApp::as_str);
        let ip: String = session.ip_address.as_deref().unwrap_or("unknown").into();
        let waiting = move || busy.with(|b| b.as_deref() == Some(id.as_str()));
        let target = session.clone();
        view! {
            <li
                class="device"
                class:current=current
                data-testid="device"
                data-session-id=session.id.clone()
            >
                <div class="device-head">
                    <strong class="device-name">{session.device_info.clone()}</strong>
                    {current.then(|| view! { <span class="badge">"This device"</span> })}
                </div>
                <dl class="device-facts">
                    <div><dt>"App"</dt><dd>{app}</dd></div>
                    <div><dt>"IP address"</dt><dd>{ip}</dd></div>
                    <div><dt>"Signed in"</dt><dd>{local_time(&session.created_at)}</dd></div>
                    <div><dt>"Last active"</dt><dd>{local_time(&session.last_activity)}</dd></div>
                </dl>
                <BusyButton
                    label=if current { "Sign out this device" } else { "Sign out" }
                    busy_label="Signing out…"
                    busy=waiting
                    disabled=move || busy.with(Option::is_some)
                    on_click=Callback::new(move |()| sign_out(target.clone()))
                />
            </li>
        }
    };

    view! {
        <main class="page">
            <h1>"Your devices"</h1>
            <p class="lead">"Everywhere you are signed in to Taproom right now."</p>
            {move || feedback.get().map(|text| view! { <p class="notice" role="status">{text}</p> })}
            {move || match stage.get() {
                Stage::Loading => loading("Loading your devices…"),
                Stage::Failed(message) => failed(message, load),
                // Read inside, so a reload after a sign-out shows at once.
                Stage::Ready => (move || {
                    let sessions = devices
                        .state
                        .with(|s| s.ready().map(|r| r.sessions.clone()).unwrap_or_default());
                    let count = sessions.len();
                    view! {
                        <p data-testid="device-count">
                            {format!("{count} active session{}", if count == 1 { "" } else { "s" })}
                        </p>
                        <ul class="devices">{sessions.into_iter().map(card).collect_view()}</ul>
                    }
                })
                    .into_any(),
            }}
            <section class="danger-zone" aria-labelledby="everywhere">
                <h2 id="everywhere">"Sign out everywhere"</h2>
                <p>"Ends every session, this one included. Use it if a device was lost or a password leaked."</p>
                <Show
                    when=move || confirming.get()
                    fallback=move || view! {
                        <button type="button" class="button danger" on:click=move |_| confirming.set(true)>
                            "Sign out everywhere…"
                        </button>
                    }
                >
                    <div class="confirm" role="alertdialog" aria-label="Confirm signing out everywhere">
                        <p>"Sign out on every device, including this one?"</p>
                        <BusyButton
                            class="button danger"
                            label="Yes, sign out everywhere"
                            busy_label="Signing out…"
                            busy=everywhere_pending
                            on_click=Callback::new(sign_out_everywhere)
                        />
                        <button
                            type="button"
                            class="button secondary"
                            disabled=move || everywhere_pending.get()
                            on:click=move |_| confirming.set(false)
                        >
                            "Cancel"
                        </button>
                    </div>
                </Show>
            </section>
        </main>
    }
}
