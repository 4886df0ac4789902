//! The options panel an item's "Add" opens inside its card, not over the
//! page: a fieldset per group ("Size · choose 1 · required"), radio buttons
//! where one choice replaces another and checkboxes where several add up,
//! each with its price difference; the price of one as chosen; "Add to
//! cart" and "Cancel".

use leptos::prelude::*;
use shared::bar::{format_price, MenuItem, OptionGroup};
use ui::format::price_delta;

use crate::cart::use_cart;
use crate::options::{clear, count_in, pick, preselect, shown_price};
use ui::components::form_error;

/// Which item's panel is open and what is chosen in it. Kept by the menu
/// page rather than the card: a live menu change draws every card anew,
/// and must neither close the panel nor lose the choice. One panel at a
/// time, as on a phone the guest looks at one item.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OptionsState {
    open: RwSignal<Option<String>>,
    chosen: RwSignal<Vec<String>>,
    error: RwSignal<Option<String>>,
}

impl OptionsState {
    /// Creates the state and provides it to the page's cards.
    pub(crate) fn provide() -> OptionsState {
        let state = OptionsState {
            open: RwSignal::new(None),
            chosen: RwSignal::new(Vec::new()),
            error: RwSignal::new(None),
        };
        provide_context(state);
        state
    }

    /// Opens the panel of `item`, its single required choices made. An
    /// item whose panel is open already keeps what was chosen.
    pub(crate) fn open(&self, item: &MenuItem) {
        if self.is_open(&item.id) {
            return;
        }
        self.chosen.set(preselect(item));
        self.error.set(None);
        self.open.set(Some(item.id.clone()));
    }

    /// Closes the panel.
    pub(crate) fn close(&self) {
        self.open.set(None);
        self.error.set(None);
    }

    /// Whether the panel of `item_id` is open (tracked).
    pub(crate) fn is_open(&self, item_id: &str) -> bool {
        self.open.with(|open| open.as_deref() == Some(item_id))
    }
}

/// The page's [`OptionsState`].
pub(crate) fn use_options() -> OptionsState {
    expect_context::<OptionsState>()
}

/// The id of the panel of `item_id`, for the "Add" button that opens it.
pub(crate) fn panel_id(item_id: &str) -> String {
    format!("options-{item_id}")
}

/// The panel of `item`, shown while open. "Add to cart" stays usable: a
/// choice that does not fit says why, beside the button, instead of adding.
#[component]
pub(crate) fn OptionsPanel(item: MenuItem) -> impl IntoView {
    let store = use_cart();
    let state = use_options();
    let id = panel_id(&item.id);
    let name = item.name.clone();
    let groups = item.option_groups.clone();
    let item = StoredValue::new(item);
    let price = move || {
        state
            .chosen
            .with(|c| item.with_value(|i| format_price(shown_price(i, c))))
    };
    let add = move |_| match item.with_value(|i| state.chosen.with_untracked(|c| store.add(i, c))) {
        Ok(()) => state.close(),
        Err(message) => state.error.set(Some(message)),
    };

    view! {
        <div
            class="options-panel"
            id=id
            role="group"
            aria-label=format!("Options for {name}")
            data-testid="options-panel"
        >
            {groups.into_iter().enumerate().map(|(index, group)| group_view(item, index, group, state)).collect_view()}
            <p class="options-total">
                "Add · " <strong data-testid="options-price" aria-live="polite">{price}</strong>
            </p>
            {form_error(state.error, Some("options-error"))}
            <div class="options-actions">
                <button
                    type="button"
                    class="button primary"
                    data-testid="add-with-options"
                    on:click=add
                >
                    "Add to cart"
                </button>
                <button
                    type="button"
                    class="button secondary"
                    data-testid="cancel-options"
                    on:click=move |_| state.close()
                >
                    "Cancel"
                </button>
            </div>
        </div>
    }
}

/// One group: its rule in the legend, then an input per option. `index`
/// is the group's place in the item, whose groups stay as they are for as
/// long as the panel is drawn.
fn group_view(
    item: StoredValue<MenuItem>,
    index: usize,
    group: OptionGroup,
    state: OptionsState,
) -> impl IntoView {
    let item_id = item.with_value(|i| i.id.clone());
    let single = group.is_single();
    let kind = if single { "radio" } else { "checkbox" };
    // Radio buttons of one group share a name, so arrow keys move between them.
    let input_name = format!("options-{item_id}-{}", group.id);
    let max = group.max_choices as usize;
    let count = move || {
        state
            .chosen
            .with(|c| item.with_value(|i| count_in(&i.option_groups[index], c)))
    };
    // A change of the choice in this group; the last error no longer holds.
    let change = move |edit: &dyn Fn(&mut Vec<String>, &OptionGroup)| {
        state
            .chosen
            .update(|c| item.with_value(|i| edit(c, &i.option_groups[index])));
        state.error.set(None);
    };

    // An optional single choice can be left empty: radio buttons cannot be
    // unticked, so it offers "None".
    let none = (single && !group.is_required()).then(|| {
        let id = format!("opt-{item_id}-{}-none", group.id);
        // The view sets an element's attributes after its children.
        let label_for = id.clone();
        view! {
            <label class="option-choice" for=label_for>
                <input
                    type="radio"
                    id=id
                    name=input_name.clone()
                    data-testid="option-none"
                    prop:checked=move || count() == 0
                    on:change=move |_| change(&clear)
                />
                <span class="option-name">"None"</span>
            </label>
        }
    });

    let options = group
        .options
        .iter()
        .map(|option| {
            let id = format!("opt-{item_id}-{}", option.id);
            let label_for = id.clone();
            let option_id = StoredValue::new(option.id.clone());
            let available = option.available;
            let checked = move || option_id.with_value(|o| state.chosen.with(|c| c.contains(o)));
            // Sold out, or (several to choose) as many chosen as the group takes.
            let disabled = move || !available || (!single && !checked() && count() >= max);
            let delta = price_delta(option.price_delta_cents);
            view! {
                <label class="option-choice" class:sold-out=!available for=label_for>
                    <input
                        type=kind
                        id=id
                        name=input_name.clone()
                        value=option.id.clone()
                        data-testid="option"
                        data-option-name=option.name.clone()
                        data-available=available.to_string()
                        prop:checked=checked
                        disabled=disabled
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            change(&|chosen, group| option_id.with_value(|o| pick(chosen, group, o, on)));
                        }
                    />
                    <span class="option-name">{option.name.clone()}</span>
                    {(!delta.is_empty()).then(|| view! { <span class="option-delta">{delta}</span> })}
                    {(!available).then(|| view! { <span class="option-sold-out">"sold out"</span> })}
                </label>
            }
        })
        .collect_view();

    view! {
        <fieldset class="option-group" data-testid="option-group" data-group-name=group.name.clone()>
            <legend>
                {format!("{} · {}", group.name, group.rule())}
                {group.is_required().then(|| view! { <span class="option-required">" · required"</span> })}
            </legend>
            {none}
            {options}
        </fieldset>
    }
}
