//! The HTML document the server renders around an app; the browser
//! hydrates what is inside `<body>`.

use leptos::config::LeptosOptions;
use leptos::hydration::{AutoReload, HydrationScripts};
use leptos::prelude::*;

/// `<html>` with the app's title, its stylesheet, the scripts that load and
/// hydrate its wasm bundle, and the app itself in `<body>`.
///
/// The stylesheet sits beside the bundle, `<site_pkg_dir>/<output_name>.css`:
/// the server names that folder after the contents of the app's files, so
/// browsers may keep all three for good.
pub fn document<V: IntoView + 'static>(
    options: LeptosOptions,
    title: &'static str,
    app: impl FnOnce() -> V,
) -> impl IntoView {
    #[cfg(feature = "ssr")]
    allow_only_our_scripts();
    let stylesheet = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <title>{title}</title>
                // No favicon request (and no 404 for it) on every load.
                <link rel="icon" href="data:," />
                <link rel="stylesheet" href=stylesheet />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
            </head>
            <body>{app()}</body>
        </html>
    }
}

/// The page's Content-Security-Policy: the API's policy, plus a fresh nonce
/// for the inline script that starts hydration (Leptos puts the nonce on
/// every script it writes). The server keeps a header set here.
#[cfg(feature = "ssr")]
fn allow_only_our_scripts() {
    leptos::nonce::provide_nonce();
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        nonce.as_inner()
    );
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
