//! `taproom-server move-to-postgres`: an evening of a bar on SQLite, moved
//! by the real binary into an empty PostgreSQL database, and the bar carries
//! on there: the same browsers stay signed in, every order is as it was and
//! the event stream goes on from the cursor clients hold. The PostgreSQL
//! tests run when `TEST_DATABASE_URL` is set.

use std::collections::BTreeMap;
use std::process::{Command, Output};

use reqwest::StatusCode;
use serde_json::{json, Value};
use shared::api::{Role, TokenResponse};
use sqlx::Connection;
use taproom_server::config::Secret;

use crate::bar_helpers::*;
use crate::helpers::*;

/// Orders each guest places during the evening.
const ROUNDS: usize = 8;

fn move_to_postgres(from: &str, to: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_taproom-server"))
        .args(["move-to-postgres", "--from", from, "--to", to])
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

/// Runs the move off the test's runtime and returns (success, stdout, stderr).
async fn run_move(from: &str, to: &str) -> (bool, String, String) {
    let (from, to) = (from.to_owned(), to.to_owned());
    let out = tokio::task::spawn_blocking(move || move_to_postgres(&from, &to))
        .await
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// An empty PostgreSQL database, dropped with the guard.
struct Target {
    url: String,
    _dir: tempfile::TempDir,
}

impl Target {
    async fn new() -> Target {
        let dir = tempfile::tempdir().unwrap();
        let url = fresh_database(dir.path()).await;
        assert!(url.starts_with("postgres"), "needs TEST_DATABASE_URL");
        Target { url, _dir: dir }
    }

    /// Rows of every table but sqlx's (none before the first migration).
    async fn rows(&self) -> BTreeMap<String, i64> {
        let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT tablename::text FROM pg_tables
             WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let mut rows = BTreeMap::new();
        for table in tables {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{table}\""))
                .fetch_one(&mut conn)
                .await
                .unwrap();
            rows.insert(table, n);
        }
        rows
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        drop_test_database(&self.url);
    }
}

/// One guest's round: `round % 3 + 1` pints, and a Negroni with its
/// `garnish` (an option id) every other round.
fn a_round(items: &[String], garnish: &str, round: usize) -> Value {
    let mut lines = vec![json!({"item_id": items[0], "quantity": round % 3 + 1})];
    if round.is_multiple_of(2) {
        lines.push(json!({
            "item_id": items[1],
            "quantity": 1,
            "note": "no ice",
            "options": [garnish]
        }));
    }
    json!({"table": format!("{}", round + 1), "lines": lines})
}

#[tokio::test]
async fn an_evening_moved_to_postgres_carries_on_with_the_same_sessions_orders_and_events() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (the move's target is PostgreSQL)");
        return;
    }
    // The evening, on SQLite.
    let mut bar = spawn_sqlite_app().await;
    let (admin, items) = bar.small_menu().await;
    // The Negroni has an optional garnish: its options move too, and the
    // lines keep the one chosen (later rounds order it plain).
    let negroni = bar
        .set_options(
            &admin,
            &items[1],
            &json!([{
                "name": "Garnish",
                "min_choices": 0,
                "max_choices": 1,
                "options": [
                    {"name": "Orange peel"},
                    {"name": "Lemon twist", "price_delta_cents": 20}
                ]
            }]),
        )
        .await;
    let garnish = option_id(&negroni, "Lemon twist");
    let mut guests: Vec<(TestUser, TokenResponse)> = Vec::new();
    for _ in 0..4 {
        guests.push(bar.customer().await);
    }
    let bartender = bar.create_user(Role::Bartender).await;
    let mut staff = bar.login(&bartender).await;
    // A guest's phone, signed out before closing time.
    let phone = bar.login(&guests[0].0).await;
    // Some browsers have already rotated their refresh token once.
    guests[1].1 = bar.refresh(&guests[1].1.refresh_token).await;
    staff = bar.refresh(&staff.refresh_token).await;
    let mut orders = Vec::new();
    for round in 0..ROUNDS {
        for (_, tokens) in &guests {
            let order = bar
                .order(&tokens.access_token, &a_round(&items, &garnish, round))
                .await;
            orders.push(order);
        }
    }
    // The bartender moves them on: received, preparing, ready, served, ...
    for (i, order) in orders.iter().enumerate() {
        let id = order["id"].as_str().unwrap();
        for (version, status) in ["preparing", "ready", "served"]
            .iter()
            .take(i % 4)
            .enumerate()
        {
            let (code, body) = bar
                .set_status(&staff.access_token, id, status, version as i64 + 1, None)
                .await;
            assert_eq!(code, StatusCode::OK, "{body}");
        }
    }
    // One cancelled by its guest while received, one by the bartender.
    let (code, body) = bar
        .set_status(
            &guests[0].1.access_token,
            orders[4]["id"].as_str().unwrap(),
            "cancelled",
            1,
            Some("changed my mind"),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let (code, body) = bar
        .set_status(
            &staff.access_token,
            orders[5]["id"].as_str().unwrap(),
            "cancelled",
            2,
            Some("keg ran dry"),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    let (code, _) = bar
        .post(
            "/api/auth/logout",
            &json!({"refresh_token": phone.refresh_token}),
        )
        .await;
    assert_eq!(code, StatusCode::OK);

    // What the clients hold: the stream cursor, and every order as shown.
    let mut stream = open_stream_from_start(&bar, &staff.access_token).await;
    let cursor = stream.until("ready").await.data["cursor"].as_i64().unwrap();
    drop(stream);
    assert!(
        cursor > orders.len() as i64,
        "an event per order and change"
    );
    let mut shown = Vec::new();
    for order in &orders {
        let path = format!("/api/orders/{}", order["id"].as_str().unwrap());
        let (code, body) = bar.get_auth(&path, &staff.access_token).await;
        assert_eq!(code, StatusCode::OK, "{body}");
        shown.push(body);
    }
    assert_eq!(shown[4]["status"], "cancelled");
    assert_eq!(shown[5]["cancel_reason"], "keg ran dry");
    assert_eq!(shown[7]["status"], "served");
    let mut counts = BTreeMap::new();
    for table in [
        "users",
        "user_sessions",
        "orders",
        "order_lines",
        "tabs",
        "events",
        "menu_option_groups",
        "menu_options",
        "stations",
    ] {
        counts.insert(table, bar.count(table).await);
    }
    assert_eq!(counts["orders"], (4 * ROUNDS) as i64);
    assert_eq!(
        counts["stations"], 1,
        "the first category brought its station"
    );
    assert_eq!(counts["menu_options"], 2);
    assert_eq!(shown[0]["lines"][1]["options"][0]["name"], "Lemon twist");
    bar.stop().await;

    // Closing time: the move.
    let target = Target::new().await;
    let (ok, stdout, stderr) = run_move(&bar.database_url, &target.url).await;
    assert!(ok, "the move failed:\n{stdout}\n{stderr}");
    for (table, n) in &counts {
        assert!(
            stdout.lines().any(|l| l == format!("{table}: {n} rows")),
            "no `{table}: {n} rows` line in:\n{stdout}"
        );
    }
    assert!(
        stdout.contains("the row counts of both databases match"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("events.id continues at {}", cursor + 1)),
        "{stdout}"
    );
    let moved = target.rows().await;
    for (table, n) in &counts {
        assert_eq!(moved[*table], *n, "{table}");
    }

    // A second move into the now filled database is refused, changing nothing.
    let (ok, stdout, stderr) = run_move(&bar.database_url, &target.url).await;
    assert!(!ok, "a second move succeeded:\n{stdout}");
    assert!(
        stderr.starts_with("error: nothing was moved: the PostgreSQL database is not empty"),
        "{stderr}"
    );
    assert_eq!(target.rows().await, moved);

    // The bar opens on PostgreSQL, signing with the same secret.
    let secret = bar.secret.clone();
    let pg = spawn_app_on(tempfile::tempdir().unwrap(), target.url.clone(), |s| {
        s.jwt_secret = Some(Secret::new(secret));
    })
    .await;
    // Every browser stays signed in: its access token still works, and the
    // refresh token it holds refreshes.
    assert_eq!(
        pg.me_status(&guests[2].1.access_token).await,
        StatusCode::OK
    );
    let mut refreshed = Vec::new();
    for (user, tokens) in &guests {
        let (code, body) = pg.post_refresh(&tokens.refresh_token).await;
        assert_eq!(code, StatusCode::OK, "{} signed out: {body}", user.email);
        let fresh: TokenResponse = serde_json::from_value(body).unwrap();
        assert_eq!(pg.me_status(&fresh.access_token).await, StatusCode::OK);
        refreshed.push(fresh);
    }
    let staff = pg.refresh(&staff.refresh_token).await;
    // The phone signed out on SQLite stays signed out.
    let (code, _) = pg.post_refresh(&phone.refresh_token).await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
    assert_eq!(
        pg.me_status(&phone.access_token).await,
        StatusCode::UNAUTHORIZED
    );

    // Every order, with its lines, status and total, as it was shown.
    for (order, before) in orders.iter().zip(&shown) {
        let path = format!("/api/orders/{}", order["id"].as_str().unwrap());
        let (code, after) = pg.get_auth(&path, &staff.access_token).await;
        assert_eq!(code, StatusCode::OK, "{after}");
        assert_eq!(&after, before);
    }

    // A stream from the old cursor has nothing to replay (and no reset:
    // the cursor is this database's), then hears the next order, whose
    // event id comes after the cursor.
    let mut live = open_stream(&pg, &staff.access_token, Some(cursor)).await;
    let first = live.next().await;
    assert_eq!(first.event, "ready", "{first:?}");
    assert_eq!(first.data["cursor"], cursor);
    let late = pg
        .order(&refreshed[3].access_token, &two_pints_and_a_negroni(&items))
        .await;
    assert_eq!(late["number"], orders.len() as i64 + 1);
    let heard = live.until("order").await;
    assert_eq!(heard.data["id"], late["id"]);
    let id = heard.id.unwrap();
    assert!(
        id > cursor,
        "new event {id} is not after the cursor {cursor}"
    );
    // A client reconnecting with the cursor it held gets it too.
    let mut again = open_stream(&pg, &staff.access_token, Some(cursor)).await;
    let replayed = again.next().await;
    assert_eq!(replayed.event, "order", "{replayed:?}");
    assert_eq!(replayed.id, Some(id));
}

#[tokio::test]
async fn a_move_refused_or_failed_half_way_leaves_the_target_empty() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (the move's target is PostgreSQL)");
        return;
    }
    let mut bar = spawn_sqlite_app().await;
    let (_, items) = bar.small_menu().await;
    let guest = bar.actor(Role::Customer).await;
    bar.order(&guest.token, &two_pints_and_a_negroni(&items))
        .await;
    bar.stop().await;
    let path = bar.database_url.trim_start_matches("sqlite://").to_owned();
    let opts = sqlx::sqlite::SqliteConnectOptions::new().filename(&path);
    let mut sqlite = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
    let target = Target::new().await;

    // A source behind the target's schema is refused.
    let (newest,): (i64,) = sqlx::query_as("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut sqlite)
        .await
        .unwrap();
    sqlx::query("UPDATE _sqlx_migrations SET success = FALSE WHERE version = $1")
        .bind(newest)
        .execute(&mut sqlite)
        .await
        .unwrap();
    let (ok, _, stderr) = run_move(&bar.database_url, &target.url).await;
    assert!(!ok);
    assert!(
        stderr.contains(&format!("migration(s) {newest} are not applied"))
            && stderr.contains("`taproom-server migrate`"),
        "{stderr}"
    );
    assert!(target.rows().await.values().all(|n| *n == 0));
    sqlx::query("UPDATE _sqlx_migrations SET success = TRUE WHERE version = $1")
        .bind(newest)
        .execute(&mut sqlite)
        .await
        .unwrap();

    // A value PostgreSQL cannot take, in a table copied after others: the
    // rows already inserted go with the transaction.
    sqlx::query("UPDATE orders SET total_cents = 'lots'")
        .execute(&mut sqlite)
        .await
        .unwrap();
    sqlite.close().await.unwrap();
    let (ok, stdout, stderr) = run_move(&bar.database_url, &target.url).await;
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains("cannot copy a value of orders.total_cents"),
        "{stderr}"
    );
    assert!(
        stdout.contains("users: 2 rows"),
        "users went first: {stdout}"
    );
    let rows = target.rows().await;
    assert!(rows.contains_key("orders"), "migrated: {rows:?}");
    assert!(rows.values().all(|n| *n == 0), "{rows:?}");
}

#[tokio::test]
async fn a_move_needs_a_sqlite_source_and_a_postgres_target() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("taproom.db").display());
    let other = format!("sqlite://{}", dir.path().join("other.db").display());
    let postgres = "postgres://taproom@127.0.0.1:1/taproom";
    for (from, to, reason) in [
        (&*sqlite, &*other, "--to must be a PostgreSQL database URL"),
        (
            &*sqlite,
            "mysql://localhost/bar",
            "--to must be a PostgreSQL database URL",
        ),
        (postgres, postgres, "--from must be a SQLite database URL"),
        (
            "taproom.db",
            postgres,
            "--from must be a SQLite database URL",
        ),
    ] {
        let (ok, stdout, stderr) = run_move(from, to).await;
        assert!(!ok, "{from} -> {to}: {stdout}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(reason),
            "{from} -> {to}: {stderr}"
        );
    }
    // A missing source is named, and not created.
    let (ok, _, stderr) = run_move(&sqlite, postgres).await;
    assert!(!ok);
    assert!(stderr.contains("no SQLite database at"), "{stderr}");
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}
