//! Hostile input on every endpoint: malformed, oversized and mistyped
//! bodies, forged tokens. Each gets a 4xx JSON error and writes nothing.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::helpers::*;

const JSON_ENDPOINTS: [&str; 5] = [
    "/api/auth/login",
    "/api/auth/register",
    "/api/auth/refresh",
    "/api/auth/logout",
    "/api/auth/password",
];

/// Signs arbitrary header and claims with a key, like an attacker would.
fn forge(header: &Value, claims: &Value, key: &[u8]) -> String {
    let h = URL_SAFE_NO_PAD.encode(serde_json::to_vec(header).unwrap());
    let p = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap());
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(format!("{h}.{p}").as_bytes());
    let s = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{h}.{p}.{s}")
}

async fn raw_post(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let mut req = app
        .client
        .post(app.url(path))
        .header("content-type", content_type)
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    status_json(req.send().await.unwrap()).await
}

#[tokio::test]
async fn malformed_mistyped_and_oversized_bodies_get_clear_errors_and_write_nothing() {
    let app = spawn_app().await;
    let (_, tokens) = app.customer().await;
    let users = app.count("users").await;
    let sessions_before = app.session_rows().await;
    let token = Some(tokens.access_token.as_str());
    let json_ct = "application/json";
    for path in JSON_ENDPOINTS {
        let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
            (json_ct, b"{not json".to_vec(), StatusCode::BAD_REQUEST, "invalid_json"),
            (json_ct, b"".to_vec(), StatusCode::BAD_REQUEST, "invalid_json"),
            (json_ct, b"[1,2,3]".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            (json_ct, b"null".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            (json_ct, br#"{"email": 5, "password": true, "refresh_token": 7, "name": [], "current_password": {}, "new_password": 1}"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            (json_ct, br#"{"unexpected": "field"}"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            (json_ct, br#"{}"#.to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            ("text/plain", br#"{"refresh_token": "x"}"#.to_vec(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            (json_ct, format!(r#"{{"x": "{}"}}"#, "a".repeat(200 * 1024)).into_bytes(), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        ];
        for (ct, body, want_status, want_code) in cases {
            let shown = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
            let (status, res) = raw_post(&app, path, token, ct, body).await;
            assert_eq!(status, want_status, "{path} with {shown}: {res}");
            assert_eq!(res["error"], want_code, "{path} with {shown}: {res}");
            assert!(res["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }
    // A long multi-byte value in the error detail is cut cleanly, not mid-character.
    let wide = "é".repeat(300);
    let (status, res) = app
        .post(
            "/api/auth/login",
            &json!({"email": "a@b.test", "password": "x", "client_app": wide}),
        )
        .await;
    assert_error(
        status,
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    // Known fields with an unknown one beside them are refused too.
    let (status, res) = app
        .post(
            "/api/auth/login",
            &json!({"email": "a@b.test", "password": "x", "role": "admin"}),
        )
        .await;
    assert_error(
        status,
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_eq!(app.count("users").await, users);
    assert_eq!(
        app.session_rows().await,
        sessions_before,
        "no session row changed"
    );
}

#[tokio::test]
async fn empty_and_huge_fields_are_refused() {
    let app = spawn_app().await;
    let (status, body) = app.post_login("", "").await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (status, body) = app.post_login("a@b.test", "").await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let long_email = format!("{}@b.test", "a".repeat(300));
    let (status, body) = app.post_login(&long_email, "whatever pw").await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (status, body) = app.post_login("a@b.test", &"p".repeat(10_000)).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    for token in ["", &"x".repeat(20_000)] {
        let (status, body) = app.post_refresh(token).await;
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_token");
        let (status, body) = app
            .post("/api/auth/logout", &json!({"refresh_token": token}))
            .await;
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_token");
    }
    assert_eq!(app.count("user_sessions").await, 0);
}

#[tokio::test]
async fn forged_and_misused_tokens_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let (_, tokens) = app.customer().await;
    let access = claims_of(&tokens.access_token);
    let refresh = claims_of(&tokens.refresh_token);
    let rows_before = app.session_rows().await;
    let hs256 = json!({"alg": "HS256", "typ": "JWT"});

    let mut admin = access.clone();
    admin["role"] = json!("admin");
    let tampered = {
        let parts: Vec<&str> = tokens.access_token.split('.').collect();
        let p = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&admin).unwrap());
        format!("{}.{}.{}", parts[0], p, parts[2])
    };
    let alg_none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        tokens.access_token.split('.').nth(1).unwrap()
    );
    let mut expired = access.clone();
    expired["exp"] = json!(expired["iat"].as_i64().unwrap() - 10);
    let cases: Vec<(&str, String, &str)> = vec![
        ("alg none", alg_none, "invalid_token"),
        (
            "alg HS512 header",
            forge(
                &json!({"alg": "HS512", "typ": "JWT"}),
                &access,
                app.secret.as_bytes(),
            ),
            "invalid_token",
        ),
        (
            "another key",
            forge(&hs256, &access, b"an attacker's key that is long enough"),
            "invalid_token",
        ),
        ("tampered payload", tampered, "invalid_token"),
        (
            "expired (validly signed)",
            forge(&hs256, &expired, app.secret.as_bytes()),
            "token_expired",
        ),
        (
            "refresh token as access token",
            tokens.refresh_token.clone(),
            "wrong_token_type",
        ),
        ("garbage", "not.a.token".to_owned(), "invalid_token"),
        ("two parts", "abc.def".to_owned(), "invalid_token"),
    ];
    let sid = sid_of(&tokens.access_token);
    let session_path = format!("/api/auth/sessions/{sid}");
    for (what, token, code) in &cases {
        // Every endpoint behind a bearer token refuses it the same way.
        let answers = [
            app.get_auth("/api/auth/me", token).await,
            app.get_auth("/api/auth/sessions", token).await,
            app.delete_auth(&session_path, token).await,
            app.post_auth("/api/auth/logout-all", token, &json!({}))
                .await,
            app.post_auth(
                "/api/auth/password",
                token,
                &json!({"current_password": PASSWORD, "new_password": "hijacked password"}),
            )
            .await,
        ];
        for (status, body) in answers {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
            assert_eq!(body["error"], *code, "{what}: {body}");
        }
    }

    let mut refresh_expired = refresh.clone();
    refresh_expired["exp"] = json!(refresh["iat"].as_i64().unwrap() - 10);
    let mut other_session = refresh.clone();
    other_session["sid"] = json!(uuid::Uuid::new_v4().to_string());
    // (what, token, refresh error, logout status): logout refuses what it
    // cannot verify, and has nothing to end for an expired stale token or
    // an unknown session.
    let refresh_cases: Vec<(&str, String, &str, StatusCode)> = vec![
        (
            "access token as refresh token",
            tokens.access_token.clone(),
            "wrong_token_type",
            StatusCode::UNAUTHORIZED,
        ),
        (
            "another key",
            forge(&hs256, &refresh, b"an attacker's key that is long enough"),
            "invalid_token",
            StatusCode::UNAUTHORIZED,
        ),
        (
            "alg none",
            format!(
                "{}.{}.",
                URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
                tokens.refresh_token.split('.').nth(1).unwrap()
            ),
            "invalid_token",
            StatusCode::UNAUTHORIZED,
        ),
        (
            "expired",
            forge(&hs256, &refresh_expired, app.secret.as_bytes()),
            "token_expired",
            StatusCode::OK,
        ),
        (
            "unknown session",
            forge(&hs256, &other_session, app.secret.as_bytes()),
            "session_ended",
            StatusCode::OK,
        ),
    ];
    for (what, token, code, logout_status) in &refresh_cases {
        let (status, body) = app.post_refresh(token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
        assert_eq!(body["error"], *code, "{what}: {body}");
        let (status, body) = app
            .post("/api/auth/logout", &json!({"refresh_token": token}))
            .await;
        assert_eq!(status, *logout_status, "{what}: {body}");
    }
    assert_eq!(
        app.session_rows().await,
        rows_before,
        "no forged token changed a session"
    );
    assert_eq!(app.me_status(&tokens.access_token).await, StatusCode::OK);
    app.refresh(&tokens.refresh_token).await;
}

#[tokio::test]
async fn the_database_holds_no_usable_token() {
    let app = spawn_app().await;
    let (_, t0) = app.customer().await;
    let t1 = app.refresh(&t0.refresh_token).await;
    let rows = app.session_rows().await;
    assert_eq!(rows.len(), 1);
    let stored: Vec<String> = rows[0].iter().flatten().cloned().collect();
    for token in [
        &t0.access_token,
        &t0.refresh_token,
        &t1.access_token,
        &t1.refresh_token,
    ] {
        for part in token.split('.') {
            assert!(
                !stored.iter().any(|v| v.contains(part) && part.len() > 30),
                "a token part is stored in plain text"
            );
        }
    }
    let jti = claims_of(&t1.refresh_token)["jti"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !stored.iter().any(|v| v.contains(&jti)),
        "the refresh jti is not stored"
    );
    use sha2::Digest;
    let hash = |t: &str| taproom_server::crypto::hex(&Sha256::digest(t.as_bytes()));
    assert_eq!(
        rows[0][2].as_deref(),
        Some(hash(&t1.refresh_token).as_str())
    );
    assert_eq!(
        rows[0][3].as_deref(),
        Some(hash(&t0.refresh_token).as_str())
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/api/nope")).send().await.unwrap();
    let (status, body) = status_json(res).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let res = app
        .client
        .get(app.url("/api/auth/login"))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_error(
        status,
        &body,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
    let (_, tokens) = app.customer().await;
    let (status, body) = app
        .delete_auth("/api/auth/sessions/%FF%FE", &tokens.access_token)
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_path");
    let long = format!("/api/auth/sessions/{}", "x".repeat(5000));
    let (status, body) = app.delete_auth(&long, &tokens.access_token).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(app.me_status(&tokens.access_token).await, StatusCode::OK);
}

#[tokio::test]
async fn responses_carry_security_headers_and_a_request_id() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    let h = res.headers();
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["x-request-id"].to_str().unwrap().len(), 36);
    let res = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "trace-me-123")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["x-request-id"], "trace-me-123");
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).send().await.unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ready"))
    );
    app.db.close().await;
    let res = app.client.get(app.url("/readyz")).send().await.unwrap();
    let (status, _) = status_json(res).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}
