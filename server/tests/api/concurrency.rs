//! Concurrent refreshes of one token (behaviour 8), on either database.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::*;

async fn refresh_concurrently(
    app: &TestApp,
    token: &str,
    n: usize,
) -> Vec<(StatusCode, serde_json::Value)> {
    let calls = (0..n).map(|_| app.post_refresh(token));
    futures::future::join_all(calls).await
}

#[tokio::test]
async fn a_hundred_concurrent_refreshes_rotate_once_and_keep_the_session() {
    let app = spawn_app_with(|s| s.refresh_rate = None).await;
    let (_, tokens) = app.customer().await;
    let results = refresh_concurrently(&app, &tokens.refresh_token, 100).await;
    let mut refresh_tokens = HashSet::new();
    for (status, body) in &results {
        assert_eq!(
            *status,
            StatusCode::OK,
            "within the grace window every caller succeeds: {body}"
        );
        refresh_tokens.insert(body["refresh_token"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        refresh_tokens.len(),
        1,
        "exactly one rotation: all callers hold the same new token"
    );
    let current = refresh_tokens.into_iter().next().unwrap();
    let sid = sid_of(&tokens.access_token);
    assert_eq!(app.session_state(&sid).await, Some((true, None)));
    // The survivor token works and rotates normally.
    app.clock.advance(Duration::from_secs(11));
    let next = app.refresh(&current).await;
    assert_eq!(app.me_status(&next.access_token).await, StatusCode::OK);
}

#[tokio::test]
async fn without_grace_exactly_one_of_a_hundred_concurrent_refreshes_wins() {
    let app = spawn_app_with(|s| {
        s.refresh_rate = None;
        s.reuse_grace = Duration::ZERO;
    })
    .await;
    let (_, tokens) = app.customer().await;
    let results = refresh_concurrently(&app, &tokens.refresh_token, 100).await;
    let ok = results.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    for (status, body) in &results {
        assert!(
            *status == StatusCode::OK || *status == StatusCode::UNAUTHORIZED,
            "no 500 under contention: {status} {body}"
        );
    }
    assert_eq!(ok, 1, "exactly one rotation wins");
    // With no grace, the losers are indistinguishable from a thief: the
    // session is revoked, cleanly.
    let sid = sid_of(&tokens.access_token);
    let state = app.session_state(&sid).await.unwrap();
    assert_eq!(state, (false, Some("reuse_detected".to_owned())));
}

#[tokio::test]
async fn concurrent_logins_respect_the_session_limit() {
    let app = spawn_app_with(|s| {
        s.max_sessions = 3;
        // Concurrent attempts count against the account until they succeed.
        s.login_rate_ip = None;
        s.login_rate_account = None;
    })
    .await;
    let user = app.create_user(shared::api::Role::Customer).await;
    let logins = (0..8).map(|_| app.post_login(&user.email, &user.password));
    for (status, body) in futures::future::join_all(logins).await {
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let tokens = app.login(&user).await;
    let (_, body) = app
        .get_auth("/api/auth/sessions", &tokens.access_token)
        .await;
    assert_eq!(body["total"], 3);
}
