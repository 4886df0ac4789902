//! Expiry sweeps: the periodic job and the one-shot `cleanup` command
//! (behaviour 5).

use std::time::Duration;

use reqwest::StatusCode;
use taproom_server::clock::Clock;

use crate::helpers::*;

#[tokio::test]
async fn cleanup_marks_expired_sessions_inactive_then_deletes_them_after_retention() {
    let app = spawn_app().await;
    let (_, expiring) = app.customer().await;
    app.clock.advance(Duration::from_secs(6 * 86400));
    let (_, fresh) = app.customer().await;
    app.clock.advance(Duration::from_secs(86400 + 1));

    let report = app.sessions.cleanup().await.unwrap();
    assert_eq!((report.expired, report.purged), (1, 0));
    let sid = sid_of(&expiring.access_token);
    assert_eq!(
        app.session_state(&sid).await,
        Some((false, Some("expired".to_owned())))
    );
    assert!(
        app.session_state(&sid_of(&fresh.access_token))
            .await
            .unwrap()
            .0
    );

    app.clock.advance(Duration::from_secs(30 * 86400));
    let report = app.sessions.cleanup().await.unwrap();
    assert_eq!(report.purged, 1, "past retention the row goes");
    assert_eq!(app.session_state(&sid).await, None);
    assert_eq!(app.count("user_sessions").await, 1);
}

#[tokio::test]
async fn the_server_sweeps_expired_sessions_by_itself() {
    let app = spawn_app_with(|s| s.cleanup_interval = Duration::from_secs(1)).await;
    let (_, tokens) = app.customer().await;
    let sid = sid_of(&tokens.access_token);
    app.clock.advance(Duration::from_secs(7 * 86400 + 1));
    let mut waited = Duration::ZERO;
    while app.session_state(&sid).await.unwrap().0 {
        assert!(
            waited < Duration::from_secs(20),
            "the periodic sweep never ran"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
        waited += Duration::from_millis(100);
    }
    assert_eq!(
        app.session_state(&sid).await,
        Some((false, Some("expired".to_owned())))
    );
}

#[tokio::test]
async fn the_cleanup_command_sweeps_the_database_once() {
    let app = spawn_app().await;
    // A session that, by the real clock, expired a day ago.
    let now = app.clock.now_ms();
    app.clock.set(now - 8 * 86_400_000);
    let (_, tokens) = app.customer().await;
    app.clock.set(now);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_taproom-server"))
        .arg("cleanup")
        .env("DATABASE_URL", &app.database_url)
        .env_remove("TAPROOM_JWT_SECRET")
        .output()
        .expect("run taproom-server cleanup");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Marked 1 expired session(s) inactive"),
        "{stdout}"
    );
    assert_eq!(
        app.session_state(&sid_of(&tokens.access_token)).await,
        Some((false, Some("expired".to_owned())))
    );
    assert_eq!(
        app.me_status(&tokens.access_token).await,
        StatusCode::UNAUTHORIZED
    );
}

/// Rows in the shared rate-limit tables (PostgreSQL keeps its counts there;
/// SQLite counts in memory and leaves them empty).
async fn rate_limit_rows(app: &TestApp) -> i64 {
    let sql = "SELECT (SELECT COUNT(*) FROM rate_limit_buckets) + (SELECT COUNT(*) FROM rate_limit_failures)";
    match &app.db {
        taproom_server::db::Db::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        taproom_server::db::Db::Sqlite { read, .. } => {
            sqlx::query_scalar(sql).fetch_one(read).await
        }
    }
    .unwrap()
}

#[tokio::test]
async fn cleanup_forgets_rate_limit_counts_once_they_restrict_nothing() {
    let app = spawn_app().await;
    let user = app.create_user(shared::api::Role::Customer).await;
    let (status, _) = app.post_login(&user.email, "a wrong guess").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let tokens = app.login(&user).await;
    app.refresh(&tokens.refresh_token).await;
    let counted = rate_limit_rows(&app).await;
    if on_postgres() {
        // The address's sign-ins, the session's refresh, the account's failure.
        assert_eq!(counted, 3);
    } else {
        assert_eq!(counted, 0, "SQLite counts in memory");
    }
    // Within their windows the counts stay.
    app.sessions.cleanup().await.unwrap();
    assert_eq!(rate_limit_rows(&app).await, counted);
    app.clock.advance(Duration::from_secs(16 * 60));
    app.sessions.cleanup().await.unwrap();
    assert_eq!(rate_limit_rows(&app).await, 0);
}
