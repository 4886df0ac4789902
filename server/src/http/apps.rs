//! The three web apps: each app's pages, rendered by leptos_axum as the
//! shell its wasm bundle hydrates; the bundles themselves (`/pkg/app-*.js`,
//! `.wasm`), built by cargo-leptos into one site root per app; and the
//! stylesheets, compiled into the binary.

use std::path::Path;

use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::IntoView;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Each app's stylesheet: the shared tokens and base rules, then its layout.
const CUSTOMER_CSS: &str = concat!(
    include_str!("../../../style/tokens.css"),
    include_str!("../../../style/base.css"),
    include_str!("../../../style/customer.css"),
);
const BARTENDER_CSS: &str = concat!(
    include_str!("../../../style/tokens.css"),
    include_str!("../../../style/base.css"),
    include_str!("../../../style/bartender.css"),
);
const ADMIN_CSS: &str = concat!(
    include_str!("../../../style/tokens.css"),
    include_str!("../../../style/base.css"),
    include_str!("../../../style/admin.css"),
);

/// The apps' directories under the site root, as cargo-leptos fills them
/// (`site-root` of each `[[workspace.metadata.leptos]]` project).
pub const APP_DIRS: [&str; 3] = ["customer", "bartender", "admin"];

/// The pages, bundles and stylesheets of all three apps.
pub fn router(site_root: &Path) -> Router {
    let pkg = |app: &str| {
        ServeDir::new(site_root.join(app).join("pkg"))
            .precompressed_br()
            .precompressed_gzip()
    };
    // Bundle names differ per app, so one `/pkg` looks in each folder in
    // turn (a `fallback` replaces an earlier one, hence the nesting).
    let bundles = pkg("customer").fallback(pkg("bartender").fallback(pkg("admin")));
    let assets = Router::new()
        .nest_service("/pkg", bundles)
        .route("/style/app-customer.css", get(|| css(CUSTOMER_CSS)))
        .route("/style/app-bartender.css", get(|| css(BARTENDER_CSS)))
        .route("/style/app-admin.css", get(|| css(ADMIN_CSS)))
        // Revalidated on every load: file names carry no version.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));
    assets
        .merge(app_pages(
            options(site_root, "customer", app_customer::OUTPUT_NAME),
            app_customer::App,
            app_customer::shell,
        ))
        .merge(app_pages(
            options(site_root, "bartender", app_bartender::OUTPUT_NAME),
            app_bartender::App,
            app_bartender::shell,
        ))
        .merge(app_pages(
            options(site_root, "admin", app_admin::OUTPUT_NAME),
            app_admin::App,
            app_admin::shell,
        ))
}

/// Whether every app's bundle is where the pages will ask for it.
pub fn missing_bundles(site_root: &Path) -> Vec<String> {
    APP_DIRS
        .iter()
        .map(|dir| {
            site_root
                .join(dir)
                .join("pkg")
                .join(format!("app-{dir}.wasm"))
        })
        .filter(|path| !path.is_file())
        .map(|path| path.display().to_string())
        .collect()
}

async fn css(body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], body)
}

fn options(site_root: &Path, dir: &str, output_name: &str) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(output_name)
        .site_root(site_root.join(dir).to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .build()
}

/// One app's pages: every route of its router, rendered in its shell.
fn app_pages<A, AV, S, SV>(options: LeptosOptions, app: A, shell: S) -> Router
where
    A: Fn() -> AV + Clone + Send + Sync + 'static,
    AV: IntoView + 'static,
    S: Fn(LeptosOptions) -> SV + Clone + Send + Sync + 'static,
    SV: IntoView + 'static,
{
    let routes = generate_route_list(app);
    let for_shell = options.clone();
    Router::<LeptosOptions>::new()
        .leptos_routes(&options, routes, move || shell(for_shell.clone()))
        .with_state(options)
}
