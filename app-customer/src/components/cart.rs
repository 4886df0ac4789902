//! The cart under the menu (beside it on wide screens): lines with their
//! quantities and notes, the table, the order note, the total and "Place
//! order". A bar pinned to the bottom of a phone's screen leads to it.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use shared::bar::{
    format_price, MenuItem, LINE_NOTE_MAX_LEN, ORDER_NOTE_MAX_LEN, QUANTITY_MAX, TABLE_MAX_LEN,
};
use ui::use_auth;

use crate::cart::use_cart;

/// The menu's items by id, once loaded: `None` while the menu is not known,
/// when the server decides alone what is available.
pub(crate) type MenuIndex = Memo<Option<HashMap<String, MenuItem>>>;

/// The cart and the way to place it as an order.
#[component]
pub(crate) fn CartPanel(
    /// The menu, to tell which lines can still be ordered.
    menu: MenuIndex,
    /// Reloads the menu, after the server refused items the app thought
    /// available.
    reload_menu: Callback<()>,
) -> impl IntoView {
    let auth = use_auth();
    let store = use_cart();
    let navigate = use_navigate();
    let sending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    // Lines that can no longer be ordered, by name.
    let blocked = Memo::new(move |_| {
        menu.with(|menu| {
            let Some(menu) = menu else {
                return Vec::new();
            };
            store.cart.with(|cart| {
                cart.lines
                    .iter()
                    .filter(|l| !menu.get(&l.item_id).is_some_and(|i| i.available))
                    .map(|l| l.name.clone())
                    .collect::<Vec<_>>()
            })
        })
    });
    let empty = Memo::new(move |_| store.cart.with(|c| c.is_empty()));

    let place = move |_| {
        if sending.get_untracked() || !blocked.with_untracked(Vec::is_empty) {
            return;
        }
        let request = match store
            .cart
            .with_untracked(|c| c.to_request(&store.table.get_untracked()))
        {
            Ok(request) => request,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        // The same key for every try of this cart: a double tap, or a retry
        // after the answer was lost, finds the order already made.
        let key = store.submission_key();
        error.set(None);
        sending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match auth.watch(ui::bar_api::place_order(&request, &key).await) {
                Ok(order) => {
                    store.clear();
                    sending.set(false);
                    navigate(&format!("/orders/{}", order.id), Default::default());
                }
                // The session ended: the page goes to sign-in, and the cart
                // is forgotten with the session (see `CartStore::provide`).
                Err(e) if e.ends_session() => sending.set(false),
                Err(e) => {
                    // 422: an item is unknown or sold out; the menu shows which.
                    if e.status() == Some(422) {
                        reload_menu.try_run(());
                    }
                    // Cannot happen while every change of the cart drops the
                    // key, but if it does, the next try must not be stuck.
                    if e.code() == Some("idempotency_key_reused") {
                        store.cart.update(|c| c.idempotency_key = None);
                    }
                    error.set(Some(e.to_string()));
                    sending.set(false);
                }
            }
        });
    };

    let line_ids = move || {
        store.cart.with(|c| {
            c.lines
                .iter()
                .map(|l| l.item_id.clone())
                .collect::<Vec<_>>()
        })
    };

    view! {
        <section id="cart" class="cart" data-testid="cart" aria-labelledby="cart-title">
            <h2 id="cart-title">"Your order"</h2>
            <Show when=move || empty.get()>
                <p class="cart-empty">"Your cart is empty. Add something from the menu."</p>
            </Show>
            <ul class="cart-lines">
                <For
                    each=line_ids
                    key=|id| id.clone()
                    children=move |id| view! { <CartLineRow item_id=id menu /> }
                />
            </ul>
            <div class="cart-fields">
                <label for="table">"Table"</label>
                <input
                    id="table"
                    name="table"
                    data-testid="table"
                    inputmode="text"
                    autocomplete="off"
                    maxlength=TABLE_MAX_LEN
                    placeholder="e.g. 7"
                    prop:value=move || store.table.get()
                    on:input=move |ev| {
                        // Trimmed only when sent: "Table 7" needs its space while typed.
                        let typed = event_target_value(&ev);
                        store.set_table(typed.chars().take(TABLE_MAX_LEN).collect());
                    }
                />
                <label for="order-note">"Note for the bar (optional)"</label>
                <textarea
                    id="order-note"
                    name="order-note"
                    data-testid="order-note"
                    rows="2"
                    maxlength=ORDER_NOTE_MAX_LEN
                    prop:value=move || store.cart.with(|c| c.note.clone())
                    on:input=move |ev| {
                        let note = event_target_value(&ev);
                        store.edit(|c| c.note = note);
                    }
                ></textarea>
            </div>
            <p class="cart-total">
                "Total " <strong data-testid="cart-total">
                    {move || format_price(store.cart.with(|c| c.total_cents()))}
                </strong>
            </p>
            {move || {
                let names = blocked.get();
                (!names.is_empty())
                    .then(|| {
                        view! {
                            <p class="form-error" role="alert" data-testid="cart-blocked">
                                {format!(
                                    "Sold out now: {}. Remove {} from your cart to place the order.",
                                    names.join(", "),
                                    if names.len() == 1 { "it" } else { "them" },
                                )}
                            </p>
                        }
                    })
            }}
            {move || {
                error
                    .get()
                    .map(|message| {
                        view! {
                            <p class="form-error" role="alert" data-testid="form-error">
                                {message}
                            </p>
                        }
                    })
            }}
            <button
                type="button"
                class="button primary place-order"
                data-testid="place-order"
                disabled=move || sending.get() || empty.get() || !blocked.with(Vec::is_empty)
                on:click=place
            >
                {move || if sending.get() { "Placing order…" } else { "Place order" }}
            </button>
        </section>
    }
}

/// On a phone, the way to the cart from anywhere in the menu: it follows
/// the bottom of the screen while the menu scrolls by (and stops at the
/// menu's end, so it never covers the cart itself).
#[component]
pub(crate) fn CartBar() -> impl IntoView {
    let store = use_cart();
    let count = Memo::new(move |_| store.cart.with(|c| c.item_count()));
    view! {
        <Show when=move || { count.get() > 0 }>
            <a class="cart-bar" href="#cart" data-testid="cart-bar">
                <span>
                    {move || match count.get() {
                        1 => "1 item".to_owned(),
                        n => format!("{n} items"),
                    }}
                </span>
                <span class="cart-bar-total">
                    {move || format_price(store.cart.with(|c| c.total_cents()))}
                </span>
                <span class="cart-bar-go">"View order"</span>
            </a>
        </Show>
    }
}

/// One line: name, price, quantity buttons and the note. Keyed by item, so
/// typing a note does not rebuild (and unfocus) the input.
#[component]
fn CartLineRow(item_id: String, menu: MenuIndex) -> impl IntoView {
    let store = use_cart();
    let id = StoredValue::new(item_id);
    let line = Memo::new(move |_| id.with_value(|id| store.cart.with(|c| c.line(id).cloned())));
    let unavailable = Memo::new(move |_| {
        menu.with(|menu| {
            menu.as_ref()
                .is_some_and(|menu| id.with_value(|id| !menu.get(id).is_some_and(|i| i.available)))
        })
    });
    let name = move || line.with(|l| l.as_ref().map(|l| l.name.clone()).unwrap_or_default());
    let quantity = move || line.with(|l| l.as_ref().map_or(0, |l| l.quantity));
    let at_most = move || quantity() >= QUANTITY_MAX;
    let note_id = id.with_value(|id| format!("note-{id}"));

    view! {
        <li
            class="cart-line"
            class:unavailable=move || unavailable.get()
            data-testid="cart-line"
            data-item-name=name
        >
            <div class="cart-line-head">
                <span class="cart-line-name">{name}</span>
                <span class="cart-line-total">
                    {move || line.with(|l| l.as_ref().map(|l| format_price(l.total_cents())))}
                </span>
            </div>
            <Show when=move || unavailable.get()>
                <p class="cart-line-warning">
                    "Sold out. "
                    <button
                        type="button"
                        class="link-button"
                        data-testid="remove-line"
                        on:click=move |_| store.edit(|c| c.remove(&id.get_value()))
                    >
                        "Remove"
                    </button>
                </p>
            </Show>
            <div class="quantity" role="group" aria-label=move || format!("Quantity of {}", name())>
                <button
                    type="button"
                    class="button secondary quantity-button quantity-decrease"
                    data-testid="decrease"
                    aria-label=move || {
                        if quantity() <= 1 {
                            format!("Remove {}", name())
                        } else {
                            format!("One less {}", name())
                        }
                    }
                    on:click=move |_| store.edit(|c| c.decrease(&id.get_value()))
                >
                    {move || if quantity() <= 1 { "Remove" } else { "−" }}
                </button>
                <span class="quantity-value" data-testid="quantity" aria-live="polite">
                    {quantity}
                </span>
                <button
                    type="button"
                    class="button secondary quantity-button"
                    data-testid="increase"
                    aria-label=move || format!("One more {}", name())
                    disabled=at_most
                    on:click=move |_| store.edit(|c| c.increase(&id.get_value()))
                >
                    "+"
                </button>
            </div>
            <label class="line-note-label" for=note_id.clone()>
                "Note (optional)"
            </label>
            <input
                id=note_id
                class="line-note"
                data-testid="line-note"
                maxlength=LINE_NOTE_MAX_LEN
                placeholder="e.g. no ice"
                autocomplete="off"
                prop:value=move || line.with(|l| l.as_ref().map(|l| l.note.clone()).unwrap_or_default())
                on:input=move |ev| {
                    let note = event_target_value(&ev);
                    store.edit(|c| c.set_line_note(&id.get_value(), note));
                }
            />
        </li>
    }
}
