//! Logout, logout-all, signing out one device and password change
//! (DESIGN.md behaviour 3): each kills the affected access tokens at once.

use reqwest::StatusCode;
use serde_json::json;
use shared::api::{Role, SessionsResponse};

use crate::helpers::*;

#[tokio::test]
async fn logout_ends_exactly_one_session_and_its_access_token() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let phone = app.login(&user).await;
    let laptop = app.login(&user).await;
    let (status, body) = app
        .post(
            "/api/auth/logout",
            &json!({"refresh_token": phone.refresh_token}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["message"].is_string());
    let (status, body) = app.get_auth("/api/auth/me", &phone.access_token).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "session_ended");
    let (status, body) = app.post_refresh(&phone.refresh_token).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "session_ended");
    assert_eq!(app.me_status(&laptop.access_token).await, StatusCode::OK);
    assert_eq!(
        app.session_state(&sid_of(&phone.access_token)).await,
        Some((false, Some("logout".to_owned()))),
        "the row stays for audit"
    );
}

#[tokio::test]
async fn logout_is_idempotent() {
    let app = spawn_app().await;
    let (_, tokens) = app.customer().await;
    for _ in 0..2 {
        let (status, body) = app
            .post(
                "/api/auth/logout",
                &json!({"refresh_token": tokens.refresh_token}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
}

#[tokio::test]
async fn logout_all_ends_every_session_of_the_user_only() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let a = app.login(&user).await;
    let b = app.login(&user).await;
    let c = app.login(&user).await;
    let (_, other) = app.customer().await;
    let (status, body) = app
        .post_auth("/api/auth/logout-all", &b.access_token, &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["revoked"], 3);
    assert!(body["message"].is_string());
    for t in [&a, &b, &c] {
        assert_eq!(
            app.me_status(&t.access_token).await,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.post_refresh(&t.refresh_token).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(app.me_status(&other.access_token).await, StatusCode::OK);
}

#[tokio::test]
async fn sessions_lists_active_sessions_most_recent_first() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let old = app.login(&user).await;
    app.clock.advance(std::time::Duration::from_secs(5));
    let new = app.login(&user).await;
    app.clock.advance(std::time::Duration::from_secs(5));
    let ended = app.login(&user).await;
    app.post(
        "/api/auth/logout",
        &json!({"refresh_token": ended.refresh_token}),
    )
    .await;

    let (status, body) = app.get_auth("/api/auth/sessions", &old.access_token).await;
    assert_eq!(status, StatusCode::OK);
    let list: SessionsResponse = serde_json::from_value(body).unwrap();
    assert_eq!(list.total, 2);
    assert_eq!(list.sessions[0].id, sid_of(&new.access_token));
    assert_eq!(list.sessions[1].id, sid_of(&old.access_token));
    assert!(list.sessions[1].is_current);
    assert!(!list.sessions[0].is_current);
}

#[tokio::test]
async fn a_user_can_sign_out_one_of_their_devices() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let here = app.login(&user).await;
    let there = app.login(&user).await;
    let path = format!("/api/auth/sessions/{}", sid_of(&there.access_token));
    let (status, body) = app.delete_auth(&path, &here.access_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        app.me_status(&there.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.me_status(&here.access_token).await, StatusCode::OK);
}

#[tokio::test]
async fn nobody_can_sign_out_someone_elses_device() {
    let app = spawn_app().await;
    let (_, mine) = app.customer().await;
    let (_, theirs) = app.customer().await;
    let path = format!("/api/auth/sessions/{}", sid_of(&theirs.access_token));
    let (status, body) = app.delete_auth(&path, &mine.access_token).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = app
        .delete_auth("/api/auth/sessions/no-such-session", &mine.access_token)
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(app.me_status(&theirs.access_token).await, StatusCode::OK);
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let here = app.login(&user).await;
    let there = app.login(&user).await;
    let (status, body) = app
        .post_auth(
            "/api/auth/password",
            &here.access_token,
            &json!({"current_password": user.password, "new_password": "a brand new secret"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["revoked"], 1);
    assert_eq!(
        app.me_status(&there.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.me_status(&here.access_token).await, StatusCode::OK);
    assert_eq!(
        app.post_login(&user.email, &user.password).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.post_login(&user.email, "a brand new secret").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_a_good_new_one() {
    let app = spawn_app().await;
    let (user, tokens) = app.customer().await;
    let (status, body) = app
        .post_auth(
            "/api/auth/password",
            &tokens.access_token,
            &json!({"current_password": "not it at all", "new_password": "a brand new secret"}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    for new in ["short", user.password.as_str()] {
        let (status, body) = app
            .post_auth(
                "/api/auth/password",
                &tokens.access_token,
                &json!({"current_password": user.password, "new_password": new}),
            )
            .await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    assert_eq!(
        app.post_login(&user.email, &user.password).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn logout_with_a_token_rotated_away_after_the_grace_window_is_recorded_as_reuse() {
    let app = spawn_app().await;
    let (_, t0) = app.customer().await;
    let t1 = app.refresh(&t0.refresh_token).await;
    app.clock.advance(std::time::Duration::from_secs(11));
    let (status, _) = app
        .post(
            "/api/auth/logout",
            &json!({"refresh_token": t0.refresh_token}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the session is ended, as asked");
    assert_eq!(
        app.session_state(&sid_of(&t1.access_token)).await,
        Some((false, Some("reuse_detected".to_owned())))
    );
    assert_eq!(
        app.me_status(&t1.access_token).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn logout_with_the_previous_token_inside_the_grace_window_is_a_plain_logout() {
    let app = spawn_app().await;
    let (_, t0) = app.customer().await;
    let t1 = app.refresh(&t0.refresh_token).await;
    let (status, _) = app
        .post(
            "/api/auth/logout",
            &json!({"refresh_token": t0.refresh_token}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.session_state(&sid_of(&t1.access_token)).await,
        Some((false, Some("logout".to_owned())))
    );
}
