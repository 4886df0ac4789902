//! Refresh-token rotation, the grace window and reuse detection
//! (DESIGN.md behaviour 2), with the clock moved by hand.

use std::time::Duration;

use reqwest::StatusCode;
use shared::api::SessionsResponse;

use crate::helpers::*;

#[tokio::test]
async fn refresh_rotates_both_tokens_and_keeps_the_session() {
    let app = spawn_app().await;
    let (user, first) = app.customer().await;
    app.clock.advance(Duration::from_secs(2));
    let second = app.refresh(&first.refresh_token).await;
    assert_ne!(second.access_token, first.access_token);
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(second.user.email, user.email);
    assert_eq!(second.token_type, "bearer");
    assert_eq!(sid_of(&second.access_token), sid_of(&first.access_token));
    assert_eq!(claims_of(&second.refresh_token)["type"], "refresh");
    assert_eq!(app.me_status(&second.access_token).await, StatusCode::OK);
    let third = app.refresh(&second.refresh_token).await;
    assert_eq!(app.me_status(&third.access_token).await, StatusCode::OK);
    assert_eq!(app.count("user_sessions").await, 1);
}

#[tokio::test]
async fn previous_token_within_grace_gets_the_current_token_again() {
    let app = spawn_app().await;
    let (_, first) = app.customer().await;
    let second = app.refresh(&first.refresh_token).await;
    app.clock.advance(Duration::from_secs(9));
    let replay = app.refresh(&first.refresh_token).await;
    assert_eq!(
        replay.refresh_token, second.refresh_token,
        "a retried refresh must converge on the current token, not fork the session"
    );
    assert_eq!(app.me_status(&replay.access_token).await, StatusCode::OK);
    // The current token still rotates normally afterwards.
    let third = app.refresh(&second.refresh_token).await;
    assert_ne!(third.refresh_token, second.refresh_token);
}

#[tokio::test]
async fn refresh_with_rotated_token_after_grace_revokes_session() {
    let app = spawn_app().await;
    let (_, first) = app.customer().await;
    let second = app.refresh(&first.refresh_token).await;
    app.clock.advance(Duration::from_secs(11));
    let (status, body) = app.post_refresh(&first.refresh_token).await;
    assert_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "refresh_token_reused",
    );
    let sid = sid_of(&first.access_token);
    assert_eq!(
        app.session_state(&sid).await,
        Some((false, Some("reuse_detected".to_owned())))
    );
    // The whole session is dead: its access token and its current refresh token.
    let (status, body) = app.get_auth("/api/auth/me", &second.access_token).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "session_ended");
    let (status, body) = app.post_refresh(&second.refresh_token).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "session_ended");
}

#[tokio::test]
async fn a_token_older_than_the_previous_one_is_reuse_even_within_grace() {
    let app = spawn_app().await;
    let (_, t0) = app.customer().await;
    let t1 = app.refresh(&t0.refresh_token).await;
    let _t2 = app.refresh(&t1.refresh_token).await;
    let (status, body) = app.post_refresh(&t0.refresh_token).await;
    assert_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "refresh_token_reused",
    );
    assert_eq!(
        app.me_status(&t1.access_token).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn with_no_grace_any_reuse_is_theft() {
    let app = spawn_app_with(|s| s.reuse_grace = Duration::ZERO).await;
    let (_, first) = app.customer().await;
    let second = app.refresh(&first.refresh_token).await;
    let (status, body) = app.post_refresh(&first.refresh_token).await;
    assert_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "refresh_token_reused",
    );
    assert_eq!(
        app.me_status(&second.access_token).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_grace_window_is_configurable() {
    let app = spawn_app_with(|s| s.reuse_grace = Duration::from_secs(60)).await;
    let (_, first) = app.customer().await;
    let second = app.refresh(&first.refresh_token).await;
    app.clock.advance(Duration::from_secs(59));
    assert_eq!(
        app.refresh(&first.refresh_token).await.refresh_token,
        second.refresh_token
    );
    app.clock.advance(Duration::from_secs(2));
    let (status, body) = app.post_refresh(&first.refresh_token).await;
    assert_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "refresh_token_reused",
    );
}

#[tokio::test]
async fn refresh_slides_the_expiry_up_to_the_absolute_lifetime() {
    let app = spawn_app_with(|s| {
        s.refresh_ttl = Duration::from_secs(3600);
        s.session_lifetime = Duration::from_secs(3 * 3600);
    })
    .await;
    let (_, mut tokens) = app.customer().await;
    let login_exp = claims_of(&tokens.refresh_token)["exp"].as_i64().unwrap();
    // Each refresh 50 minutes later moves the expiry another hour out...
    for _ in 0..3 {
        app.clock.advance(Duration::from_secs(50 * 60));
        tokens = app.refresh(&tokens.refresh_token).await;
    }
    let exp = claims_of(&tokens.refresh_token)["exp"].as_i64().unwrap();
    assert_eq!(
        exp,
        login_exp + 2 * 3600,
        "capped at three hours after login"
    );
    let (_, body) = app
        .get_auth("/api/auth/sessions", &tokens.access_token)
        .await;
    let list: SessionsResponse = serde_json::from_value(body).unwrap();
    assert_eq!(list.total, 1);
    // ...but never past the absolute lifetime.
    app.clock.advance(Duration::from_secs(31 * 60));
    let (status, body) = app.post_refresh(&tokens.refresh_token).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "token_expired");
}

#[tokio::test]
async fn an_unused_refresh_token_expires_after_its_ttl() {
    let app = spawn_app().await;
    let (_, tokens) = app.customer().await;
    app.clock.advance(Duration::from_secs(7 * 86400 + 1));
    let (status, body) = app.post_refresh(&tokens.refresh_token).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "token_expired");
}

#[tokio::test]
async fn refresh_answers_with_the_current_role_and_name() {
    let app = spawn_app().await;
    let (user, tokens) = app.customer().await;
    let refreshed = app.refresh(&tokens.refresh_token).await;
    assert_eq!(refreshed.user, tokens.user);
    assert_eq!(refreshed.user.email, user.email);
    assert_eq!(refreshed.expires_in, 1800);
}
