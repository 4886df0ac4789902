//! Concurrent refreshes of one token (behaviour 8), on either database.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

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

#[tokio::test]
async fn refreshes_committed_together_each_rotate_their_own_session_once() {
    let app = spawn_app_with(|s| s.refresh_rate = None).await;
    let mut live = Vec::new();
    for _ in 0..8 {
        live.push(app.customer().await.1);
    }
    let (_, ended) = app.customer().await;
    let (status, _) = app
        .post(
            "/api/auth/logout",
            &json!({"refresh_token": ended.refresh_token}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, first) = app.customer().await;

    // A lane takes the first refresh and is held there; meanwhile each
    // live session is refreshed four times at once, and the ended one
    // once, so that all of them queue up and go into one statement.
    let rotations = app.sessions.rotations();
    let mut hold = rotations.hold_next_batch();
    let mut presented: Vec<&str> = live
        .iter()
        .flat_map(|t| std::iter::repeat_n(t.refresh_token.as_str(), 4))
        .collect();
    presented.push(&ended.refresh_token);
    let queued = presented.len();
    let (held, results) = tokio::join!(app.post_refresh(&first.refresh_token), async {
        hold.reached().await;
        let calls = futures::future::join_all(presented.iter().map(|t| app.post_refresh(t)));
        let release = async {
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while rotations.waiting() < queued && std::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            assert_eq!(rotations.waiting(), queued, "every refresh queued");
            hold.release();
        };
        tokio::join!(calls, release).0
    });
    assert_eq!(held.0, StatusCode::OK, "{}", held.1);
    assert_eq!(
        rotations.largest_batch(),
        queued,
        "the queued refreshes went into one statement"
    );

    let (ended_result, live_results) = results.split_last().unwrap();
    assert_error(
        ended_result.0,
        &ended_result.1,
        StatusCode::UNAUTHORIZED,
        "session_ended",
    );
    for (tokens, answers) in live.iter().zip(live_results.chunks(4)) {
        let issued: HashSet<&str> = answers
            .iter()
            .map(|(status, body)| {
                assert_eq!(*status, StatusCode::OK, "{body}");
                body["refresh_token"].as_str().unwrap()
            })
            .collect();
        assert_eq!(
            issued.len(),
            1,
            "one rotation per session, the rest in grace"
        );
        let current = *issued.iter().next().unwrap();
        assert_ne!(current, tokens.refresh_token);
        let sid = sid_of(&tokens.access_token);
        assert_eq!(app.session_state(&sid).await, Some((true, None)));
        assert_eq!(
            sid_of(answers[0].1["access_token"].as_str().unwrap()),
            sid,
            "each caller got its own session's tokens"
        );
    }
    // Every session rotates on from its new token.
    app.clock.advance(Duration::from_secs(11));
    for answers in live_results.chunks(4) {
        let next = app
            .refresh(answers[0].1["refresh_token"].as_str().unwrap())
            .await;
        assert_eq!(app.me_status(&next.access_token).await, StatusCode::OK);
    }
}
