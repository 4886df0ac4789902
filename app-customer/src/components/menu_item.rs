//! One item on the menu with its allergens and its "Add" button, and for an
//! item with options, the panel that "Add" opens inside its card, not over
//! the page: a fieldset per group ("Size · choose 1 · required"), radio
//! buttons where one choice replaces another and checkboxes where several
//! add up, each with its price difference; the price of one as chosen; "Add
//! to cart" and "Cancel". Whether a choice fits the item is for
//! `shared::validate::choose` to say, the rule the server checks orders by.

use leptos::prelude::*;
use shared::bar::{allergen_names, format_price, MenuItem, OptionGroup};
use ui::components::form_error;
use ui::format::price_delta;

use crate::cart::CartStore;

/// Name, description, allergens, price and availability; "Add" puts one
/// in the cart, or for an item with options opens their panel in the card.
/// Allergens are words ("Contains: gluten, milk"), never a colour or an
/// icon alone.
pub(crate) fn menu_item_card(item: MenuItem) -> impl IntoView {
    let store = expect_context::<CartStore>();
    let options = expect_context::<OptionsState>();
    let available = item.available;
    let has_options = !item.option_groups.is_empty();
    let stored = StoredValue::new(item.clone());
    let in_cart =
        Memo::new(move |_| stored.with_value(|i| store.cart.with(|c| c.quantity_of(&i.id))));
    // A plain item's line is keyed by the item alone; with options, the
    // panel says when the cart has no room for the choice.
    let room = Memo::new(move |_| stored.with_value(|i| store.cart.with(|c| c.can_add(&i.id))));
    let open = Memo::new(move |_| stored.with_value(|i| options.is_open(&i.id)));
    let error = RwSignal::new(None::<String>);
    let label = if has_options {
        format!("Add {}: choose options", item.name)
    } else {
        format!("Add {} to your order", item.name)
    };
    let add = move |_| {
        if has_options {
            stored.with_value(|item| options.open(item));
        } else {
            error.set(stored.with_value(|item| store.add(item, &[]).err()));
        }
    };
    view! {
        <li
            class="menu-item"
            class:sold-out=!available
            class:choosing=move || open.get()
            data-testid="menu-item"
            data-item-name=item.name.clone()
            data-available=available.to_string()
        >
            <div class="menu-item-text">
                <h3 class="menu-item-name">{item.name.clone()}</h3>
                {(!item.description.is_empty())
                    .then(|| view! { <p class="menu-item-description">{item.description.clone()}</p> })}
                {(!item.allergens.is_empty()).then(|| {
                    let names: Vec<&str> = item.allergens.iter().map(|a| a.as_str()).collect();
                    view! {
                        <p class="menu-item-allergens" data-testid="item-allergens" data-allergens=names.join(" ")>
                            "Contains: " {allergen_names(&item.allergens)}
                        </p>
                    }
                })}
                {form_error(error, None)}
            </div>
            <div class="menu-item-side">
                <span class="price">{format_price(item.price_cents)}</span>
                {move || {
                    let count = in_cart.get();
                    (count > 0).then(|| view! { <span class="in-cart">{format!("{count} in order")}</span> })
                }}
                <button
                    type="button"
                    class="button primary add"
                    data-testid="add"
                    aria-label=available.then_some(label)
                    aria-expanded=move || has_options.then(|| open.get().to_string())
                    aria-controls=has_options.then(|| panel_id(&item.id))
                    disabled=move || !available || (!has_options && !room.get())
                    on:click=add
                >
                    {if available { "Add" } else { "Sold out" }}
                </button>
            </div>
            {move || (has_options && available && open.get()).then(|| options_panel(stored))}
        </li>
    }
}

/// Which item's panel is open and what is chosen in it. Kept by the menu
/// page rather than the card: a live menu change draws every card anew,
/// and must neither close the panel nor lose the choice. One panel at a
/// time, as on a phone the guest looks at one item.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct OptionsState {
    open: RwSignal<Option<String>>,
    chosen: RwSignal<Vec<String>>,
    error: RwSignal<Option<String>>,
}

impl OptionsState {
    /// Opens the panel of `item`, its single required choices made. An
    /// item whose panel is open already keeps what was chosen.
    pub(crate) fn open(&self, item: &MenuItem) {
        if !self.is_open(&item.id) {
            self.chosen.set(preselect(item));
            self.error.set(None);
            self.open.set(Some(item.id.clone()));
        }
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

/// The id of the panel of `item_id`, for the "Add" button that opens it.
fn panel_id(item_id: &str) -> String {
    format!("options-{item_id}")
}

/// The panel of `item`, shown while open. "Add to cart" stays usable: a
/// choice that does not fit says why, beside the button, instead of adding.
fn options_panel(item: StoredValue<MenuItem>) -> impl IntoView {
    let store = expect_context::<CartStore>();
    let state = expect_context::<OptionsState>();
    let add = move |_| match item.with_value(|i| state.chosen.with_untracked(|c| store.add(i, c))) {
        Ok(()) => state.close(),
        Err(message) => state.error.set(Some(message)),
    };

    view! {
        <div
            class="options-panel"
            id=item.with_value(|i| panel_id(&i.id))
            role="group"
            aria-label=item.with_value(|i| format!("Options for {}", i.name))
            data-testid="options-panel"
        >
            {item.with_value(|i| i.option_groups.iter().map(|g| group_view(&i.id, g.clone(), state)).collect_view())}
            <p class="options-total">
                "Add · " <strong data-testid="options-price" aria-live="polite">
                    {move || state.chosen.with(|c| item.with_value(|i| format_price(shown_price(i, c))))}
                </strong>
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

/// One group of the item `item_id`, which stays as it is for as long as
/// the panel is drawn: its rule in the legend, then an input per option.
fn group_view(item_id: &str, group: OptionGroup, state: OptionsState) -> impl IntoView {
    let single = group.is_single();
    let kind = if single { "radio" } else { "checkbox" };
    // Radio buttons of one group share a name, so arrow keys move between them.
    let input_name = format!("options-{item_id}-{}", group.id);
    let max = group.max_choices as usize;
    let this = StoredValue::new(group.clone());
    let count = move || state.chosen.with(|c| this.with_value(|g| count_in(g, c)));
    // A change of the choice in this group; the last error no longer holds.
    let change = move |edit: &dyn Fn(&mut Vec<String>, &OptionGroup)| {
        state.chosen.update(|c| this.with_value(|g| edit(c, g)));
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

/// What the panel starts with: in each group that wants exactly one
/// choice, its first option not sold out. Groups a guest may leave empty,
/// or fill with several, start empty.
fn preselect(item: &MenuItem) -> Vec<String> {
    item.option_groups
        .iter()
        .filter(|g| g.is_required() && g.is_single())
        .filter_map(|g| g.options.iter().find(|o| o.available))
        .map(|o| o.id.clone())
        .collect()
}

/// Whether `id` is one of `group`'s options.
fn in_group(group: &OptionGroup, id: &str) -> bool {
    group.options.iter().any(|o| o.id == id)
}

/// Ticks (`on`) or unticks the option `option` of `group` in `chosen`. In a
/// group of one choice, it replaces the one chosen before, as a radio
/// button does.
fn pick(chosen: &mut Vec<String>, group: &OptionGroup, option: &str, on: bool) {
    chosen.retain(|id| id != option && !(group.is_single() && in_group(group, id)));
    if on {
        chosen.push(option.to_owned());
    }
}

/// Leaves nothing chosen in `group`: the "None" of a single choice a guest
/// may skip.
fn clear(chosen: &mut Vec<String>, group: &OptionGroup) {
    chosen.retain(|id| !in_group(group, id));
}

/// How many of `group`'s options are chosen.
fn count_in(group: &OptionGroup, chosen: &[String]) -> usize {
    chosen.iter().filter(|id| in_group(group, id)).count()
}

/// The price of one with the options `chosen`, as the panel shows it while
/// the guest picks: the item's price with each chosen option's difference,
/// never below zero. Once added, the cart prices the line by `choose`,
/// which gives the same for a choice that fits.
fn shown_price(item: &MenuItem, chosen: &[String]) -> i64 {
    let deltas: i64 = item
        .option_groups
        .iter()
        .flat_map(|g| g.options.iter())
        .filter(|o| chosen.contains(&o.id))
        .map(|o| o.price_delta_cents)
        .sum();
    (item.price_cents + deltas).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cart::tests::{group, ids, option};

    /// The cart's lager with its pint sold out, a glass that may be left
    /// out, and at least one extra to choose.
    fn lager() -> MenuItem {
        let mut lager = crate::cart::tests::lager();
        lager.option_groups[0].options[0].available = false;
        lager.option_groups[1].min_choices = 1;
        let glass = group("Glass", 0, 1, vec![option("jug", "Jug", 0)]);
        lager.option_groups.insert(1, glass);
        lager
    }

    #[test]
    fn only_groups_of_exactly_one_choice_start_with_their_first_available_option() {
        // The pint is sold out: the half pint is the first one there is.
        assert_eq!(preselect(&lager()), ["half"]);
        let mut all_out = lager();
        all_out.option_groups[0].options[1].available = false;
        assert!(preselect(&all_out).is_empty());
    }

    #[test]
    fn a_single_choice_replaces_the_last_and_several_add_up() {
        let item = lager();
        let (size, extras) = (&item.option_groups[0], &item.option_groups[2]);
        let mut chosen = ids(&["half"]);
        pick(&mut chosen, size, "pint", true);
        assert_eq!(chosen, ["pint"]);
        pick(&mut chosen, extras, "lime", true);
        pick(&mut chosen, extras, "shot", true);
        assert_eq!(count_in(extras, &chosen), 2);
        pick(&mut chosen, extras, "lime", false);
        assert_eq!(chosen, ["pint", "shot"]);
        clear(&mut chosen, size);
        assert_eq!(chosen, ["shot"]);
        assert_eq!(count_in(size, &chosen), 0);
    }

    #[test]
    fn the_price_shown_adds_the_differences_of_what_is_chosen() {
        let item = lager();
        assert_eq!(shown_price(&item, &[]), 550);
        let half = ids(&["half"]);
        assert_eq!(shown_price(&item, &half), 300);
        assert_eq!(shown_price(&item, &ids(&["half", "shot", "lime"])), 620);
        let mut cheap = lager();
        cheap.price_cents = 100;
        assert_eq!(shown_price(&cheap, &half), 0, "never below zero");
    }
}
