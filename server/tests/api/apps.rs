//! The server serves the three web apps: each app's pages as a hydratable
//! shell with a per-response script nonce; the bundles and stylesheets under
//! a path named by their contents, cacheable for good; a page of its own
//! for an address it does not have; and still JSON errors for everything
//! else.

use std::path::Path;

use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_with, status_json, TestApp};

/// Where a page asks for `file` (`app-customer.js`, …): `/pkg/<version>/file`.
fn asset_path(html: &str, file: &str) -> Option<String> {
    html.match_indices(&format!("/{file}\""))
        .find_map(|(end, _)| {
            let start = html[..end].rfind("\"/pkg/")? + 1;
            let path = &html[start..end + file.len() + 1];
            let version = path
                .strip_prefix("/pkg/")?
                .strip_suffix(&format!("/{file}"))?;
            (version.len() == 16 && version.chars().all(|c| c.is_ascii_hexdigit()))
                .then(|| path.to_owned())
        })
}

async fn page(app: &TestApp, path: &str) -> String {
    let res = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

/// The body of `res`, which must have `status` and a content type starting with `kind`.
async fn body_of(res: reqwest::Response, status: StatusCode, kind: &str) -> String {
    assert_eq!(res.status(), status, "{}", res.url());
    let content_type = res.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with(kind),
        "{}: {content_type}",
        res.url()
    );
    res.text().await.unwrap()
}

#[tokio::test]
async fn every_app_page_is_rendered_with_its_own_bundle_and_a_fresh_script_nonce() {
    let app = spawn_app().await;
    let pages = [
        ("/", "app-customer"),
        ("/login", "app-customer"),
        ("/signup", "app-customer"),
        ("/devices", "app-customer"),
        ("/password", "app-customer"),
        ("/bartender", "app-bartender"),
        ("/bartender/login", "app-bartender"),
        ("/bartender/devices", "app-bartender"),
        ("/admin", "app-admin"),
        ("/admin/login", "app-admin"),
        ("/admin/password", "app-admin"),
    ];
    let mut nonces = Vec::new();
    for (path, bundle) in pages {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        let html = res.text().await.unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"), "{path}: {html}");
        assert!(
            asset_path(&html, &format!("{bundle}.js")).is_some(),
            "{path}: {html}"
        );
        assert!(
            asset_path(&html, &format!("{bundle}.css")).is_some(),
            "{path}: {html}"
        );
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {csp}"))
            .to_owned();
        assert!(
            html.contains(&format!("nonce=\"{nonce}\"")),
            "{path}: scripts lack the nonce"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), pages.len(), "a nonce is never reused");
}

#[tokio::test]
async fn stylesheets_are_served_under_their_versioned_path_only() {
    let app = spawn_app().await;
    for (home, sheet) in [
        ("/", "app-customer"),
        ("/bartender", "app-bartender"),
        ("/admin", "app-admin"),
    ] {
        let html = page(&app, home).await;
        let path = asset_path(&html, &format!("{sheet}.css")).expect("the stylesheet's path");
        let res = app.client.get(app.url(&path)).send().await.unwrap();
        let css = body_of(res, StatusCode::OK, "text/css").await;
        assert!(css.contains("--color-primary"), "{sheet} lacks the tokens");
    }
    let res = app
        .client
        .get(app.url("/style/app-customer.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_browser_asking_for_an_unknown_page_gets_the_apps_own_not_found_page() {
    let app = spawn_app().await;
    let html = "text/html,application/xhtml+xml,*/*;q=0.8";
    for (path, bundle) in [
        ("/no/such/page", "app-customer"),
        ("/bartender/no-such-page", "app-bartender"),
        ("/admin/users/42", "app-admin"),
    ] {
        let res = app
            .client
            .get(app.url(path))
            .header("accept", html)
            .send()
            .await
            .unwrap();
        let page = body_of(res, StatusCode::NOT_FOUND, "text/html").await;
        assert!(page.contains("<h1>Page not found</h1>"), "{path}: {page}");
        assert!(
            asset_path(&page, &format!("{bundle}.js")).is_some(),
            "{path}: the app's own page, which its bundle takes over"
        );
    }
    // The API's addresses, and anything but a page asked for by a browser,
    // still answer JSON.
    for (method, path, accept) in [
        ("GET", "/api/no-such-thing", html),
        ("POST", "/admin/no-such-page", html),
        ("GET", "/admin/no-such-page", "application/json"),
        ("GET", "/no/such/page", "*/*"),
    ] {
        let res = app
            .client
            .request(method.parse().unwrap(), app.url(path))
            .header("accept", accept)
            .send()
            .await
            .unwrap();
        let (status, body) = status_json(res).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found")),
            "{method} {path}"
        );
    }
}

/// A site root with a customer bundle of the given contents (and a brotli
/// copy of its wasm, as the build leaves one).
fn write_bundle(site: &Path, js: &str, wasm: &[u8]) {
    let pkg = site.join("customer").join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("app-customer.js"), js).unwrap();
    std::fs::write(pkg.join("app-customer.wasm"), wasm).unwrap();
    std::fs::write(pkg.join("app-customer.wasm.br"), b"brotli of the wasm").unwrap();
}

#[tokio::test]
async fn bundles_are_kept_for_good_under_a_path_that_changes_with_their_contents() {
    let site = tempfile::tempdir().unwrap();
    write_bundle(
        site.path(),
        "export default function init() {}",
        b"\0asm first",
    );
    let first = spawn_app_with(|s| s.site_root = site.path().to_owned()).await;
    let html = page(&first, "/login").await;
    let js = asset_path(&html, "app-customer.js").expect("the bundle's path");
    let wasm = asset_path(&html, "app-customer.wasm").expect("the wasm's path");
    let css = asset_path(&html, "app-customer.css").expect("the stylesheet's path");
    let folder = |path: &str| path.rsplit_once('/').unwrap().0.to_owned();
    assert_eq!(folder(&js), folder(&wasm));
    assert_eq!(folder(&js), folder(&css));

    for (path, content_type) in [
        (&js, "text/javascript"),
        (&wasm, "application/wasm"),
        (&css, "text/css; charset=utf-8"),
    ] {
        let res = first.client.get(first.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["content-type"], content_type, "{path}");
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{path}"
        );
    }
    let res = first.client.get(first.url(&js)).send().await.unwrap();
    assert_eq!(
        res.text().await.unwrap(),
        "export default function init() {}"
    );
    // The build's brotli copy goes to a browser that takes brotli.
    let res = first
        .client
        .get(first.url(&wasm))
        .header("accept-encoding", "br, gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"brotli of the wasm");

    // Another app's folder does not hold this bundle.
    let bar = page(&first, "/bartender/login").await;
    let bar_js = asset_path(&bar, "app-bartender.js").expect("the bartender bundle's path");
    assert_ne!(folder(&bar_js), folder(&js));
    let res = first
        .client
        .get(first.url(&format!("{}/app-customer.js", folder(&bar_js))))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // A new build is a new path, and the old one is gone: a browser that
    // kept the old files never mixes them with the new page.
    write_bundle(
        site.path(),
        "export default function init() {}",
        b"\0asm second",
    );
    let second = spawn_app_with(|s| s.site_root = site.path().to_owned()).await;
    let html = page(&second, "/login").await;
    let new_wasm = asset_path(&html, "app-customer.wasm").expect("the wasm's path");
    assert_ne!(new_wasm, wasm, "the version follows the contents");
    let res = second.client.get(second.url(&wasm)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = second
        .client
        .get(second.url(&new_wasm))
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"\0asm second");
    // Same contents, same path: restarting or adding an instance keeps caches.
    let third = spawn_app_with(|s| s.site_root = site.path().to_owned()).await;
    let html = page(&third, "/login").await;
    assert_eq!(asset_path(&html, "app-customer.wasm"), Some(new_wasm));
}
