//! Sessions beyond the seed: refresh tokens in cookies, re-authentication
//! before sensitive actions, the security activity log, and the alert when
//! someone signs in from a new device.

use std::time::Duration;

use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared::api::Role;
use taproom_server::clock::Clock;

use crate::bar_helpers::*;
use crate::helpers::*;

const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1";

/// The `Set-Cookie` headers of a response.
fn set_cookies(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

/// The value a `Set-Cookie` gives `name` (None if it does not set it).
fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    set_cookies(headers).into_iter().find_map(|c| {
        c.strip_prefix(&format!("{name}="))
            .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
    })
}

impl TestApp {
    /// POSTs to an auth route as a browser app would (`X-Taproom-App`,
    /// our own `Origin`), with an optional cookie and body.
    async fn as_app(
        &self,
        path: &str,
        app: &str,
        cookie: Option<&str>,
        body: Option<&Value>,
    ) -> reqwest::Response {
        let mut req = self
            .client
            .post(self.url(path))
            .header("x-taproom-app", app)
            .header("origin", &self.base)
            .header("sec-fetch-site", "same-origin");
        if let Some(cookie) = cookie {
            req = req.header("cookie", cookie);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.unwrap()
    }
}

#[tokio::test]
async fn in_cookie_mode_a_browser_app_gets_its_refresh_token_only_as_an_httponly_cookie() {
    let app = spawn_app_with(|s| s.refresh_cookie = true).await;
    let user = app.create_user(Role::Customer).await;
    let login = json!({"email": user.email, "password": user.password, "client_app": "customer"});
    let res = app
        .as_app("/api/auth/login", "customer", None, Some(&login))
        .await;
    let headers = res.headers().clone();
    let (status, body) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert!(body["access_token"].is_string());
    let cookies = set_cookies(&headers);
    assert_eq!(cookies.len(), 1, "{cookies:?}");
    let c = &cookies[0];
    assert!(c.starts_with("taproom_refresh_customer="), "{c}");
    for attr in [
        "HttpOnly",
        "SameSite=Strict",
        "Path=/api/auth",
        "Max-Age=604800",
    ] {
        assert!(c.contains(attr), "{c} lacks {attr}");
    }
    assert!(!c.contains("Secure"), "plain HTTP: not Secure");

    // A native client (no app header) keeps the token in the body.
    let (status, body) = app.post_login(&user.email, &user.password).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["refresh_token"].is_string());
    // And so does a browser app when cookie mode is off.
    let off = spawn_app().await;
    let user = off.create_user(Role::Customer).await;
    let login = json!({"email": user.email, "password": user.password});
    let res = off
        .as_app("/api/auth/login", "customer", None, Some(&login))
        .await;
    assert!(set_cookies(res.headers()).is_empty());
    assert!(status_json(res).await.1["refresh_token"].is_string());
}

#[tokio::test]
async fn refresh_and_logout_take_the_cookie_only_from_our_own_pages() {
    let app = spawn_app_with(|s| s.refresh_cookie = true).await;
    let user = app.create_user(Role::Bartender).await;
    let login = json!({"email": user.email, "password": user.password});
    let res = app
        .as_app("/api/auth/login", "bartender", None, Some(&login))
        .await;
    let token = cookie_value(res.headers(), "taproom_refresh_bartender").unwrap();
    let cookie = format!("taproom_refresh_bartender={token}");

    // An empty body (or none) takes the cookie.
    let res = app
        .as_app("/api/auth/refresh", "bartender", Some(&cookie), None)
        .await;
    let rotated = cookie_value(res.headers(), "taproom_refresh_bartender").unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.get("refresh_token").is_none());
    assert_ne!(rotated, token, "rotated");
    let cookie = format!("taproom_refresh_bartender={rotated}");

    // The cookie without the app header (a form posted from another site).
    let res = app
        .client
        .post(app.url("/api/auth/refresh"))
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_json");
    // With the header, but from another origin, or a same-site fetch from another port.
    for (name, value) in [
        ("origin", "http://127.0.0.1:1".to_owned()),
        ("origin", "https://evil.test".to_owned()),
        ("sec-fetch-site", "same-site".to_owned()),
        ("sec-fetch-site", "cross-site".to_owned()),
    ] {
        let res = app
            .client
            .post(app.url("/api/auth/refresh"))
            .header("x-taproom-app", "bartender")
            .header("cookie", &cookie)
            .header(name, value)
            .send()
            .await
            .unwrap();
        let (status, body) = status_json(res).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "cross_site_request");
    }
    // None of that rotated or ended anything: the cookie still works.
    let res = app
        .as_app(
            "/api/auth/refresh",
            "bartender",
            Some(&cookie),
            Some(&json!({})),
        )
        .await;
    let latest = cookie_value(res.headers(), "taproom_refresh_bartender").unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = format!("taproom_refresh_bartender={latest}");

    // Logout takes the cookie and clears it.
    let res = app
        .as_app("/api/auth/logout", "bartender", Some(&cookie), None)
        .await;
    assert_eq!(
        cookie_value(res.headers(), "taproom_refresh_bartender").as_deref(),
        Some("")
    );
    assert!(set_cookies(res.headers())[0].contains("Max-Age=0"));
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .as_app("/api/auth/refresh", "bartender", Some(&cookie), None)
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    // Without any token at all.
    let res = app
        .as_app("/api/auth/refresh", "bartender", None, None)
        .await;
    let (status, body) = status_json(res).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "missing_token");
}

#[tokio::test]
async fn a_cookie_replayed_after_the_grace_window_ends_the_session_and_is_cleared() {
    let app = spawn_app_with(|s| s.refresh_cookie = true).await;
    let user = app.create_user(Role::Customer).await;
    let login = json!({"email": user.email, "password": user.password});
    let res = app
        .as_app("/api/auth/login", "customer", None, Some(&login))
        .await;
    let first = format!(
        "taproom_refresh_customer={}",
        cookie_value(res.headers(), "taproom_refresh_customer").unwrap()
    );
    let access = status_json(res).await.1["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .as_app("/api/auth/refresh", "customer", Some(&first), None)
        .await;
    let second = cookie_value(res.headers(), "taproom_refresh_customer").unwrap();
    // Within the grace window the old cookie converges on the current token.
    let res = app
        .as_app("/api/auth/refresh", "customer", Some(&first), None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        cookie_value(res.headers(), "taproom_refresh_customer").unwrap(),
        second
    );
    app.clock.advance(Duration::from_secs(11));
    let res = app
        .as_app("/api/auth/refresh", "customer", Some(&first), None)
        .await;
    assert!(
        set_cookies(res.headers())[0].contains("Max-Age=0"),
        "cleared"
    );
    let (status, body) = status_json(res).await;
    assert_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "refresh_token_reused",
    );
    assert_eq!(app.me_status(&access).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_three_apps_keep_separate_cookies_and_logout_all_clears_the_callers() {
    let app = spawn_app_with(|s| s.refresh_cookie = true).await;
    let admin = app.create_user(Role::Admin).await;
    let login = json!({"email": admin.email, "password": admin.password});
    let mut jar = Vec::new();
    let mut access = String::new();
    for which in ["admin", "bartender"] {
        let res = app
            .as_app("/api/auth/login", which, None, Some(&login))
            .await;
        let name = format!("taproom_refresh_{which}");
        jar.push(format!(
            "{name}={}",
            cookie_value(res.headers(), &name).unwrap()
        ));
        access = status_json(res).await.1["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
    }
    let both = jar.join("; ");
    // Each app refreshes its own session from the shared cookie header.
    for which in ["admin", "bartender"] {
        let res = app
            .as_app("/api/auth/refresh", which, Some(&both), None)
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{which}");
        let set = set_cookies(res.headers());
        assert_eq!(set.len(), 1);
        assert!(set[0].starts_with(&format!("taproom_refresh_{which}=")));
    }
    let res = app
        .client
        .post(app.url("/api/auth/logout-all"))
        .header("x-taproom-app", "bartender")
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let set = set_cookies(res.headers());
    assert_eq!(set.len(), 1);
    assert!(set[0].starts_with("taproom_refresh_bartender=;"), "{set:?}");
}

/// Signs in as a new user of `role`; (email, access token).
async fn signed_in(app: &TestApp, role: Role) -> (TestUser, String) {
    let user = app.create_user(role).await;
    let tokens = app.login(&user).await;
    (user, tokens.access_token)
}

#[tokio::test]
async fn every_sensitive_action_needs_a_recent_password_proof() {
    let app = spawn_app().await;
    let (admin, token) = signed_in(&app, Role::Admin).await;
    let (target, _) = signed_in(&app, Role::Bartender).await;
    let (_, found) = app
        .get_auth(&format!("/api/admin/users?q={}", target.email), &token)
        .await;
    let id = found["users"][0]["id"].as_str().unwrap().to_owned();
    let (_, sessions) = app
        .get_auth(&format!("/api/admin/sessions?user_id={id}"), &token)
        .await;
    let sid = sessions["sessions"][0]["id"].as_str().unwrap().to_owned();
    let actions: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            "/api/admin/users".to_owned(),
            Some(
                json!({"email": "new-staff@taproom.test", "name": "New", "role": "bartender", "password": "a fine password"}),
            ),
        ),
        (
            Method::POST,
            format!("/api/admin/users/{id}/deactivate"),
            None,
        ),
        (
            Method::POST,
            format!("/api/admin/users/{id}/reactivate"),
            None,
        ),
        (
            Method::POST,
            format!("/api/admin/users/{id}/password"),
            Some(json!({"password": "another fine one"})),
        ),
        (
            Method::POST,
            format!("/api/admin/users/{id}/logout-all"),
            None,
        ),
        (Method::DELETE, format!("/api/admin/sessions/{sid}"), None),
        (Method::POST, "/api/auth/logout-all".to_owned(), None),
    ];
    // The proof of the login itself is ten minutes old: stale.
    app.clock.advance(Duration::from_secs(10 * 60 + 1));
    for (method, path, body) in &actions {
        let body = body.clone().or(Some(json!({})));
        let (status, err) = app
            .send_auth(method.clone(), path, &token, body.as_ref())
            .await;
        assert_error(status, &err, StatusCode::FORBIDDEN, "reauth_required");
    }
    // Nothing happened: the target is active, with its session.
    let (_, found) = app
        .get_auth(&format!("/api/admin/users?q={}", target.email), &token)
        .await;
    assert_eq!(found["users"][0]["is_active"], true);
    assert_eq!(found["users"][0]["active_sessions"], 1);
    // A wrong password proves nothing.
    let (status, err) = app
        .post_auth("/api/auth/reauth", &token, &json!({"password": "not it"}))
        .await;
    assert_error(
        status,
        &err,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    let (status, ok) = app
        .post_auth(
            "/api/auth/reauth",
            &token,
            &json!({"password": admin.password}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ok}");
    assert!(ok["valid_until"].is_string());
    for (method, path, body) in &actions {
        let body = body.clone().or(Some(json!({})));
        let (status, body) = app
            .send_auth(method.clone(), path, &token, body.as_ref())
            .await;
        assert!(status.is_success(), "{path}: {status} {body}");
    }
}

#[tokio::test]
async fn the_proof_is_the_sessions_own_and_lives_on_the_server() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let a = app.login(&user).await;
    let b = app.login(&user).await;
    app.clock.advance(Duration::from_secs(11 * 60));
    let (status, _) = app
        .post_auth(
            "/api/auth/reauth",
            &a.access_token,
            &json!({"password": user.password}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The other session has proved nothing.
    let (status, err) = app
        .post_auth("/api/auth/logout-all", &b.access_token, &json!({}))
        .await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "reauth_required");
    // The token carries nothing new a client could forge: same claims.
    let refreshed = app.refresh(&a.refresh_token).await;
    let claims = claims_of(&refreshed.access_token);
    let mut keys: Vec<&String> = claims.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["exp", "iat", "jti", "role", "sid", "sub", "type"]);
    // Signing out one other device stays one tap.
    let (status, _) = app
        .delete_auth(
            &format!("/api/auth/sessions/{}", sid_of(&b.access_token)),
            &refreshed.access_token,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The refreshed session keeps its proof.
    let (status, body) = app
        .post_auth("/api/auth/logout-all", &refreshed.access_token, &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The kinds of the user's activity, newest first.
async fn kinds(app: &TestApp, token: &str) -> Vec<String> {
    let (status, page) = app.get_auth("/api/auth/activity?limit=100", token).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_activity_log_tells_a_sessions_story_and_never_a_secret() {
    let app = spawn_app_with(|s| {
        s.login_rate_account = Some(taproom_server::config::Rate {
            count: 2,
            period: Duration::from_secs(900),
        });
        s.reuse_grace = Duration::ZERO;
    })
    .await;
    let user = app.create_user(Role::Customer).await;
    let first = app.login(&user).await;
    for _ in 0..2 {
        app.post_login(&user.email, "a wrong guess").await;
    }
    app.clock.advance(Duration::from_secs(31));
    let second = app.login(&user).await;
    let rotated = app.refresh(&second.refresh_token).await;
    // The rotated-away token comes back: theft.
    let (status, _) = app.post_refresh(&second.refresh_token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let third = app.login(&user).await;
    app.delete_auth(
        &format!("/api/auth/sessions/{}", sid_of(&first.access_token)),
        &third.access_token,
    )
    .await;
    app.post_auth(
        "/api/auth/reauth",
        &third.access_token,
        &json!({"password": user.password}),
    )
    .await;
    let (status, _) = app
        .post_auth(
            "/api/auth/password",
            &third.access_token,
            &json!({"current_password": user.password, "new_password": "brand new secret"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let fourth = app
        .login(&TestUser {
            email: user.email.clone(),
            password: "brand new secret".to_owned(),
        })
        .await;
    app.post(
        "/api/auth/logout",
        &json!({"refresh_token": fourth.refresh_token}),
    )
    .await;
    let (status, _) = app
        .post_auth("/api/auth/logout-all", &third.access_token, &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let fifth = app
        .login(&TestUser {
            email: user.email.clone(),
            password: "brand new secret".to_owned(),
        })
        .await;
    assert_eq!(
        kinds(&app, &fifth.access_token).await,
        [
            "signed_in",
            "signed_out_everywhere",
            "signed_out",
            "signed_in",
            "password_changed",
            "reauthenticated",
            "device_signed_out",
            "signed_in",
            "reuse_detected",
            "signed_in",
            "locked_out",
            "sign_in_failed",
            "sign_in_failed",
            "signed_in",
        ]
    );
    let _ = rotated;
    // Entries carry the device, address and app of a sign-in.
    let (_, page) = app
        .get_auth("/api/auth/activity?limit=1", &fifth.access_token)
        .await;
    let e = &page["entries"][0];
    assert_eq!(e["device"], "Chrome 120 on Windows 10");
    assert_eq!(e["ip_address"], "127.0.0.1");
    assert_eq!(e["network"], "127.0.0.0/24");
    assert_eq!(page["next_before"], e["id"], "more pages follow");
    // Paging walks the rest, newest first, without repeats.
    let before = page["next_before"].as_i64().unwrap();
    let (_, next) = app
        .get_auth(
            &format!("/api/auth/activity?limit=2&before={before}"),
            &fifth.access_token,
        )
        .await;
    let ids: Vec<i64> = next["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(
        ids.len() == 2 && ids[0] < before && ids[1] < ids[0],
        "{ids:?}"
    );
    // No token or password in any stored entry.
    let tokens = [
        &first.refresh_token,
        &first.access_token,
        &second.refresh_token,
        &third.access_token,
        &fifth.refresh_token,
    ];
    for (column, _) in [("detail", 0), ("device", 0), ("session_id", 0)] {
        for secret in tokens.iter().map(|t| t.as_str()).chain([
            user.password.as_str(),
            "brand new secret",
            "a wrong guess",
        ]) {
            assert_eq!(
                app.count(&format!(
                    "security_events WHERE {column} LIKE '%{}%'",
                    &secret[..secret.len().min(40)]
                ))
                .await,
                0,
                "{column} holds a secret"
            );
        }
    }
    // Bad paging is a clear 4xx.
    for bad in ["limit=0", "limit=101", "limit=x", "before=abc", "other=1"] {
        let (status, body) = app
            .get_auth(&format!("/api/auth/activity?{bad}"), &fifth.access_token)
            .await;
        assert!(status.is_client_error(), "{bad}: {status} {body}");
        assert!(body["error"].is_string());
    }
}

#[tokio::test]
async fn refreshing_writes_nothing_to_the_log() {
    let app = spawn_app().await;
    let (_, tokens) = app.customer().await;
    let before = app.count("security_events").await;
    let mut t = tokens;
    for _ in 0..5 {
        t = app.refresh(&t.refresh_token).await;
    }
    assert_eq!(app.count("security_events").await, before);
}

#[tokio::test]
async fn admins_read_everyones_log_with_filters_and_as_csv() {
    let app = spawn_app().await;
    let (_, admin) = signed_in(&app, Role::Admin).await;
    let (ann, ann_token) = signed_in(&app, Role::Customer).await;
    let (_, bob_token) = signed_in(&app, Role::Customer).await;
    app.post_login(&ann.email, "=HYPERLINK(\"http://evil.test\")")
        .await;
    let (_, me) = app.get_auth("/api/auth/me", &ann_token).await;
    let ann_id = me["id"].as_str().unwrap();
    let (status, page) = app
        .get_auth(&format!("/api/admin/activity?user_id={ann_id}"), &admin)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let entries = page["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert!(entries
        .iter()
        .all(|e| e["user_email"] == ann.email.as_str()));
    let (_, page) = app
        .get_auth("/api/admin/activity?kind=sign_in_failed", &admin)
        .await;
    assert_eq!(page["entries"].as_array().unwrap().len(), 1);
    let today = chrono::DateTime::from_timestamp_millis(app.clock.now_ms())
        .unwrap()
        .format("%Y-%m-%d")
        .to_string();
    let (_, page) = app
        .get_auth(
            &format!("/api/admin/activity?from={today}&to={today}"),
            &admin,
        )
        .await;
    assert!(page["entries"].as_array().unwrap().len() >= 4);
    let (_, page) = app
        .get_auth("/api/admin/activity?from=2001-01-01&to=2001-01-02", &admin)
        .await;
    assert_eq!(page["entries"].as_array().unwrap().len(), 0);
    for bad in [
        "kind=nope",
        "from=yesterday",
        "from=2026-12-02&to=2026-12-01",
        "limit=500",
    ] {
        let (status, body) = app
            .get_auth(&format!("/api/admin/activity?{bad}"), &admin)
            .await;
        assert!(status.is_client_error(), "{bad}: {status} {body}");
    }
    // Not for customers.
    let (status, body) = app.get_auth("/api/admin/activity", &bob_token).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    // CSV: a header, one row per entry, formulas defused.
    let res = app
        .client
        .get(app.url(&format!("/api/admin/activity.csv?user_id={ann_id}")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,time,user_email,user_name,kind,device,ip_address,network,app,session_id,detail"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].contains("sign_in_failed") && lines[1].contains(&ann.email));
    assert!(
        !csv.contains("HYPERLINK"),
        "the guess itself is never logged"
    );
}

#[tokio::test]
async fn old_entries_go_with_the_cleanup() {
    let app = spawn_app().await;
    app.customer().await;
    assert!(app.count("security_events").await > 0);
    app.clock.advance(Duration::from_secs(91 * 86_400));
    let report = app.sessions.cleanup().await.unwrap();
    assert!(report.activity_purged > 0);
    assert_eq!(app.count("security_events").await, 0);
}

/// Signs in from a device (user agent) and address (through the trusted proxy).
async fn login_as(app: &TestApp, user: &TestUser, user_agent: &str, ip: &str) -> Value {
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .header("user-agent", user_agent)
        .header("x-forwarded-for", ip)
        .json(&json!({"email": user.email, "password": user.password, "client_app": "customer"}))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test]
async fn a_sign_in_from_a_new_device_alerts_the_users_other_sessions_at_once() {
    let app = spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let user = app.create_user(Role::Customer).await;
    let home = login_as(&app, &user, CHROME_WINDOWS, "203.0.113.10").await;
    let home_token = home["access_token"].as_str().unwrap();
    let mut stream = open_stream(&app, home_token, None).await;
    let cursor = stream.until("ready").await.data["cursor"].as_i64().unwrap();
    // The first sign-in of an account is no alert; the same device and
    // network again is none either.
    let again = login_as(&app, &user, CHROME_WINDOWS, "203.0.113.99").await;
    let phone = login_as(&app, &user, IPHONE, "198.51.100.7").await;
    let phone_sid = sid_of(phone["access_token"].as_str().unwrap());
    let alert = stream.until("new_sign_in").await;
    assert_eq!(alert.data["session_id"], phone_sid.as_str());
    assert_eq!(alert.data["device"], "Safari 17 on iPhone");
    assert_eq!(alert.data["network"], "198.51.100.0/24");
    assert!(alert.data["at"].is_string());
    // The new session's own stream is not told about itself, not even in
    // a replay from before it signed in.
    let mut own = open_stream(&app, phone["access_token"].as_str().unwrap(), Some(cursor)).await;
    assert_eq!(own.next().await.event, "ready");
    // Another user hears nothing.
    let (_, stranger) = app.customer().await;
    let mut other = open_stream(&app, &stranger.access_token, None).await;
    other.until("ready").await;
    login_as(&app, &user, "curl/8.5.0", "192.0.2.1").await;
    assert_eq!(
        stream.until("new_sign_in").await.data["device"],
        "curl/8.5.0"
    );
    assert!(own
        .next_within(Duration::from_millis(300))
        .await
        .is_some_and(|e| e.event == "new_sign_in"));
    assert!(other
        .next_within(Duration::from_millis(300))
        .await
        .is_none());
    // Told live, so not waiting for a next sign-in.
    let (_, alerts) = app.get_auth("/api/auth/alerts", home_token).await;
    assert_eq!(alerts["alerts"], json!([]));
    // "Not you? Sign it out": one tap ends exactly that session.
    let (status, _) = app
        .delete_auth(&format!("/api/auth/sessions/{phone_sid}"), home_token)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.me_status(phone["access_token"].as_str().unwrap()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.me_status(home_token).await, StatusCode::OK);
    // "It was me" answers an alert.
    let id = alert.data["id"].as_i64().unwrap();
    let (status, _) = app
        .post_auth(
            &format!("/api/auth/alerts/{id}/dismiss"),
            home_token,
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Nobody else's alert can be answered, nor a made-up one.
    for token in [&stranger.access_token, &stranger.access_token] {
        let (status, body) = app
            .post_auth(&format!("/api/auth/alerts/{id}/dismiss"), token, &json!({}))
            .await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    }
    let (status, body) = app
        .post_auth("/api/auth/alerts/abc/dismiss", home_token, &json!({}))
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_path");
    let _ = again;
}

#[tokio::test]
async fn a_person_signed_out_everywhere_sees_the_new_sign_in_when_they_come_back() {
    let app = spawn_app_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let user = app.create_user(Role::Customer).await;
    let home = login_as(&app, &user, CHROME_WINDOWS, "203.0.113.10").await;
    app.post(
        "/api/auth/logout",
        &json!({"refresh_token": home["refresh_token"]}),
    )
    .await;
    // Someone else, elsewhere, while nobody is signed in.
    let thief = login_as(&app, &user, IPHONE, "198.51.100.7").await;
    let back = login_as(&app, &user, CHROME_WINDOWS, "203.0.113.10").await;
    let (_, alerts) = app
        .get_auth("/api/auth/alerts", back["access_token"].as_str().unwrap())
        .await;
    let list = alerts["alerts"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{alerts}");
    assert_eq!(
        list[0]["session_id"].as_str().unwrap(),
        sid_of(thief["access_token"].as_str().unwrap())
    );
    assert_eq!(list[0]["device"], "Safari 17 on iPhone");
    assert_eq!(list[0]["active"], true);
    // The thief's own session does not list its own sign-in, nor does
    // another sign-in from the thief's own device and network.
    let (_, theirs) = app
        .get_auth("/api/auth/alerts", thief["access_token"].as_str().unwrap())
        .await;
    assert_eq!(theirs["alerts"], json!([]));
    let thief_again = login_as(&app, &user, IPHONE, "198.51.100.8").await;
    let (_, theirs) = app
        .get_auth(
            "/api/auth/alerts",
            thief_again["access_token"].as_str().unwrap(),
        )
        .await;
    assert_eq!(theirs["alerts"], json!([]));
    // Answered ("it was me"), it is not shown again.
    let id = list[0]["id"].as_i64().unwrap();
    let back_token = back["access_token"].as_str().unwrap();
    app.post_auth(
        &format!("/api/auth/alerts/{id}/dismiss"),
        back_token,
        &json!({}),
    )
    .await;
    let (_, alerts) = app.get_auth("/api/auth/alerts", back_token).await;
    assert_eq!(alerts["alerts"], json!([]));
}
