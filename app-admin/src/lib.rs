//! The admin console at `/admin`: staff run the bar from here — today's
//! figures, the menu, users and everyone's sessions.
//!
//! Built twice: for the browser (feature `hydrate`, a wasm bundle made by
//! cargo-leptos) and into the server (feature `ssr`), which renders the
//! same components as the page the bundle hydrates.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use shared::api::ClientApp;
use ui::components::{Header, NotFound, RequireAuth};
use ui::pages::{ActivityPage, DevicesPage, LoginPage, PasswordPage};
use ui::{provide_auth, AppInfo};

mod components;
mod pages;

use pages::{DashboardPage, LogPage, MenuEditorPage, SessionsPage, UsersPage};

/// Where the app lives and what it is called.
pub const INFO: AppInfo = AppInfo {
    app: ClientApp::Admin,
    base: "/admin",
    title: "Admin",
    signup: false,
};

/// The name of the app's bundle (`pkg/<name>.js`, `.wasm`) and stylesheet.
pub const OUTPUT_NAME: &str = "app-admin";

/// The app: header, then the page for the current path.
#[component]
pub fn App() -> impl IntoView {
    provide_auth(INFO);
    let links = vec![
        (INFO.home(), "Dashboard"),
        (INFO.path("/menu"), "Menu"),
        (INFO.path("/users"), "Users"),
        (INFO.path("/sessions"), "Sessions"),
        (INFO.path("/log"), "Log"),
    ];
    view! {
        <Router>
            <Header links />
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/admin") view=|| view! { <RequireAuth><DashboardPage /></RequireAuth> } />
                <Route path=path!("/admin/menu") view=|| view! { <RequireAuth><MenuEditorPage /></RequireAuth> } />
                <Route path=path!("/admin/users") view=|| view! { <RequireAuth><UsersPage /></RequireAuth> } />
                <Route path=path!("/admin/sessions") view=|| view! { <RequireAuth><SessionsPage /></RequireAuth> } />
                <Route path=path!("/admin/log") view=|| view! { <RequireAuth><LogPage /></RequireAuth> } />
                <Route path=path!("/admin/login") view=LoginPage />
                <Route path=path!("/admin/devices") view=|| view! { <RequireAuth><DevicesPage /></RequireAuth> } />
                <Route path=path!("/admin/activity") view=|| view! { <RequireAuth><ActivityPage /></RequireAuth> } />
                <Route path=path!("/admin/password") view=|| view! { <RequireAuth><PasswordPage /></RequireAuth> } />
            </Routes>
        </Router>
    }
}

/// The whole HTML document, as the server renders it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    ui::document(options, "Taproom Admin", App)
}

/// Entry point of the wasm bundle: takes over the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
