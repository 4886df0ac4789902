//! The cart under the menu (beside it on wide screens): lines with their
//! options, quantities and notes, the table, the order note, the total and
//! "Place order". A bar pinned to the bottom of a phone's screen leads to it.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use shared::bar::{
    format_price, MenuItem, LINE_NOTE_MAX_LEN, ORDER_NOTE_MAX_LEN, QUANTITY_MAX, TABLE_MAX_LEN,
};
use ui::components::BusyButton;
use ui::load::Actions;
use ui::use_auth;

use crate::cart::{use_cart, CartLine, LineProblem};
use ui::components::form_error;

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
    let store = use_cart();
    let navigate = use_navigate();
    let actions = Actions::new(use_auth());
    let error = actions.error;

    // What stops the cart from being ordered as the menu stands, in
    // sentences: items sold out, options that no longer fit.
    let blocked = Memo::new(move |_| {
        menu.with(|menu| {
            menu.as_ref()
                .map_or_else(Vec::new, |menu| store.cart.with(|cart| cart.blocked(menu)))
        })
    });
    let empty = Memo::new(move |_| store.cart.with(|c| c.is_empty()));

    let place = move |()| {
        if !blocked.with_untracked(Vec::is_empty) {
            return;
        }
        let request = match store
            .cart
            .with_untracked(|c| c.to_request(&store.table.get_untracked()))
        {
            Ok(request) => request,
            Err(message) => return error.set(Some(message)),
        };
        // The same key for every try of this cart: a double tap, or a retry
        // after the answer was lost, finds the order already made.
        let key = store.submission_key();
        let navigate = navigate.clone();
        actions.run("place", async move {
            let order = ui::bar_api::place_order(&request, &key)
                .await
                .inspect_err(|e| {
                    // 422: an item or option is unknown or sold out; 409
                    // (`price_changed`): a price moved since the menu was
                    // read. Either way the menu, read again, shows what; the
                    // cart stays for the guest to look over and send again.
                    // An ended session is neither: the page goes to sign-in
                    // and forgets the cart with the session (`crate::App`).
                    if matches!(e.status(), Some(409 | 422)) {
                        reload_menu.try_run(());
                    }
                    // Cannot happen while every change of the cart drops the
                    // key, but if it does, the next try must not be stuck.
                    if e.code() == Some("idempotency_key_reused") {
                        store.cart.update(|c| c.idempotency_key = None);
                    }
                })?;
            store.clear();
            navigate(&format!("/orders/{}", order.id), Default::default());
            Ok(None)
        });
    };

    view! {
        <section id="cart" class="cart" data-testid="cart" aria-labelledby="cart-title">
            <h2 id="cart-title">"Your order"</h2>
            <Show when=move || empty.get()>
                <p class="cart-empty">"Your cart is empty. Add something from the menu."</p>
            </Show>
            <ul class="cart-lines">
                <For
                    each=move || store.cart.with(|c| c.lines.iter().map(CartLine::key).collect::<Vec<_>>())
                    key=|line_key| line_key.clone()
                    children=move |line_key| view! { <CartLineRow line_key menu /> }
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
                let sentences = blocked.get().join(" ");
                (!sentences.is_empty())
                    .then(|| view! { <p class="form-error" role="alert" data-testid="cart-blocked">{sentences}</p> })
            }}
            {form_error(error, Some("form-error"))}
            <BusyButton
                class="button primary place-order"
                testid="place-order"
                label="Place order"
                busy_label="Placing order…"
                busy=move || actions.locked()
                disabled=move || actions.locked() || empty.get() || !blocked.with(Vec::is_empty)
                on_click=Callback::new(place)
            />
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

/// One line: name, options, price, quantity buttons and the note. Keyed by
/// item and options, so typing a note does not rebuild (and unfocus) the
/// input.
#[component]
fn CartLineRow(line_key: String, menu: MenuIndex) -> impl IntoView {
    let store = use_cart();
    let key = StoredValue::new(line_key);
    let line = Memo::new(move |_| key.with_value(|key| store.cart.with(|c| c.line(key).cloned())));
    // Why the line cannot be ordered as the menu stands; nothing while the
    // menu is not known (the server decides alone then).
    let problem = Memo::new(move |_| {
        menu.with(|menu| {
            let menu = menu.as_ref()?;
            line.with(|l| l.as_ref().and_then(|l| l.problem(menu)))
        })
    });
    let name = move || line.with(|l| l.as_ref().map(|l| l.name.clone()).unwrap_or_default());
    // "House Lager (Half pint)": what the buttons' labels name.
    let label = move || line.with(|l| l.as_ref().map(CartLine::label).unwrap_or_default());
    let option_text =
        move || line.with(|l| l.as_ref().map(CartLine::option_text).unwrap_or_default());
    let quantity = move || line.with(|l| l.as_ref().map_or(0, |l| l.quantity));
    let at_most = move || quantity() >= QUANTITY_MAX;
    let note_id = key.with_value(|key| format!("note-{key}"));

    view! {
        <li
            class="cart-line"
            class:unavailable=move || problem.with(Option::is_some)
            data-testid="cart-line"
            data-item-name=name
            data-options=option_text
        >
            <div class="cart-line-head">
                <span class="cart-line-name">{name}</span>
                <span class="cart-line-total">
                    {move || line.with(|l| l.as_ref().map(|l| format_price(l.total_cents())))}
                </span>
            </div>
            <Show when=move || !option_text().is_empty()>
                <span class="cart-line-options" data-testid="line-options">{option_text}</span>
            </Show>
            <Show when=move || problem.with(Option::is_some)>
                <p class="cart-line-warning" data-testid="line-problem">
                    {move || match problem.get() {
                        Some(LineProblem::Options(message)) => format!("{message} "),
                        _ => "Sold out. ".to_owned(),
                    }}
                    <button
                        type="button"
                        class="link-button"
                        data-testid="remove-line"
                        aria-label=move || format!("Remove {}", label())
                        on:click=move |_| store.edit(|c| c.remove(&key.get_value()))
                    >
                        "Remove"
                    </button>
                </p>
            </Show>
            <div class="quantity" role="group" aria-label=move || format!("Quantity of {}", label())>
                <button
                    type="button"
                    class="button secondary quantity-button quantity-decrease"
                    data-testid="decrease"
                    aria-label=move || {
                        format!("{} {}", if quantity() <= 1 { "Remove" } else { "One less" }, label())
                    }
                    on:click=move |_| store.edit(|c| c.decrease(&key.get_value()))
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
                    aria-label=move || format!("One more {}", label())
                    disabled=at_most
                    on:click=move |_| store.edit(|c| c.increase(&key.get_value()))
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
                    store.edit(|c| c.set_line_note(&key.get_value(), note));
                }
            />
        </li>
    }
}
