//! The user's security activity: sign-ins, sign-outs, password changes,
//! failures and locks, newest first, with the device, address and app.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::security::{ActivityEntry, ActivityKind};

use crate::api;
use crate::format::local_time;
use crate::session::use_auth;

/// What the list holds, and whether older entries remain.
#[derive(Debug, Clone, PartialEq)]
enum Listing {
    Loading,
    Loaded {
        entries: Vec<ActivityEntry>,
        next_before: Option<i64>,
    },
    Failed(String),
}

/// One entry as a person reads it.
#[component]
pub fn ActivityItem(entry: ActivityEntry) -> impl IntoView {
    let warning = entry.kind.is_warning();
    let mut facts = Vec::new();
    if let Some(device) = &entry.device {
        facts.push(("Device", device.clone()));
    }
    if let Some(app) = entry.client_app {
        facts.push(("App", app.as_str().to_owned()));
    }
    match (&entry.ip_address, &entry.network) {
        (Some(ip), Some(network)) => facts.push(("From", format!("{ip} ({network})"))),
        (Some(ip), None) => facts.push(("From", ip.clone())),
        _ => {}
    }
    view! {
        <li class="activity" class:warning=warning data-testid="activity" data-kind=entry.kind.as_str()>
            <div class="activity-head">
                <strong>{entry.kind.label()}</strong>
                <time datetime=entry.at.clone()>{local_time(&entry.at)}</time>
            </div>
            {entry.detail.clone().map(|d| view! { <p class="activity-detail">{d}</p> })}
            <dl class="activity-facts">
                {facts
                    .into_iter()
                    .map(|(name, value)| view! { <div><dt>{name}</dt><dd>{value}</dd></div> })
                    .collect_view()}
            </dl>
        </li>
    }
}

/// The activity page: thirty at a time, "Show older" for the rest.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let auth = use_auth();
    let listing = RwSignal::new(Listing::Loading);
    let loading_more = RwSignal::new(false);
    let more_error = RwSignal::new(None::<String>);

    let load = move |before: Option<i64>| {
        spawn_local(async move {
            let outcome = auth.watch(api::activity(before).await);
            match outcome {
                Ok(page) => listing.update(|l| match (l, before) {
                    (
                        Listing::Loaded {
                            entries,
                            next_before,
                        },
                        Some(_),
                    ) => {
                        entries.extend(page.entries);
                        *next_before = page.next_before;
                    }
                    (l, _) => {
                        *l = Listing::Loaded {
                            entries: page.entries,
                            next_before: page.next_before,
                        }
                    }
                }),
                Err(e) if e.ends_session() => {}
                Err(e) if before.is_some() => more_error.set(Some(e.to_string())),
                Err(e) => listing.set(Listing::Failed(e.to_string())),
            }
            loading_more.set(false);
        });
    };
    Effect::new(move |_| load(None));

    view! {
        <main class="page">
            <h1>"Activity"</h1>
            <p class="lead">"What happened to your account lately: sign-ins, sign-outs and changes. Kept for 90 days."</p>
            {move || match listing.get() {
                Listing::Loading => view! { <p class="loading" aria-busy="true">"Loading your activity…"</p> }.into_any(),
                Listing::Failed(message) => view! {
                    <div class="form-error" role="alert">
                        <p>{message}</p>
                        <button type="button" class="button secondary" on:click=move |_| {
                            listing.set(Listing::Loading);
                            load(None);
                        }>"Try again"</button>
                    </div>
                }.into_any(),
                Listing::Loaded { entries, next_before } => {
                    let empty = entries.is_empty();
                    view! {
                        {empty.then(|| view! { <p>"Nothing yet."</p> })}
                        <ol class="activity-list">
                            {entries.into_iter().map(|entry| view! { <ActivityItem entry /> }).collect_view()}
                        </ol>
                        {next_before.map(|before| view! {
                            <button
                                type="button"
                                class="button secondary"
                                disabled=move || loading_more.get()
                                on:click=move |_| {
                                    loading_more.set(true);
                                    more_error.set(None);
                                    load(Some(before));
                                }
                            >
                                {move || if loading_more.get() { "Loading…" } else { "Show older" }}
                            </button>
                        })}
                        {move || more_error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                    }.into_any()
                }
            }}
        </main>
    }
}

/// The kinds a filter offers, with what people read.
pub fn kind_options() -> Vec<(&'static str, &'static str)> {
    ActivityKind::ALL
        .into_iter()
        .map(|k| (k.as_str(), k.label()))
        .collect()
}
