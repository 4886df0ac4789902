//! The user's security activity: sign-ins, sign-outs, password changes,
//! failures and locks, newest first, with the device, address and app.

use leptos::prelude::*;
use shared::security::{self, ActivityEntry, ActivityKind};

use crate::api;
use crate::components::BusyButton;
use crate::format::local_time;
use crate::load::{error_line, staged, Actions, Loader};
use crate::session::use_auth;

/// One entry as a person reads it.
#[component]
pub fn ActivityItem(entry: ActivityEntry) -> impl IntoView {
    let from = entry.ip_address.as_ref().map(|ip| match &entry.network {
        Some(network) => format!("{ip} ({network})"),
        None => ip.clone(),
    });
    let facts = [
        ("Device", entry.device.clone()),
        ("App", entry.client_app.map(|app| app.as_str().to_owned())),
        ("From", from),
    ];
    view! {
        <li class="activity" class:warning=entry.kind.is_warning() data-testid="activity" data-kind=entry.kind.as_str()>
            <div class="activity-head">
                <strong>{entry.kind.label()}</strong>
                <time datetime=entry.at.clone()>{local_time(&entry.at)}</time>
            </div>
            {entry.detail.clone().map(|d| view! { <p class="activity-detail">{d}</p> })}
            <dl class="activity-facts">
                {facts
                    .into_iter()
                    .filter_map(|(name, value)| {
                        value.map(|value| view! { <div><dt>{name}</dt><dd>{value}</dd></div> })
                    })
                    .collect_view()}
            </dl>
        </li>
    }
}

/// The activity page: thirty at a time, "Show older" for the rest.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let auth = use_auth();
    let activity = Loader::<security::ActivityPage>::new();
    let more = Actions::new(auth);
    let load = move || activity.load(auth, || api::activity(None));
    Effect::new(move |_| load());
    // Older entries go below the ones shown; a failure says so there.
    let show_older = move |before: i64| {
        more.run("older", async move {
            let older = api::activity(Some(before)).await?;
            activity.patch(|page| {
                page.entries.extend(older.entries);
                page.next_before = older.next_before;
            });
            Ok(None)
        });
    };
    let stage = activity.stage();

    view! {
        <main class="page">
            <h1>"Activity"</h1>
            <p class="lead">"What happened to your account lately: sign-ins, sign-outs and changes. Kept for 90 days."</p>
            // Read inside, so older entries join the list as they come.
            {staged(stage, "Loading your activity…", load, move || move || {
                let (entries, next_before) = activity
                    .state
                    .with(|s| s.ready().map(|p| (p.entries.clone(), p.next_before)))
                    .unwrap_or_default();
                view! {
                    {entries.is_empty().then(|| view! { <p>"Nothing yet."</p> })}
                    <ol class="activity-list">
                        {entries.into_iter().map(|entry| view! { <ActivityItem entry /> }).collect_view()}
                    </ol>
                    {next_before.map(|before| view! {
                        <BusyButton
                            label="Show older"
                            busy_label="Loading…"
                            busy=move || more.locked()
                            on_click=Callback::new(move |()| show_older(before))
                        />
                    })}
                }
            })}
            {move || error_line(more.error.get())}
        </main>
    }
}

/// The kinds a filter offers, with what people read.
pub fn kind_options() -> [(&'static str, &'static str); ActivityKind::ALL.len()] {
    ActivityKind::ALL.map(|k| (k.as_str(), k.label()))
}
