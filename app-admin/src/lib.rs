//! The admin console at `/admin`: staff run the bar from here — today's
//! figures, the menu, users and everyone's sessions.
//!
//! Built twice: for the browser (feature `hydrate`, a wasm bundle made by
//! cargo-leptos) and into the server (feature `ssr`), which renders the
//! same components as the page the bundle hydrates.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy};
use shared::api::ClientApp;
use ui::components::Header;
use ui::pages::LoginPage;
use ui::{provide_auth, AppInfo};

use app_admin_console::{dashboard::DashboardPage, log::LogPage};
use app_admin_console::{sessions::SessionsPage, users::UsersPage};
use app_admin_menu::menu::MenuEditorPage;

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
            <Routes fallback=not_found>
                <Route path=path!("/admin") view={Lazy::<Dashboard>::new()} />
                <Route path=path!("/admin/menu") view={Lazy::<MenuEditor>::new()} />
                <Route path=path!("/admin/users") view={Lazy::<Users>::new()} />
                <Route path=path!("/admin/sessions") view={Lazy::<Sessions>::new()} />
                <Route path=path!("/admin/log") view={Lazy::<Log>::new()} />
                // Not lazy: where everyone starts, in the main bundle (docs/BENCHMARKS.md).
                <Route path=path!("/admin/login") view=LoginPage />
                <Route path=path!("/admin/devices") view={Lazy::<Devices>::new()} />
                <Route path=path!("/admin/activity") view={Lazy::<Activity>::new()} />
                <Route path=path!("/admin/password") view={Lazy::<Password>::new()} />
            </Routes>
        </Router>
    }
}

// The heaviest page alone, the others in groups: a page needs a few chunks,
// not one per set of pages sharing some code (docs/BENCHMARKS.md).
ui::lazy_pages! {
    mod menu_editor { MenuEditor => MenuEditorPage; }
    mod console {
        Dashboard => DashboardPage;
        Users => UsersPage;
        Sessions => SessionsPage;
        Log => LogPage;
    }
}

/// The whole HTML document, as the server renders it.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    ui::document(options, "Taproom Admin", App)
}

/// Takes over the server-rendered page: what the wasm bundle's entry point
/// runs (`app-admin/wasm`).
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(App);
}
