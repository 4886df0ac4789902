//! "New sign-in: Safari on iPhone, 21:42, from 203.0.113.0/24 — Not you?"
//!
//! When someone signs in to this account from a device and network it has
//! not used lately, every other open session hears of it through the live
//! stream and shows a notice, with a one-tap "Sign it out" (which ends
//! exactly that session) and "It was me". Alerts nobody answered (say,
//! every session had been ended) show at the next sign-in instead.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::security::NewSignIn;

use crate::api;
use crate::components::BusyButton;
use crate::format::local_moment;
use crate::live::{use_live, LiveEvent};
use crate::session::use_auth;

/// One alert, and whether it came live or was waiting.
#[derive(Debug, Clone, PartialEq)]
struct Shown {
    alert: NewSignIn,
    live: bool,
    /// Set while its button's call runs.
    busy: bool,
    /// What happened, once answered.
    outcome: Option<String>,
}

/// The notices, above the page, for as long as someone is signed in.
#[component]
pub fn SignInAlerts() -> impl IntoView {
    let auth = use_auth();
    let shown = RwSignal::new(Vec::<Shown>::new());

    let add = move |alert: NewSignIn, live: bool| {
        shown.update(|list| {
            if !list.iter().any(|s| s.alert.id == alert.id) {
                let entry = Shown {
                    alert,
                    live,
                    busy: false,
                    outcome: None,
                };
                list.insert(0, entry);
            }
        });
    };
    // Waiting alerts, whenever someone (else) signs in here (the header
    // shows these only once the session is ready).
    Effect::new(move |previous: Option<Option<String>>| {
        let user = auth.user.with(|u| u.as_ref().map(|u| u.id.clone()));
        if user != previous.flatten() {
            shown.set(Vec::new());
            if user.is_some() {
                spawn_local(async move {
                    if let Ok(found) = auth.watch(api::alerts().await) {
                        for alert in found.alerts.into_iter().rev() {
                            add(alert, false);
                        }
                    }
                });
            }
        }
        user
    });
    let on_event = move |event: LiveEvent| {
        if let Some(alert) = event.new_sign_in() {
            add(alert, true);
        }
    };
    let _status = use_live(on_event, || {});

    // Marks the alert's call as running (`None`) or answered.
    let settle = move |id: i64, outcome: Option<String>| {
        shown.update(|list| {
            if let Some(s) = list.iter_mut().find(|s| s.alert.id == id) {
                s.busy = outcome.is_none();
                s.outcome = outcome;
            }
        });
    };
    let sign_it_out = move |alert: NewSignIn| {
        settle(alert.id, None);
        spawn_local(async move {
            let outcome = match auth.watch(api::revoke_session(&alert.session_id).await) {
                Ok(_) => format!("Signed out {}.", alert.device),
                Err(e) => e.to_string(),
            };
            settle(alert.id, Some(outcome));
        });
    };
    let dismiss = move |id: i64| shown.update(|list| list.retain(|s| s.alert.id != id));
    let it_was_me = move |id: i64| {
        settle(id, None);
        spawn_local(async move {
            match auth.watch(api::dismiss_alert(id).await) {
                Ok(_) => dismiss(id),
                Err(e) => settle(id, Some(e.to_string())),
            }
        });
    };

    view! {
        <div class="alerts" aria-live="polite">
            <For each=move || shown.get() key=|s| (s.alert.id, s.busy, s.outcome.clone()) let:item>
                {
                    let alert = item.alert;
                    let id = alert.id;
                    let target = alert.clone();
                    let from = alert
                        .network
                        .map(|n| format!(", from {n}"))
                        .unwrap_or_default();
                    let what = format!("{}, {}{from}", alert.device, local_moment(&alert.at));
                    let headline = if item.live {
                        format!("New sign-in: {what}")
                    } else {
                        format!("Someone signed in: {what}, while you were away")
                    };
                    let can_sign_out = item.live || alert.active;
                    view! {
                        <div class="alert-notice" role="alert" data-testid="sign-in-alert" data-session-id=alert.session_id.clone()>
                            <p><strong>{headline}</strong></p>
                            {match item.outcome {
                                Some(outcome) => view! {
                                    <p class="alert-outcome">{outcome}</p>
                                    <button type="button" class="button secondary" on:click=move |_| dismiss(id)>"Close"</button>
                                }.into_any(),
                                None => view! {
                                    <p>{if can_sign_out { "Not you? Sign it out now." } else { "That session has ended since. Not you? Change your password." }}</p>
                                    <div class="alert-actions">
                                        {can_sign_out.then(|| view! {
                                            <BusyButton
                                                class="button danger"
                                                label="Sign it out"
                                                busy_label="Signing out…"
                                                busy=item.busy
                                                on_click=Callback::new(move |()| sign_it_out(target.clone()))
                                            />
                                        })}
                                        <button type="button" class="button secondary" disabled=item.busy on:click=move |_| it_was_me(id)>
                                            "It was me"
                                        </button>
                                    </div>
                                }.into_any(),
                            }}
                        </div>
                    }
                }
            </For>
        </div>
    }
}
