//! The customer app at `/`: what a guest uses on their phone at the bar —
//! the menu (with each item's allergens and options, and a filter that
//! hides items with the allergens they avoid) and the cart, their orders
//! as the bar works on them, and two buttons to call staff or ask for the
//! bill at their table.
//!
//! Built twice: for the browser (feature `hydrate`, a wasm bundle made by
//! cargo-leptos) and into the server (feature `ssr`), which renders the
//! same components as the page the bundle hydrates.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy};
use shared::api::ClientApp;
use ui::components::Header;
use ui::pages::{LoginPage, SignupPage};
use ui::{provide_auth, AppInfo};

mod cart;
mod components;
mod pages;

use pages::{menu::MenuPage, order::OrderPage, orders::OrdersPage};

/// Where the app lives and what it is called.
pub const INFO: AppInfo = AppInfo {
    app: ClientApp::Customer,
    base: "",
    title: "Customer",
    signup: true,
};

/// The name of the app's bundle (`pkg/<name>.js`, `.wasm`) and stylesheet.
pub const OUTPUT_NAME: &str = "app-customer";

/// The app: header, then the page for the current path.
#[component]
pub fn App() -> impl IntoView {
    let auth = provide_auth(INFO);
    let store = cart::CartStore::provide();
    let filter = components::allergen_filter::AllergenFilter::provide();
    // Signing out (by the person, or the session ending for any other
    // reason) forgets the cart, the table and the allergen filter: the next
    // guest on a shared tablet starts afresh and learns nothing of the last
    // one's. Only the change from signed in to signed out counts, not the
    // moment before the stored session is read.
    Effect::new(move |was_signed_in: Option<bool>| {
        let signed_in = auth.signed_in();
        if was_signed_in == Some(true) && !signed_in {
            store.cart.set(cart::Cart::default());
            store.table.set(String::new());
            filter.hidden.set(Vec::new());
        }
        signed_in
    });
    let links = vec![(INFO.home(), "Menu"), (INFO.path("/orders"), "My orders")];
    view! {
        <Router>
            <Header links />
            <Routes fallback=not_found>
                <Route path=path!("/") view={Lazy::<Menu>::new()} />
                <Route path=path!("/orders") view={Lazy::<Orders>::new()} />
                <Route path=path!("/orders/:id") view={Lazy::<Order>::new()} />
                // Not lazy: where a new guest starts, in the main bundle (docs/BENCHMARKS.md).
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/signup") view=SignupPage />
                <Route path=path!("/devices") view={Lazy::<Devices>::new()} />
                <Route path=path!("/activity") view={Lazy::<Activity>::new()} />
                <Route path=path!("/password") view={Lazy::<Password>::new()} />
            </Routes>
        </Router>
    }
}

ui::lazy_pages! {
    mod menu { Menu => MenuPage; }
    mod orders { Orders => OrdersPage; Order => OrderPage; }
}

/// The whole HTML document, as the server renders it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    ui::document(options, "Taproom Customer", App)
}

/// Takes over the server-rendered page: what the wasm bundle's entry point
/// runs (`app-customer/wasm`).
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(App);
}
