//! One item on the menu with its allergens and its "Add" button, and for an
//! item with options, the panel where the guest chooses them.

use leptos::prelude::*;
use shared::bar::{allergen_names, format_price, MenuItem};

use crate::cart::use_cart;
use crate::components::item_options::{panel_id, use_options, OptionsPanel};
use ui::components::form_error;

/// Name, description, allergens, price and availability; "Add" puts one
/// in the cart, or for an item with options opens their panel in the card.
/// Allergens are words ("Contains: gluten, milk"), never a colour or an
/// icon alone.
#[component]
pub(crate) fn MenuItemCard(item: MenuItem) -> impl IntoView {
    let store = use_cart();
    let options = use_options();
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
        stored.with_value(|item| {
            if has_options {
                options.open(item);
            } else {
                error.set(store.add(item, &[]).err());
            }
        })
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
            {move || (has_options && available && open.get())
                .then(|| view! { <OptionsPanel item=stored.get_value() /> })}
        </li>
    }
}
