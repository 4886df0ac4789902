//! The customer app at `/`: what a guest uses on their phone at the bar.
//!
//! Built twice: for the browser (feature `hydrate`, a wasm bundle made by
//! cargo-leptos) and into the server (feature `ssr`), which renders the
//! same components as the page the bundle hydrates.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use shared::api::ClientApp;
use ui::components::{Header, NotFound, RequireAuth};
use ui::pages::{DevicesPage, LoginPage, PasswordPage, Welcome};
use ui::{provide_auth, AppInfo};

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
    provide_auth(INFO);
    view! {
        <Router>
            <Header />
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/") view=|| view! { <RequireAuth><HomePage /></RequireAuth> } />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/signup") view=ui::pages::SignupPage />
                <Route path=path!("/devices") view=|| view! { <RequireAuth><DevicesPage /></RequireAuth> } />
                <Route path=path!("/password") view=|| view! { <RequireAuth><PasswordPage /></RequireAuth> } />
            </Routes>
        </Router>
    }
}

/// The start page.
#[component]
fn HomePage() -> impl IntoView {
    view! {
        <main class="page">
            <h1>"Taproom Customer"</h1>
            <Welcome />
        </main>
    }
}

/// The whole HTML document, as the server renders it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    ui::document(options, "Taproom Customer", "/style/app-customer.css", App)
}

/// Entry point of the wasm bundle: takes over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
