//! Login, sign-up and the current user (DESIGN.md behaviour 1).

use reqwest::StatusCode;
use serde_json::json;
use shared::api::{Role, SessionsResponse, TokenResponse};

use crate::helpers::*;

#[tokio::test]
async fn login_returns_both_tokens_and_the_user() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Bartender).await;
    let (status, body) = app.post_login(&user.email, &user.password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let tokens: TokenResponse = serde_json::from_value(body).unwrap();
    assert_eq!(tokens.token_type, "bearer");
    assert_eq!(tokens.expires_in, 30 * 60);
    assert_eq!(tokens.user.email, user.email);
    assert_eq!(tokens.user.role, Role::Bartender);
    let access = claims_of(&tokens.access_token);
    let refresh = claims_of(&tokens.refresh_token);
    assert_eq!(access["type"], "access");
    assert_eq!(refresh["type"], "refresh");
    assert_eq!(access["sid"], refresh["sid"]);
    assert_eq!(access["sub"], tokens.user.id.as_str());
    assert_eq!(access["role"], "bartender");
    for claim in ["iat", "exp", "jti"] {
        assert!(
            access[claim].is_number() || access[claim].is_string(),
            "{claim} missing"
        );
        assert!(
            refresh[claim].is_number() || refresh[claim].is_string(),
            "{claim} missing"
        );
    }
    assert_eq!(
        access["exp"].as_i64().unwrap() - access["iat"].as_i64().unwrap(),
        1800
    );
    assert_eq!(
        refresh["exp"].as_i64().unwrap() - refresh["iat"].as_i64().unwrap(),
        7 * 86400
    );
}

#[tokio::test]
async fn login_records_a_readable_device_the_ip_and_the_user_agent() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": user.email, "password": user.password, "client_app": "customer"}))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let tokens: TokenResponse = serde_json::from_value(body).unwrap();
    let (status, body) = app
        .get_auth("/api/auth/sessions", &tokens.access_token)
        .await;
    assert_eq!(status, StatusCode::OK);
    let list: SessionsResponse = serde_json::from_value(body).unwrap();
    assert_eq!(list.total, 1);
    let s = &list.sessions[0];
    assert_eq!(s.device_info, "Chrome 120 on Windows 10");
    assert_eq!(s.ip_address.as_deref(), Some("127.0.0.1"));
    assert_eq!(s.user_agent.as_deref(), Some(CHROME_WINDOWS));
    assert_eq!(s.client_app, Some(shared::api::ClientApp::Customer));
    assert!(s.is_current);
    assert_eq!(s.id, sid_of(&tokens.access_token));
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let (s1, b1) = app.post_login(&user.email, "wrong password!").await;
    let (s2, b2) = app
        .post_login("nobody@taproom.test", "wrong password!")
        .await;
    assert_error(s1, &b1, StatusCode::UNAUTHORIZED, "invalid_credentials");
    assert_eq!(
        (s1, &b1),
        (s2, &b2),
        "the answers must not tell the cases apart"
    );
    assert_eq!(app.count("user_sessions").await, 0);
}

#[tokio::test]
async fn login_is_case_insensitive_on_the_email() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let (status, body) = app
        .post_login(
            &format!("  {}  ", user.email.to_uppercase()),
            &user.password,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn register_creates_a_signed_in_customer() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/api/auth/register",
            &json!({"email": "New@Guest.test", "password": "a fine password", "name": " Nia "}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let tokens: TokenResponse = serde_json::from_value(body).unwrap();
    assert_eq!(tokens.user.role, Role::Customer);
    assert_eq!(tokens.user.email, "new@guest.test");
    assert_eq!(tokens.user.name, "Nia");
    let (status, me) = app.get_auth("/api/auth/me", &tokens.access_token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["email"], "new@guest.test");

    let (status, body) = app
        .post(
            "/api/auth/register",
            &json!({"email": "new@guest.test", "password": "another password", "name": "Copy"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "email_taken");
    assert_eq!(app.count("users").await, 1);
}

#[tokio::test]
async fn register_refuses_weak_or_invalid_fields_without_writing() {
    let app = spawn_app().await;
    for body in [
        json!({"email": "a@b.test", "password": "short", "name": "A"}),
        json!({"email": "not-an-email", "password": "long enough pw", "name": "A"}),
        json!({"email": "a@b.test", "password": "long enough pw", "name": "   "}),
        json!({"email": "a@b.test", "password": "x".repeat(129), "name": "A"}),
        json!({"email": "a@b.test", "password": "long enough pw", "name": "n".repeat(101)}),
    ] {
        let (status, res) = app.post("/api/auth/register", &body).await;
        assert_error(
            status,
            &res,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn register_can_be_switched_off() {
    let app = spawn_app_with(|s| s.registration_open = false).await;
    let (status, body) = app
        .post(
            "/api/auth/register",
            &json!({"email": "a@b.test", "password": "long enough pw", "name": "A"}),
        )
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "registration_closed");
    assert_eq!(app.count("users").await, 0);
}

#[tokio::test]
async fn me_needs_a_bearer_token() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/api/auth/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["www-authenticate"], "Bearer");
    let (status, body) = status_json(res).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "missing_token");
    let res = app
        .client
        .get(app.url("/api/auth/me"))
        .header("authorization", "Basic abc")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "missing_token");
}

#[tokio::test]
async fn access_tokens_expire_after_their_ttl() {
    let app = spawn_app().await;
    let (_, tokens) = app.customer().await;
    assert_eq!(app.me_status(&tokens.access_token).await, StatusCode::OK);
    app.clock.advance(std::time::Duration::from_secs(30 * 60));
    let (status, body) = app.get_auth("/api/auth/me", &tokens.access_token).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "token_expired");
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let sql = "SELECT password_hash FROM users WHERE email = $1";
    let hash: String = match &app.db {
        taproom_server::db::Db::Sqlite { read, .. } => sqlx::query_scalar(sql)
            .bind(&user.email)
            .fetch_one(read)
            .await
            .unwrap(),
        taproom_server::db::Db::Postgres(p) => sqlx::query_scalar(sql)
            .bind(&user.email)
            .fetch_one(p)
            .await
            .unwrap(),
    };
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(!hash.contains(PASSWORD));
}
