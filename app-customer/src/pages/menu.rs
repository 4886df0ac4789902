//! The menu at `/`: categories with their items, the allergen filter, the
//! cart under the menu (beside it on wide screens: lines with their
//! options, quantities and notes, the table, the order note, the total and
//! "Place order", led to on a phone by a bar pinned to the bottom of the
//! screen), and the buttons that call staff or ask for the bill. A QR code
//! on the table links to `/?table=7`, which fills in the table.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::bar::{
    format_price, option_names, MenuCategory, MenuItem, MenuResponse, LINE_NOTE_MAX_LEN,
    ORDER_NOTE_MAX_LEN, QUANTITY_MAX, TABLE_MAX_LEN,
};
use ui::bar_api;
use ui::components::{form_error, BusyButton};
use ui::live::{use_live, LiveIndicator};
use ui::load::{staged, Actions, Loader};
use ui::menu::{apply_item_event, items_by_id};
use ui::pages::Welcome;
use ui::use_auth;

use crate::cart::{clean_table, Cart, CartLine, CartStore, LineProblem};
use crate::components::allergen_filter::{allergen_filter_panel, visible, AllergenFilter};
use crate::components::calls::CallButtons;
use crate::components::menu_item::{menu_item_card, OptionsState};

/// The menu, kept current by the live stream, and the cart.
#[component]
pub(crate) fn MenuPage() -> impl IntoView {
    let auth = use_auth();
    let store = expect_context::<CartStore>();
    let filter = expect_context::<AllergenFilter>();
    provide_context(OptionsState::default());
    let menu = Loader::<MenuResponse>::new();
    let load = move || menu.load(auth, bar_api::menu);
    Effect::new(move |_| load());
    menu.reload_when_online(auth, load);
    let live = use_live(
        move |event| {
            if let Some(change) = event.menu_item() {
                let mut known = true;
                menu.patch(|menu| known = apply_item_event(&mut menu.categories, &change));
                if !known {
                    load();
                }
            }
        },
        load,
    );

    // The table from the link, as on a QR code; it stays until changed.
    let query = use_query_map();
    Effect::new(move |_| {
        let table = clean_table(&query.with(|q| q.get("table")).unwrap_or_default());
        if !table.is_empty() {
            store.set_table(table);
        }
    });

    let index = Memo::new(move |_| menu.state.with(|s| s.ready().map(items_by_id)));
    // Names, options and prices in the cart follow the menu.
    Effect::new(move |_| {
        if let Some(items) = &*index.read() {
            store.cart.maybe_update(|cart| cart.follow_menu(items));
        }
    });

    let stage = menu.stage();
    // What the allergen filter leaves of the menu (categories with items
    // only), and how many items it left out.
    let shown = Memo::new(move |_| {
        let (state, hidden) = (menu.state.read(), filter.hidden.read());
        let shown = state.ready().map(|m| visible(&m.categories, &hidden));
        shown.unwrap_or_default()
    });

    view! {
        <main class="page menu-page">
            <div class="page-title">
                <h1>"Menu"</h1>
                <LiveIndicator status=live />
            </div>
            {move || {
                let table = store.table.get();
                (!table.is_empty()).then(|| view! {
                    <p class="table-line">
                        "Ordering for table " <strong>{table}</strong> " · " <a href="#table">"change"</a>
                    </p>
                })
            }}
            <CallButtons table=store.table />
            <div class="menu-layout">
                <div class="menu-main">
                    {staged(stage, "Loading the menu…", load, move || view! {
                        {allergen_filter_panel(Signal::derive(move || shown.with(|(_, count)| *count)))}
                        {move || categories_view(shown.get())}
                    })}
                    {cart_bar(store)}
                </div>
                {cart_panel(store, index, Callback::new(move |()| load()))}
            </div>
            <footer class="page-foot">
                <Welcome />
            </footer>
        </main>
    }
}

/// The category tabs and every category, or a word when there is
/// nothing: none on the menu, or none the allergen filter (which hid
/// `hidden` items) leaves.
fn categories_view((shown, hidden): (Vec<MenuCategory>, usize)) -> AnyView {
    if shown.is_empty() {
        let (testid, text) = match hidden {
            0 => (
                "menu-empty",
                "Nothing on the menu right now. Please ask at the bar.",
            ),
            _ => (
                "menu-all-hidden",
                "Every item on the menu contains an allergen you chose to hide.",
            ),
        };
        return view! { <p class="empty" data-testid=testid>{text}</p> }.into_any();
    }
    view! {
        <nav class="category-tabs" aria-label="Categories">
            {shown
                .iter()
                .map(|c| view! { <a href=format!("#cat-{}", c.id)>{c.name.clone()}</a> })
                .collect_view()}
        </nav>
        // Each category: its heading (the tabs' anchor) and items.
        {shown
            .into_iter()
            .map(|category| {
                let title = format!("cat-{}-title", category.id);
                view! {
                    <section id=format!("cat-{}", category.id) class="menu-category" aria-labelledby=title>
                        <h2 id=title.clone()>{category.name}</h2>
                        <ul class="menu-items">
                            {category.items.into_iter().map(menu_item_card).collect_view()}
                        </ul>
                    </section>
                }
            })
            .collect_view()}
    }
    .into_any()
}

/// The menu's items by id, once loaded: `None` while the menu is not known,
/// when the server decides alone what is available.
type MenuIndex = Memo<Option<HashMap<String, MenuItem>>>;

/// The cart and the way to place it as an order. `menu` tells which lines
/// can still be ordered; `reload_menu` reloads the menu, after the server
/// refused items the app thought available.
fn cart_panel(store: CartStore, menu: MenuIndex, reload_menu: Callback<()>) -> impl IntoView {
    let navigate = use_navigate();
    let actions = Actions::new(use_auth());

    // What stops the cart from being ordered as the menu stands, in
    // sentences: items sold out, options that no longer fit.
    let blocked = Memo::new(move |_| {
        let blocked = |menu: &HashMap<_, _>| store.cart.with(|cart| cart.blocked(menu));
        menu.with(|menu| menu.as_ref().map(blocked).unwrap_or_default())
    });
    let empty = Memo::new(move |_| store.cart.with(|c| c.lines.is_empty()));

    let place = move |()| {
        if !blocked.with_untracked(Vec::is_empty) {
            return;
        }
        let table = store.table.get_untracked();
        let request = match store.cart.with_untracked(|c| c.to_request(&table)) {
            Ok(request) => request,
            Err(message) => return actions.error.set(Some(message)),
        };
        // The same key for every try of this cart: a double tap, or a retry
        // after the answer was lost, finds the order already made.
        let key = store.submission_key();
        let navigate = navigate.clone();
        actions.run("place", async move {
            let order = bar_api::place_order(&request, &key)
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
            // An empty cart, a fresh key next time. The table stays; the
            // customer is still sitting there.
            store.cart.set(Cart::default());
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
                    children=move |line_key| cart_line_row(line_key, menu)
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
                    on:input=move |ev| store.edit(|c| c.note = event_target_value(&ev))
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
            {form_error(actions.error, Some("form-error"))}
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
fn cart_bar(store: CartStore) -> impl IntoView {
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
fn cart_line_row(line_key: String, menu: MenuIndex) -> impl IntoView {
    let store = expect_context::<CartStore>();
    let key = StoredValue::new(line_key);
    // An empty line only for the moment the row is on its way out.
    let line = Memo::new(move |_| {
        let line = key.with_value(|key| store.cart.with(|c| c.line(key).cloned()));
        line.unwrap_or_default()
    });
    // Why the line cannot be ordered as the menu stands; nothing while the
    // menu is not known (the server decides alone then).
    let problem = Memo::new(move |_| menu.with(|menu| line.with(|l| l.problem(menu.as_ref()?))));
    let text = move |f: fn(&CartLine) -> String| move || line.with(f);
    let name = text(|l| l.name.clone());
    // "House Lager (Half pint)": what the buttons' labels name.
    let label = text(CartLine::label);
    let option_text = text(|l| option_names(&l.chosen));
    let quantity = move || line.with(|l| l.quantity);
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
                    {move || line.with(|l| format_price(l.total_cents()))}
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
                    disabled=move || { quantity() >= QUANTITY_MAX }
                    on:click=move |_| store.edit(|c| c.increase(&key.get_value()))
                >
                    "+"
                </button>
            </div>
            <label class="line-note-label" for=note_id.clone()>"Note (optional)"</label>
            <input
                id=note_id
                class="line-note"
                data-testid="line-note"
                maxlength=LINE_NOTE_MAX_LEN
                placeholder="e.g. no ice"
                autocomplete="off"
                prop:value=text(|l| l.note.clone())
                on:input=move |ev| store.edit(|c| c.set_line_note(&key.get_value(), event_target_value(&ev)))
            />
        </li>
    }
}
