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
use leptos_router::path;
use shared::api::ClientApp;
use ui::components::{Header, NotFound, RequireAuth};
use ui::pages::{ActivityPage, DevicesPage, LoginPage, PasswordPage, SignupPage};
use ui::{provide_auth, AppInfo};

mod allergens;
mod browser;
mod calls;
mod cart;
mod components;
mod options;
mod pages;

use pages::{MenuPage, OrderPage, OrdersPage};

/// Where the app lives and what it is called.
pub const INFO: AppInfo = AppInfo {
    app: ClientApp::Customer,
    base: "",
    title: "Customer",
    signup: true,
    split: false,
};

/// The name of the app's bundle (`pkg/<name>.js`, `.wasm`) and stylesheet.
pub const OUTPUT_NAME: &str = "app-customer";

/// The app: header, then the page for the current path.
#[component]
pub fn App() -> impl IntoView {
    provide_auth(INFO);
    cart::CartStore::provide();
    allergens::AllergenFilter::provide();
    let links = vec![(INFO.home(), "Menu"), (INFO.path("/orders"), "My orders")];
    view! {
        <Router>
            <Header links />
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/") view=|| view! { <RequireAuth><MenuPage /></RequireAuth> } />
                <Route path=path!("/orders") view=|| view! { <RequireAuth><OrdersPage /></RequireAuth> } />
                <Route path=path!("/orders/:id") view=|| view! { <RequireAuth><OrderPage /></RequireAuth> } />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/signup") view=SignupPage />
                <Route path=path!("/devices") view=|| view! { <RequireAuth><DevicesPage /></RequireAuth> } />
                <Route path=path!("/activity") view=|| view! { <RequireAuth><ActivityPage /></RequireAuth> } />
                <Route path=path!("/password") view=|| view! { <RequireAuth><PasswordPage /></RequireAuth> } />
            </Routes>
        </Router>
    }
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
    leptos::mount::hydrate_body(App);
}
