//! The menu editor's parts: the shared [`Editor`] state, a category card
//! (rename, its station, move, delete, its items, a form to add one) and an
//! item row (availability, move, edit, delete).
//!
//! One change runs at a time: moves send the whole order of a list, so the
//! next move must start from the answer of the last one. After every change
//! the menu is read again, and the lock lifts only then.

use std::future::Future;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::bar::{
    allergen_names, format_price, MenuCategory, MenuItem, MenuResponse, Station, StationsResponse,
};
use shared::session::SessionError;
use shared::validate::{self, Named};
use ui::components::{checked, BusyButton, ConfirmDelete, MoveButtons};
use ui::load::{error_line, notice, Actions, Loader};
use ui::{bar_api, Auth};

use crate::item_form::ItemForm;
use crate::rename::{NameInput, RenameButton, RenameForm};
use crate::{options_editor, select_options};

/// The menu being edited and the change in flight, shared by its parts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Editor {
    auth: Auth,
    pub(crate) menu: Loader<MenuResponse>,
    /// The stations categories are prepared at.
    pub(crate) stations: Loader<StationsResponse>,
    /// The changes, one at a time: the one in flight says "Saving…" on
    /// its own button while every other one waits; the notice says what
    /// the last category deletion did (its card is gone).
    pub(crate) actions: Actions,
}

impl Editor {
    /// Creates the editor and provides it to the parts.
    pub(crate) fn provide(auth: Auth) -> Editor {
        let editor = Editor {
            auth,
            menu: Loader::new(),
            stations: Loader::new(),
            actions: Actions::new(auth),
        };
        provide_context(editor);
        editor
    }

    /// Reads the menu again, and the stations.
    pub(crate) fn reload(&self) {
        self.menu.load(self.auth, bar_api::menu);
        self.reload_stations();
    }

    /// Reads the stations again.
    pub(crate) fn reload_stations(&self) {
        self.stations.load(self.auth, bar_api::stations);
    }

    /// The stations as loaded, in order (tracked); none until loaded.
    pub(crate) fn station_list(&self) -> Vec<Station> {
        self.stations
            .state
            .with(|s| s.ready().map(|r| r.stations.clone()).unwrap_or_default())
    }

    /// The stations as a select's options, `chosen` selected (tracked).
    fn station_options(&self, chosen: &str) -> impl IntoView {
        let stations = self.station_list().into_iter().map(|s| (s.id, s.name));
        select_options(stations.collect(), chosen)
    }

    /// Runs one change named `key`: its error goes to `error`; on success
    /// the menu is read again. Does nothing while another change runs (its
    /// buttons are disabled anyway).
    pub(crate) fn run<T: 'static>(
        &self,
        key: String,
        error: RwSignal<Option<String>>,
        call: impl Future<Output = Result<T, SessionError>> + 'static,
    ) {
        let this = *self;
        self.actions.run_reporting(key, error, async move {
            let outcome = call.await;
            // Not found or a conflict: someone else changed the menu; show
            // theirs next to the message.
            let stale =
                |e: &SessionError| !e.ends_session() && matches!(e.status(), Some(404 | 409));
            if outcome.as_ref().map_or_else(stale, |_| true) {
                this.menu.fetch(this.auth, bar_api::menu()).await;
            }
            outcome.map(|_| None)
        });
    }

    /// The category `id` as loaded, empty while it is not (tracked): a
    /// category gone from the menu takes its card and rows with it.
    fn category(&self, id: &str) -> MenuCategory {
        self.menu
            .state
            .with(|s| s.ready()?.categories.iter().find(|c| c.id == id).cloned())
            .unwrap_or_default()
    }

    /// The categories' ids in menu order (tracked).
    pub(crate) fn category_ids(&self) -> Vec<String> {
        self.menu.state.with(|s| {
            s.ready()
                .map(|m| m.categories.iter().map(|c| c.id.clone()).collect())
                .unwrap_or_default()
        })
    }
}

/// Swaps the element at `at` with its neighbour above (`up`) or below;
/// `false`, and `list` unchanged, at either end.
pub(crate) fn swap_with_neighbour<T>(list: &mut [T], at: usize, up: bool) -> bool {
    let other = if up { at.checked_sub(1) } else { Some(at + 1) };
    let other = other.filter(|o| *o < list.len());
    if let Some(other) = other {
        list.swap(at, other);
    }
    other.is_some()
}

/// The place of the first element of `list` that `is`, and the length of
/// `list`: what [`MoveButtons`] take.
pub(crate) fn place_of<T>(list: &[T], is: impl Fn(&T) -> bool) -> (Option<usize>, usize) {
    (list.iter().position(is), list.len())
}

/// The submit button of an editor's form: "Adding…" (or `busy_label`)
/// while its change runs, and waiting while any change runs.
#[component]
pub(crate) fn SubmitButton(
    testid: &'static str,
    label: &'static str,
    #[prop(default = "Adding…")] busy_label: &'static str,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let locked = move || editor.actions.locked();
    view! { <BusyButton submit=true class="button primary" testid label busy_label busy disabled=locked /> }
}

/// A new category's name, and "Add category".
#[component]
pub(crate) fn AddCategoryForm() -> impl IntoView {
    let editor = expect_context::<Editor>();
    let name = RwSignal::new(String::new());
    // Empty: the first station (the server's choice).
    let station = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let key = "add-category";
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let check = validate::menu_name(&name.get_untracked(), Named::Category);
        let Some(text) = checked(check, error) else {
            return;
        };
        let station_id = Some(station.get_untracked()).filter(|s| !s.is_empty());
        editor.run(key.to_owned(), error, async move {
            bar_api::create_category(&text, station_id.as_deref()).await?;
            name.set(String::new());
            Ok(())
        });
    };
    view! {
        <form class="add-category card" on:submit=submit novalidate>
            <label for="new-category-name">"New category"</label>
            <div class="inline-form">
                <NameInput
                    id="new-category-name"
                    testid="new-category-name"
                    max_len=shared::bar::MENU_NAME_MAX_LEN
                    placeholder="e.g. Draught beer"
                    value=name
                />
                <label class="visually-hidden" for="new-category-station">
                    "Prepared at"
                </label>
                <select
                    id="new-category-station"
                    data-testid="new-category-station"
                    prop:value=move || station.get()
                    on:change=move |ev| station.set(event_target_value(&ev))
                >
                    <option value="">"First station"</option>
                    {move || editor.station_options("")}
                </select>
                <SubmitButton testid=key label="Add category" busy=move || editor.actions.running(key) />
            </div>
            {move || error_line(error.get())}
        </form>
    }
}

/// One category: its name (renamed in place), moves, deletion, its items
/// and the form to add one.
#[component]
pub(crate) fn CategoryCard(id: String) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let id = StoredValue::new(id);
    let category = Memo::new(move |_| id.with_value(|id| editor.category(id)));
    let place =
        Memo::new(move |_| id.with_value(|id| place_of(&editor.category_ids(), |c| c == id)));
    let name = move || category.with(|c| c.name.clone());
    let station_id = move || category.with(|c| c.station_id.clone());
    let error = RwSignal::new(None::<String>);
    let item_notice = RwSignal::new(None::<String>);
    let renaming = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let key = move |what: &str| id.with_value(|id| format!("category:{what}:{id}"));

    let move_by = move |up: bool| {
        let mut ids = untrack(|| editor.category_ids());
        let (at, _) = place.get_untracked();
        if at.is_some_and(|at| swap_with_neighbour(&mut ids, at, up)) {
            editor.run(key("move"), error, bar_api::reorder_categories(ids));
        }
    };
    let rename = move |text: String| {
        let id = id.get_value();
        editor.run(key("rename"), error, async move {
            bar_api::rename_category(&id, &text, None).await?;
            renaming.set(false);
            Ok(())
        });
    };
    // Moving the category to another station keeps its name.
    let set_station = move |station: String| {
        if station.is_empty() || station == station_id() {
            return;
        }
        let id = id.get_value();
        let current = name();
        editor.run(key("station"), error, async move {
            bar_api::rename_category(&id, &current, Some(&station)).await
        });
    };
    let delete = move |_| {
        let id = id.get_value();
        editor.run(key("delete"), error, async move {
            let answer = bar_api::delete_category(&id).await?;
            confirming.set(false);
            editor.actions.notice.set(Some(answer.message));
            Ok(())
        });
    };

    let item_ids =
        move || category.with(|c| c.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>());
    let running = move |what: &'static str| move || editor.actions.running(&key(what));

    view! {
        <section class="category card" data-testid="editor-category" data-category-name=name>
            <header class="category-head">
                <RenameForm
                    what="category"
                    label="Category name"
                    id=key("name")
                    max_len=shared::bar::MENU_NAME_MAX_LEN
                    open=renaming
                    current=name
                    check=|name| validate::menu_name(name, Named::Category)
                    error
                    saving=running("rename")
                    on_save=Callback::new(rename)
                >
                    <h2 class="category-name">{name}</h2>
                </RenameForm>
                <div class="row-actions">
                    <MoveButtons
                        what="category"
                        name=name
                        place=place
                        locked=move || editor.actions.locked()
                        on_move=Callback::new(move_by)
                    />
                    <RenameButton what="category" open=renaming error />
                    <ConfirmDelete
                        what="category"
                        name=name
                        confirming
                        error
                        locked=move || editor.actions.locked()
                        running=running("delete")
                        blocked=move || (!item_ids().is_empty()).then_some("Delete or move its items first")
                        on_delete=Callback::new(delete)
                    />
                </div>
            </header>
            <div class="category-station">
                <label for=key("station-select")>"Prepared at"</label>
                <select
                    id=key("station-select")
                    data-testid="category-station"
                    disabled=move || editor.actions.locked()
                    prop:value=station_id
                    on:change=move |ev| set_station(event_target_value(&ev))
                >
                    {move || editor.station_options(&station_id())}
                </select>
                {move || running("station")().then(|| view! { <span class="saving">"Saving…"</span> })}
            </div>
            {move || error_line(error.get())}
            {move || notice(item_notice.get())}
            <ul class="item-list">
                <For
                    each=item_ids
                    key=|item_id| item_id.clone()
                    children=move |item_id| view! { <ItemRow item_id category_id=id.get_value() notice=item_notice /> }
                />
            </ul>
            <Show when=move || item_ids().is_empty()>
                <p class="empty">"No items yet."</p>
            </Show>
            <div class="add-item">
                <h3 class="add-item-title">"Add an item"</h3>
                <ItemForm category_id=id.get_value() />
            </div>
        </section>
    }
}

/// One item: its fields, availability, moves, edit (in place) and delete.
#[component]
fn ItemRow(
    item_id: String,
    category_id: String,
    /// Where the category card says what a deletion did.
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let id = StoredValue::new(item_id);
    let category_id = StoredValue::new(category_id);
    let siblings = move || category_id.with_value(|c| editor.category(c)).items;
    // Empty once gone from the category (its row is about to go too).
    let item = Memo::new(move |_| {
        let found = id.with_value(|id| siblings().into_iter().find(|i| i.id == *id));
        found.unwrap_or_default()
    });
    let place = Memo::new(move |_| id.with_value(|id| place_of(&siblings(), |i| i.id == *id)));
    let field = move |f: fn(&MenuItem) -> String| move || item.with(f);
    let name = field(|i| i.name.clone());
    let available = move || item.with(|i| i.available);
    let error = RwSignal::new(None::<String>);
    let editing = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let key = move |what: &str| id.with_value(|id| format!("item:{what}:{id}"));
    let running = move |what: &'static str| move || editor.actions.running(&key(what));

    let toggle = move |_| {
        let id = id.get_value();
        let to = !available();
        editor.run(key("available"), error, async move {
            bar_api::set_availability(&id, to).await
        });
    };
    let move_by = move |up: bool| {
        let mut ids: Vec<String> = untrack(siblings).into_iter().map(|i| i.id).collect();
        let (at, _) = place.get_untracked();
        if at.is_some_and(|at| swap_with_neighbour(&mut ids, at, up)) {
            let category = category_id.get_value();
            editor.run(key("move"), error, async move {
                bar_api::reorder_items(&category, ids).await
            });
        }
    };
    let delete = move |_| {
        let id = id.get_value();
        editor.run(key("delete"), error, async move {
            let answer = bar_api::delete_item(&id).await?;
            notice.set(Some(answer.message));
            Ok(())
        });
    };

    view! {
        <li
            class="item-row"
            class:sold-out=move || !available()
            data-testid="editor-item"
            data-item-name=name
            data-available=move || available().to_string()
        >
            <Show
                when=move || editing.get()
                fallback=move || {
                    view! {
                        <div class="item-text">
                            <strong class="item-name">{name}</strong>
                            <span class="item-description">{field(|i| i.description.clone())}</span>
                            <span class="item-allergens" data-testid="editor-item-allergens">
                                {field(|i| {
                                    if i.allergens.is_empty() {
                                        String::new()
                                    } else {
                                        format!("Contains: {}", allergen_names(&i.allergens))
                                    }
                                })}
                            </span>
                            <span class="item-options" data-testid="editor-item-options">
                                {field(|i| options_editor::summary(&i.option_groups))}
                            </span>
                        </div>
                        <span class="item-price">{field(|i| format_price(i.price_cents))}</span>
                        // The state as a label, the button as what it will do.
                        <span class="availability-state" class:is-available=available data-testid="availability-state">
                            {move || if available() { "Available" } else { "Sold out" }}
                        </span>
                        <button
                            type="button"
                            class="button secondary availability"
                            data-testid="toggle-available"
                            aria-label=move || {
                                if available() {
                                    format!("Mark {} sold out", name())
                                } else {
                                    format!("Put {} back on sale", name())
                                }
                            }
                            disabled=move || editor.actions.locked()
                            on:click=toggle
                        >
                            {move || match (running("available")(), available()) {
                                (true, _) => "Saving…",
                                (false, true) => "Mark sold out",
                                (false, false) => "Back on sale",
                            }}
                        </button>
                        <div class="row-actions">
                            <MoveButtons
                                what="item"
                                name=name
                                place=place
                                locked=move || editor.actions.locked()
                                on_move=Callback::new(move_by)
                            />
                            <button
                                type="button"
                                class="button secondary"
                                data-testid="edit-item"
                                on:click=move |_| {
                                    error.set(None);
                                    editing.set(true);
                                }
                            >
                                "Edit"
                            </button>
                            <ConfirmDelete
                                what="item"
                                name=name
                                confirming
                                error
                                locked=move || editor.actions.locked()
                                running=running("delete")
                                on_delete=Callback::new(delete)
                            />
                        </div>
                    }
                }
            >
                // Read once: a reload while editing must not wipe what is typed.
                <ItemForm
                    category_id=category_id.get_value()
                    item=item.get_untracked()
                    on_close=Callback::new(move |()| editing.set(false))
                />
            </Show>
            {move || error_line(error.get())}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_swap_with_the_neighbour_and_stop_at_the_ends() {
        for (mut list, at, up, moved, after) in [
            (vec!["a", "b", "c"], 1, true, true, vec!["b", "a", "c"]),
            (vec!["a", "b", "c"], 1, false, true, vec!["a", "c", "b"]),
            (vec!["a", "b"], 0, true, false, vec!["a", "b"]),
            (vec!["a", "b"], 1, false, false, vec!["a", "b"]),
        ] {
            assert_eq!(swap_with_neighbour(&mut list, at, up), moved);
            assert_eq!(list, after);
        }
    }
}
