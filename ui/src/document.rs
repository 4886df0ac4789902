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
    allow_only_our_scripts(&options);
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
fn allow_only_our_scripts(options: &LeptosOptions) {
    leptos::nonce::provide_nonce();
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    // Under `cargo leptos watch` the page opens cargo-leptos' reload socket
    // (`AutoReload`, on the port these options name).
    let reload_port = std::env::var_os("LEPTOS_WATCH")
        .is_some()
        .then(|| options.reload_external_port.unwrap_or(options.reload_port));
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&page_policy(nonce.as_inner(), reload_port)),
    ) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The policy's text. With a reload port (development only), the page may
/// also connect to that port's WebSocket on whatever host it was opened
/// from (a phone on the LAN as well as `localhost`).
#[cfg(any(feature = "ssr", test))]
fn page_policy(nonce: &str, reload_port: Option<u32>) -> String {
    let connect = match reload_port {
        Some(port) => format!("'self' ws://*:{port} wss://*:{port}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src {connect}; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )
}

#[cfg(test)]
mod tests {
    use super::page_policy;

    #[test]
    fn pages_connect_only_to_their_own_origin_unless_cargo_leptos_reloads_them() {
        let served = page_policy("n0nce", None);
        assert!(served.contains("script-src 'self' 'nonce-n0nce' 'wasm-unsafe-eval';"));
        assert!(served.contains("connect-src 'self';"), "{served}");
        assert!(!served.contains("ws"), "{served}");

        let watched = page_policy("n0nce", Some(3001));
        assert!(
            watched.contains("connect-src 'self' ws://*:3001 wss://*:3001;"),
            "{watched}"
        );
        assert_eq!(
            watched.replace(" ws://*:3001 wss://*:3001", ""),
            served,
            "nothing else changes"
        );
    }
}
