//! The server serves the three web apps: each app's pages as a hydratable
//! shell with a per-response script nonce, the stylesheets, and still JSON
//! errors for everything else.

use reqwest::StatusCode;

use crate::helpers::{spawn_app, status_json};

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
            html.contains(&format!("/pkg/{bundle}.js")),
            "{path}: {html}"
        );
        assert!(html.contains(&format!("/style/{bundle}.css")), "{path}");
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
async fn stylesheets_are_served_and_unknown_paths_still_get_json_errors() {
    let app = spawn_app().await;
    for sheet in ["app-customer", "app-bartender", "app-admin"] {
        let res = app
            .client
            .get(app.url(&format!("/style/{sheet}.css")))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css"));
        let css = res.text().await.unwrap();
        assert!(css.contains("--color-primary"), "{sheet} lacks the tokens");
    }
    let res = app
        .client
        .get(app.url("/pkg/no-such-bundle.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .client
        .get(app.url("/no/such/page"))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}
