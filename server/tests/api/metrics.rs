//! `/metrics`: Prometheus' text format on its own address, never on the
//! public one, counting what the server did; checked by Prometheus' own
//! `promtool`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;

/// A `taproom-server` process with metrics on, and its two addresses.
struct Server {
    child: Child,
    base: String,
    metrics: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(database_url: &str, env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_taproom-server"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", database_url)
        .env("TAPROOM_JWT_SECRET", taproom_server::crypto::random_hex(32))
        .env("TAPROOM_METRICS_BIND", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start taproom-server");
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let (mut base, mut metrics) = (None, None);
    for line in lines.by_ref() {
        let line = line.expect("banner line");
        if let Some(url) = line.strip_prefix("Taproom is listening on ") {
            base = Some(url.trim().to_owned());
        } else if let Some(rest) = line.trim().strip_prefix("Metrics:") {
            metrics = rest.split_whitespace().next().map(str::to_owned);
        } else if line.starts_with("Press Ctrl-C") {
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    Server {
        child,
        base: base.expect("the server printed its address"),
        metrics: metrics.expect("the server printed its metrics address"),
    }
}

/// The value of the series `series` (name and labels exactly as printed).
fn value(body: &str, series: &str) -> Option<f64> {
    body.lines().filter(|l| !l.starts_with('#')).find_map(|l| {
        l.strip_prefix(series)?
            .strip_prefix(' ')?
            .trim()
            .parse()
            .ok()
    })
}

async fn post(client: &reqwest::Client, url: String, body: &Value) -> (StatusCode, Value) {
    status_json(client.post(url).json(body).send().await.unwrap()).await
}

#[tokio::test]
async fn metrics_count_what_happened_pass_promtool_and_stay_off_the_public_address() {
    // The schema and a user come first; the process shares the database.
    let app = spawn_app().await;
    let user = app.create_user(shared::api::Role::Customer).await;
    let server = start(
        &app.database_url,
        &[
            ("TAPROOM_REUSE_GRACE", "0s"),
            ("TAPROOM_LOGIN_RATE_IP", "4/1m"),
        ],
    );
    let client = reqwest::Client::new();
    let api = |path: &str| format!("{}{path}", server.base);
    let login = json!({"email": user.email, "password": user.password});

    // One good sign-in, one wrong password, a refresh, and the rotated
    // token presented again: reuse, which revokes the session.
    let (status, tokens) = post(&client, api("/api/auth/login"), &login).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let wrong = json!({"email": user.email, "password": "not the password"});
    assert_eq!(
        post(&client, api("/api/auth/login"), &wrong).await.0,
        StatusCode::UNAUTHORIZED
    );
    let first = tokens["refresh_token"].as_str().unwrap().to_owned();
    let (status, body) = post(
        &client,
        api("/api/auth/refresh"),
        &json!({"refresh_token": first}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = post(
        &client,
        api("/api/auth/refresh"),
        &json!({"refresh_token": first}),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A second session, with a live stream open while we scrape.
    let (status, tokens) = post(&client, api("/api/auth/login"), &login).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let stream = client
        .get(api("/api/events"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    // The address's fifth sign-in in a minute is refused.
    let (status, _) = post(&client, api("/api/auth/login"), &login).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = post(&client, api("/api/auth/login"), &login).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);

    // Not on the public listener.
    let public = client.get(api("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), StatusCode::NOT_FOUND);
    assert!(!public.text().await.unwrap().contains("taproom_"));

    let res = client.get(&server.metrics).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let body = res.text().await.unwrap();
    let expect = |series: &str, want: f64| {
        assert_eq!(value(&body, series), Some(want), "{series} in:\n{body}");
    };
    expect("taproom_logins_total{outcome=\"ok\"}", 3.0);
    expect("taproom_logins_total{outcome=\"failed\"}", 1.0);
    expect("taproom_refreshes_total{outcome=\"rotated\"}", 1.0);
    expect("taproom_refresh_reuse_detected_total", 1.0);
    expect("taproom_sessions_revoked_total", 1.0);
    expect("taproom_rate_limit_refusals_total{limit=\"login_ip\"}", 1.0);
    expect("taproom_sessions_active", 2.0);
    expect("taproom_event_streams_open", 1.0);
    expect(
        "taproom_http_requests_total{method=\"POST\",route=\"/api/auth/login\",status=\"200\"}",
        3.0,
    );
    expect(
        "taproom_http_requests_total{method=\"POST\",route=\"/api/auth/login\",status=\"429\"}",
        1.0,
    );
    // Four logins and a wrong one were checked by the hashing threads.
    expect("taproom_password_hash_wait_seconds_count", 4.0);
    for present in [
        "taproom_http_request_duration_seconds_bucket{method=\"POST\",route=\"/api/auth/refresh\",status=\"200\",le=\"+Inf\"} 1",
        "taproom_password_hash_queue_depth 0",
        "taproom_db_pool_connections{pool=",
        "# HELP taproom_sessions_active ",
        "# TYPE taproom_http_request_duration_seconds histogram",
        "# TYPE taproom_rotation_batch_size histogram",
        "taproom_rotation_batch_size_bucket{le=\"1\"}",
    ] {
        assert!(body.contains(present), "{present} missing in:\n{body}");
    }
    // No token ever makes it into a label.
    assert!(!body.contains(&first) && !body.contains(&access));
    drop(stream);

    // Prometheus' own linter accepts the exposition as it is.
    let mut promtool = match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            panic!("promtool is needed for this test (Debian: apt-get install prometheus): {e}")
        }
    };
    promtool
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = promtool.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "promtool check metrics: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn metrics_are_off_unless_an_address_is_set() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
