//! The menu at `/`: categories with their items, the allergen filter, the
//! cart, and the buttons that call staff or ask for the bill. A QR code on
//! the table links to `/?table=7`, which fills in the table.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::bar::{MenuCategory, MenuResponse};
use ui::bar_api;
use ui::live::{use_live, LiveEvent, LiveIndicator};
use ui::pages::Welcome;
use ui::use_auth;

use crate::allergens::{use_allergen_filter, visible};
use crate::cart::{clean_table, use_cart};
use crate::components::allergen_filter::AllergenFilterPanel;
use crate::components::calls::CallButtons;
use crate::components::cart::{CartBar, CartPanel};
use crate::components::item_options::OptionsState;
use crate::components::menu_item::MenuItemCard;
use ui::load::{failed, loading, Loader, Stage};
use ui::menu::{apply_item_event, items_by_id};

/// The menu, kept current by the live stream, and the cart.
#[component]
pub(crate) fn MenuPage() -> impl IntoView {
    let auth = use_auth();
    let store = use_cart();
    let filter = use_allergen_filter();
    OptionsState::provide();
    let menu = Loader::<MenuResponse>::new();
    let load = move || menu.load(auth, bar_api::menu);
    Effect::new(move |_| load());
    menu.reload_when_online(auth, load);
    let live = use_live(
        move |event| {
            if let LiveEvent::MenuItem(change) = event {
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
        menu.state.with(|s| {
            s.ready()
                .map(|m| filter.hidden.with(|hidden| visible(&m.categories, hidden)))
                .unwrap_or_default()
        })
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
                    {move || match stage.get() {
                        Stage::Loading => loading("Loading the menu…"),
                        Stage::Failed(message) => failed(message, load),
                        Stage::Ready => {
                            view! {
                                <AllergenFilterPanel hidden_count=move || shown.with(|(_, count)| *count) />
                                {move || categories_view(shown.get())}
                            }
                                .into_any()
                        }
                    }}
                    <CartBar />
                </div>
                <CartPanel menu=index reload_menu=Callback::new(move |()| load()) />
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
        let (testid, text) = if hidden > 0 {
            (
                "menu-all-hidden",
                "Every item on the menu contains an allergen you chose to hide.",
            )
        } else {
            (
                "menu-empty",
                "Nothing on the menu right now. Please ask at the bar.",
            )
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
                            {category.items.into_iter().map(|item| view! { <MenuItemCard item /> }).collect_view()}
                        </ul>
                    </section>
                }
            })
            .collect_view()}
    }
    .into_any()
}
