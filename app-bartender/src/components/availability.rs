//! The availability drawer: every menu item by category, each with one
//! button to mark it sold out or back on, and under it each of its options
//! ("no oat milk left") with its own. Kept current by the live stream, so
//! two tablets behind the bar agree.

use std::collections::HashSet;

use app_bartender_state::queue::Queue;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bar::{ItemOption, MenuItem, MenuItemEvent};
use ui::bar_api;
use ui::load::{staged, Load};

use ui::components::form_error;

/// The id of the drawer, for the button that opens it.
pub(crate) const PANEL_ID: &str = "availability-panel";

/// What marks the toggle of an option as on its way: its item's id and
/// its own, apart from the items' ids.
fn option_busy_key(item_id: &str, option_id: &str) -> String {
    format!("{item_id}/{option_id}")
}

/// Sends a toggle of `item`, or of its `option`: only its button waits,
/// and the answer updates the menu.
fn send_toggle(
    queue: Queue,
    toggling: RwSignal<HashSet<String>>,
    error: RwSignal<Option<String>>,
    item: MenuItem,
    option: Option<ItemOption>,
) {
    // Its key in `toggling`, and its name in an error.
    let (key, label) = match &option {
        Some(o) => (
            option_busy_key(&item.id, &o.id),
            format!("{} ({})", item.name, o.name),
        ),
        None => (item.id.clone(), item.name.clone()),
    };
    toggling.update(|t| t.extend([key.clone()]));
    error.set(None);
    spawn_local(async move {
        let outcome = queue.auth.watch(match option {
            Some(o) => bar_api::set_option_availability(&item.id, &o.id, !o.available).await,
            None => bar_api::set_availability(&item.id, !item.available).await,
        });
        toggling.update(|t| t.retain(|k| *k != key));
        match outcome {
            Ok(item) => queue.menu_item(MenuItemEvent {
                item,
                removed: false,
            }),
            Err(e) if e.ends_session() => {}
            Err(e) => error.set(Some(format!("{label}: {e}"))),
        }
    });
}

/// An item's or option's state, and the button that says what it will do
/// (`action(available)`).
fn state_and_toggle(
    testid: &'static str,
    available: Signal<bool>,
    busy: Memo<bool>,
    action: impl Fn(bool) -> String + Send + Sync + 'static,
    on_click: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <span class="item-state">
            {move || if available.get() { "Available" } else { "Sold out" }}
        </span>
        // Not a BusyButton: its label changes with the state it toggles.
        <button
            type="button"
            class="button"
            class:secondary=available
            class:primary=move || !available.get()
            data-testid=testid
            disabled=busy
            on:click=move |_| on_click()
        >
            {move || if busy.get() { "Saving…".to_owned() } else { action(available.get()) }}
        </button>
    }
}

/// The drawer, shown while `open`.
#[component]
pub(crate) fn AvailabilityPanel(queue: Queue, open: RwSignal<bool>) -> impl IntoView {
    // Items and options whose toggle is on its way, so only their button waits.
    let toggling = RwSignal::new(HashSet::<String>::new());
    let error = RwSignal::new(None::<String>);
    // Only a change of state redraws the list (and moves focus), not every reload.
    let state = queue.menu.stage();

    // One option under its item: its name, its state, and the button that
    // says what it will do ("Mark Oat sold out", "Oat is back").
    let option_row = move |item: Memo<MenuItem>, option_id: String| {
        let busy_key = item.with_untracked(|i| option_busy_key(&i.id, &option_id));
        // The option, with its group's name.
        let option = Memo::new(move |_| {
            item.with(|i| {
                i.option_groups.iter().find_map(|g| {
                    let o = g.options.iter().find(|o| o.id == option_id)?;
                    Some((g.name.clone(), o.clone()))
                })
            })
        });
        let available = move || option.with(|o| o.as_ref().is_some_and(|(_, o)| o.available));
        let name =
            move || option.with(|o| o.as_ref().map(|(_, o)| o.name.clone()).unwrap_or_default());
        let group = move || option.with(|o| o.as_ref().map(|(g, _)| g.clone()).unwrap_or_default());
        let busy = Memo::new(move |_| toggling.with(|t| t.contains(&busy_key)));
        view! {
            <li
                class="availability-option"
                class:sold-out=move || !available()
                data-testid="availability-option"
                data-option-name=name
                data-available=move || available().to_string()
            >
                <span class="option-name">
                    <span class="option-group">{group}</span>
                    " "
                    <span class="option-label">{name}</span>
                </span>
                {state_and_toggle(
                    "toggle-option",
                    Signal::derive(available),
                    busy,
                    move |on| if on { format!("Mark {} sold out", name()) } else { format!("{} is back", name()) },
                    move || {
                        if let Some((_, chosen)) = option.get_untracked() {
                            send_toggle(queue, toggling, error, item.get_untracked(), Some(chosen));
                        }
                    },
                )}
            </li>
        }
    };

    let row = move |id: String| {
        let item_id = id.clone();
        let busy = Memo::new(move |_| toggling.with(|t| t.contains(&item_id)));
        // The item as the menu has it now; empty the moment it is gone,
        // before its row goes too.
        let item = Memo::new(move |_| {
            queue.menu.state.with(|menu| {
                let mut items = menu.ready().into_iter().flatten().flat_map(|c| &c.items);
                items.find(|i| i.id == id).cloned().unwrap_or_default()
            })
        });
        let option_ids = move || {
            item.with(|i| {
                let options = i.option_groups.iter().flat_map(|g| &g.options);
                options.map(|o| o.id.clone()).collect::<Vec<_>>()
            })
        };
        let available = move || item.with(|i| i.available);
        let name = move || item.with(|i| i.name.clone());
        view! {
            <li
                class="availability-item"
                class:sold-out=move || !available()
                data-testid="availability-item"
                data-item-name=name
                data-available=move || available().to_string()
            >
                <span class="item-name">{name}</span>
                {state_and_toggle(
                    "toggle-availability",
                    Signal::derive(available),
                    busy,
                    |on| if on { "Mark sold out" } else { "Back on" }.to_owned(),
                    move || send_toggle(queue, toggling, error, item.get_untracked(), None),
                )}
                // Empty (and hidden) for an item without options.
                <ul class="availability-options">
                    <For
                        each=option_ids
                        key=String::clone
                        children=move |option_id| option_row(item, option_id)
                    />
                </ul>
            </li>
        }
    };

    let category = move |(category_id, category_name): (String, String)| {
        let items = move || {
            queue.menu.state.with(|menu| {
                menu.ready()
                    .into_iter()
                    .flatten()
                    .find(|c| c.id == category_id)
                    .map(|c| c.items.iter().map(|i| i.id.clone()).collect::<Vec<_>>())
                    .unwrap_or_default()
            })
        };
        view! {
            <section class="availability-category">
                <h3>{category_name}</h3>
                <ul class="availability-items">
                    <For each=items key=String::clone children=row />
                </ul>
            </section>
        }
    };

    let categories = move || {
        queue.menu.state.with(|menu| {
            menu.ready()
                .into_iter()
                .flatten()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect::<Vec<_>>()
        })
    };

    view! {
        <Show when=move || open.get()>
            <div class="drawer-backdrop" on:click=move |_| open.set(false)></div>
            <aside
                class="drawer"
                id=PANEL_ID
                data-testid="availability-panel"
                aria-labelledby="availability-title"
                on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        open.set(false);
                    }
                }
            >
                <div class="drawer-head">
                    <h2 id="availability-title">"Availability"</h2>
                    <button
                        type="button"
                        class="button secondary"
                        data-testid="close-availability"
                        on:click=move |_| open.set(false)
                    >
                        "Close"
                    </button>
                </div>
                {form_error(error, None)}
                {staged(state, "Loading the menu…", move || {
                    queue.menu.state.set(Load::Loading);
                    queue.reload_menu();
                }, move || view! {
                    <For
                        each=categories
                        key=|category: &(String, String)| category.clone()
                        children=category
                    />
                })}
            </aside>
        </Show>
    }
}
