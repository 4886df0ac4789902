//! Where the user is signed in: every active session, signing out one
//! device, or every device at once.

use leptos::prelude::*;
use shared::api::{ClientApp, SessionInfo, SessionsResponse};

use crate::api;
use crate::components::BusyButton;
use crate::format::local_time;
use crate::load::{staged, Actions, Loader};
use crate::session::use_auth;

/// The devices page: one card per active session, this one marked.
#[component]
pub fn DevicesPage() -> impl IntoView {
    let auth = use_auth();
    let devices = Loader::<SessionsResponse>::new();
    // One sign-out at a time, named by its session (or "everywhere") so
    // only its button waits; what it did, or why it failed, shows in its
    // notice.
    let actions = Actions::new(auth);
    let confirming = RwSignal::new(false);

    let load = move || devices.load(auth, api::sessions);
    Effect::new(move |_| load());
    devices.reload_when_online(auth, load);
    let stage = devices.stage();

    let sign_out = move |session: SessionInfo| {
        actions.run_reporting(session.id.clone(), actions.notice, async move {
            if session.is_current {
                // This device: a plain sign-out; the page then moves to sign-in.
                let _ = api::logout().await;
                auth.signed_out_here.set(true);
                auth.user.set(None);
                return Ok(None);
            }
            api::revoke_session(&session.id).await?;
            load();
            Ok(Some(format!("Signed out {}.", session.device_info)))
        });
    };

    let sign_out_everywhere = move |()| {
        actions.run_reporting("everywhere", actions.notice, async move {
            let outcome = api::logout_all().await;
            confirming.set(false);
            outcome?;
            auth.notice
                .set(Some("You signed out on every device.".to_owned()));
            auth.signed_out_here.set(true);
            auth.user.set(None);
            Ok(None)
        });
    };

    let card = move |session: SessionInfo| {
        let id = session.id.clone();
        let current = session.is_current;
        let app = session.client_app.map_or("API", ClientApp::as_str);
        let ip: String = session.ip_address.as_deref().unwrap_or("unknown").into();
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
                    busy=move || actions.running(&id)
                    disabled=move || actions.locked()
                    on_click=Callback::new(move |()| sign_out(target.clone()))
                />
            </li>
        }
    };

    view! {
        <main class="page">
            <h1>"Your devices"</h1>
            <p class="lead">"Everywhere you are signed in to Taproom right now."</p>
            {move || actions.notice.get().map(|text| view! { <p class="notice" role="status">{text}</p> })}
            // Read inside, so a reload after a sign-out shows at once.
            {staged(stage, "Loading your devices…", load, move || move || {
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
            })}
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
                            busy=move || actions.running("everywhere")
                            disabled=move || actions.locked()
                            on_click=Callback::new(sign_out_everywhere)
                        />
                        <button
                            type="button"
                            class="button secondary"
                            disabled=move || actions.running("everywhere")
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
