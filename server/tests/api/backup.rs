//! `taproom-server backup FILE`: a consistent copy of a running SQLite
//! database, taken while guests are placing orders, then restored and
//! compared with the original.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use reqwest::StatusCode;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use taproom_server::config::DbArgs;

use crate::bar_helpers::two_pints_and_a_negroni;
use crate::helpers::*;

/// Most orders each loading client places, so the guest's list (capped at
/// 200) shows them all.
const PER_CLIENT: u32 = 40;

fn backup(database_url: &str, file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_taproom-server"))
        .arg("backup")
        .arg(file)
        .env("DATABASE_URL", database_url)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

/// Each order as (number, id, total, status, version, lines, sum of lines).
async fn orders_in(file: &Path) -> Vec<(i64, String, i64, String, i64, i64, i64)> {
    let opts = SqliteConnectOptions::new().filename(file).read_only(true);
    let mut conn = SqliteConnection::connect_with(&opts).await.unwrap();
    sqlx::query_as(
        "SELECT o.number, o.id, o.total_cents, o.status, o.version,
                COUNT(l.position), COALESCE(SUM(l.unit_price_cents * l.quantity), 0)
         FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id
         GROUP BY o.id ORDER BY o.number",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_backup_taken_during_an_order_load_restores_to_a_consistent_database() {
    let mut app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    if on_postgres() {
        // PostgreSQL has pg_dump; the command says so and writes nothing.
        let out = backup(&app.database_url, &file);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("pg_dump"), "{stderr}");
        assert!(!file.exists());
        return;
    }
    let (_, items) = app.small_menu().await;
    let (guest, tokens) = app.customer().await;
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for client_no in 0..4 {
        let client = app.client.clone();
        let url = app.url("/api/orders");
        let token = tokens.access_token.clone();
        let body = two_pints_and_a_negroni(&items);
        let stop = stop.clone();
        load.push(tokio::spawn(async move {
            let mut placed = 0;
            while placed < PER_CLIENT && !stop.load(Ordering::Relaxed) {
                let res = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("Idempotency-Key", format!("load-{client_no}-{placed}"))
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::CREATED);
                placed += 1;
            }
            placed
        }));
    }
    while app.count("orders").await < 12 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let before = app.count("orders").await;
    let (url, target) = (app.database_url.clone(), file.clone());
    let out = tokio::task::spawn_blocking(move || backup(&url, &target))
        .await
        .unwrap();
    let after = app.count("orders").await;
    stop.store(true, Ordering::Relaxed);
    let mut placed = 0;
    for client in load {
        placed += client.await.unwrap();
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("integrity ok"), "{stdout}");

    // An existing file is never overwritten.
    let again = backup(&app.database_url, &file);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    // The copy is one moment of the original: a prefix of its orders, each
    // whole (both lines, adding up to the total), as the original has it.
    let live = app.database_url.trim_start_matches("sqlite://").to_owned();
    app.stop().await;
    let original = orders_in(Path::new(&live)).await;
    let copied = orders_in(&file).await;
    assert_eq!(original.len() as u32, placed);
    assert!(
        (before..=after).contains(&(copied.len() as i64)),
        "{} orders copied, {before} to {after} existed while the backup ran",
        copied.len()
    );
    assert_eq!(copied[..], original[..copied.len()]);
    for (number, _, total, _, _, lines, sum) in &copied {
        assert_eq!((*lines, *sum), (2, *total), "order {number} is whole");
    }

    // Restored (the copy put where a server reads it), the guest signs in
    // and sees exactly the orders of the copy.
    let restored_path = dir.path().join("restored.db");
    std::fs::copy(&file, &restored_path).unwrap();
    let restored_url = format!("sqlite://{}", restored_path.display());
    let restored = spawn_app_with(|s| {
        s.database = DbArgs {
            database_url: Some(restored_url),
        }
        .kind()
        .unwrap();
    })
    .await;
    let (status, body) = restored.post_login(&guest.email, &guest.password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["access_token"].as_str().unwrap();
    let (status, mine) = restored.get_auth("/api/orders/mine", token).await;
    assert_eq!(status, StatusCode::OK);
    let mut numbers: Vec<i64> = mine["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["number"].as_i64().unwrap())
        .collect();
    numbers.sort_unstable();
    let expected: Vec<i64> = copied.iter().map(|o| o.0).collect();
    assert_eq!(numbers, expected);
}
