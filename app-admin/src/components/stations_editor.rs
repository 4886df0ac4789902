//! The stations section of the menu editor: where categories are prepared
//! (the bar, the kitchen). Add one, rename one in place, delete one; a
//! deletion the server refuses (open orders still wait on it, categories
//! are prepared there, it is the last one) says why beside the station.
//!
//! Changes run through the [`Editor`](crate::components::editor::Editor)
//! like every other change of the menu, one at a time.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::bar::{DeleteResponse, Station, STATION_NAME_MAX_LEN};
use shared::validate;
use ui::bar_api;
use ui::components::ConfirmDelete;
use ui::load::{error_line, notice};

use crate::components::editor::use_editor;

/// The list of stations, each with its actions, and a form to add one.
#[component]
pub(crate) fn StationsSection() -> impl IntoView {
    let editor = use_editor();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let key = "add-station";
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = match validate::station_name(&name.get_untracked()) {
            Ok(text) => text,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        done.set(None);
        editor.run(
            key.to_owned(),
            error,
            move || async move { bar_api::create_station(&text).await },
            move |station: Station| {
                name.set(String::new());
                done.set(Some(format!("{} was added.", station.name)));
                editor.reload_stations();
            },
        );
    };
    let stations = move || editor.station_list();
    view! {
        <section class="stations card" data-testid="stations" aria-labelledby="stations-title">
            <h2 id="stations-title">"Stations"</h2>
            <p class="lead">
                "Each category is prepared at a station; each station's screen at the bar shows only its lines."
            </p>
            {move || notice(done.get())}
            <ul class="station-list">
                <For
                    each=stations
                    key=|station| (station.id.clone(), station.name.clone())
                    children=move |station| view! { <StationRow station notice=done /> }
                />
            </ul>
            <form class="inline-form" on:submit=submit novalidate>
                <label for="new-station-name">"New station"</label>
                <input
                    id="new-station-name"
                    data-testid="new-station-name"
                    maxlength=STATION_NAME_MAX_LEN
                    placeholder="e.g. Kitchen"
                    autocomplete="off"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <button
                    type="submit"
                    class="button primary"
                    data-testid="add-station"
                    disabled=move || editor.locked()
                >
                    {move || if editor.running(key) { "Adding…" } else { "Add station" }}
                </button>
            </form>
            {move || error_line(error.get())}
        </section>
    }
}

/// One station: its name (renamed in place) and deletion, with the
/// server's reason when it refuses.
#[component]
fn StationRow(
    station: Station,
    /// Where the section says what a deletion did (the row is gone).
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let editor = use_editor();
    let Station { id, name, .. } = station;
    let id = StoredValue::new(id);
    let current = StoredValue::new(name.clone());
    let error = RwSignal::new(None::<String>);
    let renaming = RwSignal::new(false);
    let new_name = RwSignal::new(String::new());
    let confirming = RwSignal::new(false);
    let key = move |what: &str| id.with_value(|id| format!("station:{what}:{id}"));
    let running = move |what: &'static str| move || editor.running(&key(what));

    let rename = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = match validate::station_name(&new_name.get_untracked()) {
            Ok(text) => text,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        let id = id.get_value();
        editor.run(
            key("rename"),
            error,
            move || async move { bar_api::rename_station(&id, &text).await },
            move |_| {
                renaming.set(false);
                editor.reload_stations();
            },
        );
    };
    let delete = move |_| {
        let id = id.get_value();
        editor.run(
            key("delete"),
            error,
            move || async move { bar_api::delete_station(&id).await },
            move |answer: DeleteResponse| {
                confirming.set(false);
                notice.set(Some(answer.message));
                editor.reload_stations();
            },
        );
    };
    let label = name;

    view! {
        <li class="station-row" data-testid="station-row" data-station-name=label>
            <Show
                when=move || renaming.get()
                fallback=move || {
                    view! { <span class="station-name">{current.get_value()}</span> }
                }
            >
                <form class="inline-form" on:submit=rename novalidate>
                    <label class="visually-hidden" for=key("name")>"Station name"</label>
                    <input
                        id=key("name")
                        data-testid="station-name-input"
                        maxlength=STATION_NAME_MAX_LEN
                        autocomplete="off"
                        prop:value=move || new_name.get()
                        on:input=move |ev| new_name.set(event_target_value(&ev))
                    />
                    <button
                        type="submit"
                        class="button primary"
                        data-testid="save-station"
                        disabled=move || editor.locked()
                    >
                        {move || if running("rename")() { "Saving…" } else { "Save" }}
                    </button>
                    <button
                        type="button"
                        class="button secondary"
                        disabled=running("rename")
                        on:click=move |_| renaming.set(false)
                    >
                        "Cancel"
                    </button>
                </form>
            </Show>
            <div class="row-actions">
                <button
                    type="button"
                    class="button secondary"
                    data-testid="rename-station"
                    disabled=move || renaming.get()
                    on:click=move |_| {
                        new_name.set(current.get_value());
                        error.set(None);
                        renaming.set(true);
                    }
                >
                    "Rename"
                </button>
                <ConfirmDelete
                    what="station"
                    name=move || current.get_value()
                    confirming
                    error
                    locked=move || editor.locked()
                    running=running("delete")
                    on_delete=Callback::new(delete)
                />
            </div>
            {move || error_line(error.get())}
        </li>
    }
}
