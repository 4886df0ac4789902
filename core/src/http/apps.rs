//! Serving the web apps: each app's pages, rendered by leptos_axum as the
//! shell its wasm bundle hydrates; the bundles themselves (`app-*.js`,
//! `.wasm`), built by cargo-leptos into one site root per app; and the
//! stylesheets, compiled into the binary.
//!
//! An app's bundle and stylesheet are served under `/pkg/<version>/`, where
//! the version is a hash of their contents taken at start-up. A new build
//! gets a new path, so browsers may keep these files for good: a returning
//! guest downloads nothing but the page.

use std::path::Path;

use axum::body::Body;
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::{provide_context, AnyView, ArcStoredValue};
use leptos::WasmSplitManifest;
use leptos_axum::{generate_route_list, render_app_to_stream_with_context, LeptosRoutes};
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Files whose path names their contents: a year, and never revalidated.
const FOREVER: &str = "public, max-age=31536000, immutable";

/// Serves the web apps: given the site root, a router of each app's pages,
/// bundle and stylesheet (made with [`Assets`]). The binary supplies it,
/// so this crate builds without the apps (`server/src/web.rs`).
pub type WebApps = fn(&Path) -> Router;

/// No web apps: the API alone.
pub fn no_web_apps(_site_root: &Path) -> Router {
    Router::new()
}

/// One app's static files and the options its pages are rendered with.
pub struct Assets {
    pkg: std::path::PathBuf,
    css: &'static str,
    options: LeptosOptions,
    split: Option<WasmSplitManifest>,
}

impl Assets {
    /// The app built into `<site_root>/<dir>/pkg/<output_name>.*`, with
    /// its stylesheet. Warns when the bundle is not there: the pages are
    /// still served, but do not come alive.
    pub fn new(site_root: &Path, dir: &str, output_name: &str, css: &'static str) -> Self {
        let pkg = site_root.join(dir).join("pkg");
        let bundle = pkg.join(format!("{output_name}.wasm"));
        if !bundle.is_file() {
            tracing::warn!(
                missing = %bundle.display(),
                "web app bundle not found: its pages will not come alive; build it with `cargo leptos build --release` or ./scripts/run.sh"
            );
        }
        let pkg_dir = format!("pkg/{}", version(&pkg, output_name, css));
        let options = LeptosOptions::builder()
            .output_name(output_name)
            .site_root(site_root.join(dir).to_string_lossy().into_owned())
            .site_pkg_dir(pkg_dir.clone())
            .build();
        let split = split_manifest(&pkg, &format!("/{pkg_dir}"));
        Self {
            pkg,
            css,
            options,
            split,
        }
    }

    /// The app's pages (`app` rendered in `shell`, its own paths under
    /// `base`) and its files.
    ///
    /// The app comes as plain functions returning type-erased views, so the
    /// page routes are compiled here, once, rather than in the binary each
    /// time an app changes: an edit in the watch loop rebuilds the app and
    /// links the binary, which has next to nothing of its own to compile
    /// (`main` and the closures that hand each app over).
    pub fn router(
        &self,
        base: &'static str,
        app: fn() -> AnyView,
        shell: fn(LeptosOptions) -> AnyView,
    ) -> Router {
        // Under `cargo leptos watch` a bundle is rebuilt while the server keeps
        // running (and keeps the version it computed), so nothing is kept.
        let cache = if std::env::var_os("LEPTOS_WATCH").is_some() {
            HeaderValue::from_static("no-cache")
        } else {
            HeaderValue::from_static(FOREVER)
        };
        self.files(cache)
            .merge(self.pages(app, shell))
            .merge(self.missing_page(base, shell))
    }

    /// Any other address under `base`: a browser asking for a page gets
    /// the app's own "Page not found" (its router's fallback), with status
    /// 404; anything else, and every `/api/` address, the API's JSON 404.
    fn missing_page(&self, base: &'static str, shell: fn(LeptosOptions) -> AnyView) -> Router {
        let options = self.options.clone();
        let render = render_app_to_stream_with_context(|| {}, move || shell(options.clone()));
        let handler = move |req: Request<Body>| async move {
            let page = req.method() == Method::GET
                && !req.uri().path().starts_with("/api/")
                && req
                    .headers()
                    .get(header::ACCEPT)
                    .and_then(|accept| accept.to_str().ok())
                    .is_some_and(|accept| accept.contains("text/html"));
            if !page {
                return super::not_found().await;
            }
            let mut response = render(req).await.into_response();
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        };
        Router::new().route(&format!("{base}/{{*rest}}"), any(handler))
    }

    /// Every route of the app's router, rendered in its shell. A page
    /// whose code is in chunks of its own names them in its `<head>` for
    /// the browser to fetch beside the main bundle.
    fn pages(&self, app: fn() -> AnyView, shell: fn(LeptosOptions) -> AnyView) -> Router {
        let routes = generate_route_list(app);
        let options = self.options.clone();
        let split = self.split.clone();
        Router::<LeptosOptions>::new()
            .leptos_routes_with_context(
                &self.options,
                routes,
                move || {
                    if let Some(split) = &split {
                        provide_context(split.clone());
                    }
                },
                move || shell(options.clone()),
            )
            .with_state(self.options.clone())
    }

    /// `/<site_pkg_dir>/…`: the bundle (precompressed when the build left
    /// `.br`/`.gz` copies) and `<output_name>.css`.
    fn files(&self, cache: HeaderValue) -> Router {
        let base = format!("/{}", self.options.site_pkg_dir);
        let css = self.css;
        Router::new()
            .route(
                &format!("{base}/{}.css", self.options.output_name),
                get(move || stylesheet(css)),
            )
            .nest_service(
                &base,
                ServeDir::new(&self.pkg)
                    .precompressed_br()
                    .precompressed_gzip(),
            )
            .layer(SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                cache,
            ))
    }
}

/// A short hash of everything under an app's path: the name and contents of
/// each file in its bundle folder (the `.br`/`.gz` copies follow from the
/// others), and its stylesheet. Without a bundle it still differs per app.
fn version(pkg: &Path, output_name: &str, css: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(output_name.as_bytes());
    hash.update(css.len().to_le_bytes());
    hash.update(css.as_bytes());
    let mut files: Vec<_> = std::fs::read_dir(pkg)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| {
                    path.is_file()
                        && !matches!(
                            path.extension().and_then(|ext| ext.to_str()),
                            Some("br" | "gz")
                        )
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for path in files {
        let name = path
            .file_name()
            .map(|name| name.as_encoded_bytes().to_vec());
        let Ok(contents) = std::fs::read(&path) else {
            continue;
        };
        let name = name.unwrap_or_default();
        hash.update(name.len().to_le_bytes());
        hash.update(&name);
        hash.update(contents.len().to_le_bytes());
        hash.update(&contents);
    }
    hash.finalize()[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

async fn stylesheet(body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], body)
}

/// Which chunks each lazily loaded page needs, from the manifest
/// `cargo leptos build --split` writes beside the bundle. (Leptos'
/// `HydrationScripts` reads it once per process, from one app's folder,
/// which cannot serve three apps; so each app's pages are given their own.)
fn split_manifest(pkg: &Path, url: &str) -> Option<WasmSplitManifest> {
    let file = std::fs::read_to_string(pkg.join("__wasm_split_manifest.json")).ok()?;
    match serde_json::from_str(&file) {
        Ok(preloads) => Some(WasmSplitManifest(ArcStoredValue::new((
            url.to_owned(),
            preloads,
            "__wasm_split.______________________.js".to_owned(),
        )))),
        Err(error) => {
            tracing::warn!(%error, folder = %pkg.display(), "unreadable wasm split manifest; pages are not preloaded");
            None
        }
    }
}
