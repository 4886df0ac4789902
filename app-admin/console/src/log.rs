//! The security log at `/admin/log`: every user's activity, newest first,
//! filtered by user, kind and date range, and exported as CSV.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::security::AdminActivityPage;
use ui::components::BusyButton;
use ui::load::{error_line, staged, Actions, Stage};
use ui::pages::activity::{kind_options, ActivityItem};
use ui::{bar_api, use_auth};

use crate::user_search::{ChosenUser, UserSearch};

/// Filters, the entries they find, "Show older", and the CSV export.
#[component]
pub fn LogPage() -> impl IntoView {
    let auth = use_auth();
    let user = RwSignal::new(None::<ChosenUser>);
    let kind = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    // The entries shown, and the cursor of the next page.
    let shown = RwSignal::new(AdminActivityPage {
        entries: Vec::new(),
        next_before: None,
    });
    let stage = RwSignal::new(Stage::Loading);
    let more = RwSignal::new(false);
    let more_error = RwSignal::new(None::<String>);
    let export = Actions::new(auth);
    // Numbers the loads, so a slow answer for old filters is dropped.
    let generation = StoredValue::new(0u64);

    let filters = Memo::new(move |_| {
        let user_id = user.with(|u| u.as_ref().map(|u| u.id.clone()).unwrap_or_default());
        vec![
            ("user_id", user_id),
            ("kind", kind.get()),
            ("from", from.get()),
            ("to", to.get()),
        ]
    });
    let load = move |before: Option<i64>| {
        let number = generation.try_update_value(|n| {
            *n += 1;
            *n
        });
        let filter = filters.get_untracked();
        spawn_local(async move {
            let outcome = auth.watch(bar_api::admin_activity(&filter, before).await);
            if generation.try_get_value() != number {
                return;
            }
            more.set(false);
            match outcome {
                Ok(page) => {
                    shown.update(|s| {
                        if before.is_none() {
                            s.entries.clear();
                        }
                        s.entries.extend(page.entries);
                        s.next_before = page.next_before;
                    });
                    stage.set(Stage::Ready);
                }
                Err(e) if e.ends_session() => {}
                Err(e) if before.is_some() => more_error.set(Some(e.to_string())),
                Err(e) => stage.set(Stage::Failed(e.to_string())),
            }
        });
    };
    // Every change of a filter loads again, from the newest.
    Effect::new(move |_| {
        filters.track();
        more_error.set(None);
        load(None);
    });

    let export_csv = move |()| {
        let filter = filters.get_untracked();
        export.run("export", async move {
            let csv = bar_api::admin_activity_csv(&filter).await?;
            if let Err(e) = download("taproom-activity.csv", &csv) {
                export.error.set(Some(e));
            }
            Ok(None)
        });
    };

    let retry = move || {
        stage.set(Stage::Loading);
        load(None);
    };
    let table = move || {
        let page = shown.get();
        view! {
            <p data-testid="log-count">
                {match (page.entries.len(), page.next_before) {
                    (0, _) => "No entries match.".to_owned(),
                    (n, Some(_)) => format!("The newest {n} entries"),
                    (1, None) => "1 entry".to_owned(),
                    (n, None) => format!("{n} entries"),
                }}
            </p>
            <ol class="activity-list admin-log">
                {page
                    .entries
                    .into_iter()
                    .map(|e| view! {
                        <div class="log-row" data-testid="log-entry" data-user-id=e.user_id.clone()>
                            <p class="log-user">{format!("{} <{}>", e.user_name, e.user_email)}</p>
                            <ActivityItem entry=e.entry />
                        </div>
                    })
                    .collect_view()}
            </ol>
            {page.next_before.map(|before| view! {
                <BusyButton
                    label="Show older"
                    busy_label="Loading…"
                    busy=more
                    on_click=Callback::new(move |()| {
                        more.set(true);
                        more_error.set(None);
                        load(Some(before));
                    })
                />
            })}
            {move || error_line(more_error.get())}
        }
    };

    view! {
        <main class="page log-page">
            <h1>"Security log"</h1>
            <p class="lead">"Sign-ins, sign-outs, failures and changes on every account, newest first. Kept for 90 days."</p>
            <form class="filters" on:submit=move |ev| ev.prevent_default()>
                <UserSearch chosen=user field="log-user" />
                <div class="field">
                    <label for="log-kind">"What"</label>
                    <select id="log-kind" data-testid="log-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="">"Everything"</option>
                        {kind_options()
                            .into_iter()
                            .map(|(value, label)| view! { <option value=value>{label}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="log-from">"From"</label>
                    <input id="log-from" type="date" data-testid="log-from" on:change=move |ev| from.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="log-to">"To"</label>
                    <input id="log-to" type="date" data-testid="log-to" on:change=move |ev| to.set(event_target_value(&ev)) />
                </div>
                <BusyButton
                    testid="export-csv"
                    label="Export CSV"
                    busy_label="Exporting…"
                    busy=move || export.locked()
                    on_click=Callback::new(export_csv)
                />
            </form>
            {move || error_line(export.error.get())}
            {staged(stage, "Loading the log…", retry, table)}
        </main>
    }
}

/// Hands `text` to the browser as a file download.
fn download(name: &str, text: &str) -> Result<(), String> {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let fail = |_| "The browser could not save the file.".to_owned();
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/csv");
        let blob =
            web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
        let document = web_sys::window()
            .and_then(|w| w.document())
            .ok_or("no document")?;
        let link: web_sys::HtmlAnchorElement = document
            .create_element("a")
            .map_err(fail)?
            .dyn_into()
            .map_err(|_| "no link".to_owned())?;
        link.set_href(&url);
        link.set_download(name);
        link.click();
        let _ = web_sys::Url::revoke_object_url(&url);
        Ok(())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _unused = (name, text);
        Err("Downloads happen in the browser.".to_owned())
    }
}
