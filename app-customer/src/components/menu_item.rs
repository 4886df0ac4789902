//! One item on the menu with its allergens and its "Add" button.

use leptos::prelude::*;
use shared::bar::{allergen_names, format_price, MenuItem};

use crate::cart::use_cart;

/// Name, description, allergens, price and availability; "Add" puts one
/// in the cart. Allergens are words ("Contains: gluten, milk"), never a
/// colour or an icon alone.
#[component]
pub(crate) fn MenuItemCard(item: MenuItem) -> impl IntoView {
    let store = use_cart();
    let available = item.available;
    let id = StoredValue::new(item.id.clone());
    let in_cart = Memo::new(move |_| id.with_value(|id| store.cart.with(|c| c.quantity_of(id))));
    let room = Memo::new(move |_| id.with_value(|id| store.cart.with(|c| c.can_add(id))));
    let label = format!("Add {} to your order", item.name);
    let add = {
        let item = item.clone();
        move |_| store.edit(|c| c.add(&item))
    };
    view! {
        <li
            class="menu-item"
            class:sold-out=!available
            data-testid="menu-item"
            data-item-name=item.name.clone()
            data-available=available.to_string()
        >
            <div class="menu-item-text">
                <h3 class="menu-item-name">{item.name.clone()}</h3>
                {(!item.description.is_empty())
                    .then(|| view! { <p class="menu-item-description">{item.description.clone()}</p> })}
                {(!item.allergens.is_empty())
                    .then(|| {
                        let names: Vec<&str> = item.allergens.iter().map(|a| a.as_str()).collect();
                        view! {
                            <p
                                class="menu-item-allergens"
                                data-testid="item-allergens"
                                data-allergens=names.join(" ")
                            >
                                "Contains: "
                                {allergen_names(&item.allergens)}
                            </p>
                        }
                    })}
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
                    disabled=move || !available || !room.get()
                    on:click=add
                >
                    {if available { "Add" } else { "Sold out" }}
                </button>
            </div>
        </li>
    }
}
