//! The stations section of the menu editor: where categories are prepared
//! (the bar, the kitchen). Add one, rename one in place, delete one; a
//! deletion the server refuses (open orders still wait on it, categories
//! are prepared there, it is the last one) says why beside the station.
//!
//! Changes run through the [`Editor`](crate::editor::Editor)
//! like every other change of the menu, one at a time.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::bar::{Station, STATION_NAME_MAX_LEN};
use shared::validate;
use ui::bar_api;
use ui::components::{checked, ConfirmDelete};
use ui::load::{error_line, notice};

use crate::editor::{Editor, SubmitButton};
use crate::rename::{NameInput, RenameButton, RenameForm};

/// The list of stations, each with its actions, and a form to add one.
#[component]
pub(crate) fn StationsSection() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let key = "add-station";
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(text) = checked(validate::station_name(&name.get_untracked()), error) else {
            return;
        };
        done.set(None);
        editor.run(key.to_owned(), error, async move {
            let station = bar_api::create_station(&text).await?;
            name.set(String::new());
            done.set(Some(format!("{} was added.", station.name)));
            editor.reload_stations();
            Ok(())
        });
    };
    view! {
        <section class="stations card" data-testid="stations" aria-labelledby="stations-title">
            <h2 id="stations-title">"Stations"</h2>
            <p class="lead">
                "Each category is prepared at a station; each station's screen at the bar shows only its lines."
            </p>
            {move || notice(done.get())}
            <ul class="station-list">
                <For
                    each=move || editor.station_list()
                    key=|station| (station.id.clone(), station.name.clone())
                    children=move |station| view! { <StationRow station notice=done /> }
                />
            </ul>
            <form class="inline-form" on:submit=submit novalidate>
                <label for="new-station-name">"New station"</label>
                <NameInput
                    id="new-station-name"
                    testid="new-station-name"
                    max_len=STATION_NAME_MAX_LEN
                    placeholder="e.g. Kitchen"
                    value=name
                />
                <SubmitButton testid=key label="Add station" busy=move || editor.actions.running(key) />
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
    let editor = expect_context::<Editor>();
    let id = StoredValue::new(station.id);
    let current = StoredValue::new(station.name);
    let error = RwSignal::new(None::<String>);
    let renaming = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let key = move |what: &str| id.with_value(|id| format!("station:{what}:{id}"));
    let running = move |what: &'static str| move || editor.actions.running(&key(what));

    let rename = move |text: String| {
        let id = id.get_value();
        editor.run(key("rename"), error, async move {
            bar_api::rename_station(&id, &text).await?;
            renaming.set(false);
            editor.reload_stations();
            Ok(())
        });
    };
    let delete = move |_| {
        let id = id.get_value();
        editor.run(key("delete"), error, async move {
            let answer = bar_api::delete_station(&id).await?;
            confirming.set(false);
            notice.set(Some(answer.message));
            editor.reload_stations();
            Ok(())
        });
    };

    view! {
        <li class="station-row" data-testid="station-row" data-station-name=current.get_value()>
            <RenameForm
                what="station"
                label="Station name"
                id=key("name")
                max_len=STATION_NAME_MAX_LEN
                open=renaming
                current=move || current.get_value()
                check=validate::station_name
                error
                saving=running("rename")
                on_save=Callback::new(rename)
            >
                <span class="station-name">{current.get_value()}</span>
            </RenameForm>
            <div class="row-actions">
                <RenameButton what="station" open=renaming error />
                <ConfirmDelete
                    what="station"
                    name=move || current.get_value()
                    confirming
                    error
                    locked=move || editor.actions.locked()
                    running=running("delete")
                    on_delete=Callback::new(delete)
                />
            </div>
            {move || error_line(error.get())}
        </li>
    }
}
