//! The three web apps this binary serves: each app's pages, bundle and
//! stylesheet. They live here rather than in the library, which does not
//! depend on the apps: an edit to an app rebuilds the app and this binary
//! only (the development loop, `cargo leptos watch`).

use std::path::Path;

use axum::Router;
use leptos::prelude::IntoAny;
use taproom_server::http::apps::Assets;

/// Each app's stylesheet: the shared tokens and base rules, then its layout.
const CUSTOMER_CSS: &str = concat!(
    include_str!("../../style/tokens.css"),
    include_str!("../../style/base.css"),
    include_str!("../../style/customer.css"),
);
const BARTENDER_CSS: &str = concat!(
    include_str!("../../style/tokens.css"),
    include_str!("../../style/base.css"),
    include_str!("../../style/bartender.css"),
);
const ADMIN_CSS: &str = concat!(
    include_str!("../../style/tokens.css"),
    include_str!("../../style/base.css"),
    include_str!("../../style/admin.css"),
);

/// The pages, bundles and stylesheets of all three apps
/// (`taproom_server::http::apps::WebApps`).
pub(crate) fn web_apps(site_root: &Path) -> Router {
    let customer = Assets::new(
        site_root,
        "customer",
        app_customer::OUTPUT_NAME,
        CUSTOMER_CSS,
    );
    let bartender = Assets::new(
        site_root,
        "bartender",
        app_bartender::OUTPUT_NAME,
        BARTENDER_CSS,
    );
    let admin = Assets::new(site_root, "admin", app_admin::OUTPUT_NAME, ADMIN_CSS);
    Router::new()
        .merge(customer.router(
            app_customer::INFO.base,
            || app_customer::App().into_any(),
            |options| app_customer::shell(options).into_any(),
        ))
        .merge(bartender.router(
            app_bartender::INFO.base,
            || app_bartender::App().into_any(),
            |options| app_bartender::shell(options).into_any(),
        ))
        .merge(admin.router(
            app_admin::INFO.base,
            || app_admin::App().into_any(),
            |options| app_admin::shell(options).into_any(),
        ))
}
