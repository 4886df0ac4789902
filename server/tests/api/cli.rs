//! The binary itself: configuration errors, the `create-user` and `migrate`
//! commands, HTTPS, graceful shutdown and what reaches the logs.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

const SECRET: &str = "a-test-secret-that-is-long-enough-0123456789";

fn server() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_taproom-server"));
    for var in [
        "DATABASE_URL",
        "TAPROOM_JWT_SECRET",
        "TAPROOM_BIND",
        "RUST_LOG",
        "TAPROOM_LOG_FORMAT",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

#[test]
fn invalid_configuration_stops_start_up_with_a_one_line_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[("TAPROOM_ACCESS_TTL", "banana")],
            "must start with a whole number",
        ),
        (&[("TAPROOM_JWT_SECRET", "too-short")], "at least 32 bytes"),
        (
            &[("TAPROOM_ACCESS_TTL", "2h"), ("TAPROOM_REFRESH_TTL", "1h")],
            "TAPROOM_REFRESH_TTL must be longer",
        ),
        (
            &[("DATABASE_URL", "mysql://localhost/x")],
            "must start with sqlite:// or postgres://",
        ),
        (&[("TAPROOM_LOGIN_RATE_IP", "lots")], "must look like 30/1m"),
    ];
    for (env, reason) in cases {
        let mut cmd = server();
        cmd.args(["serve", "--bind", "127.0.0.1:0"])
            .env("DATABASE_URL", &db);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        assert!(!out.status.success(), "{env:?} started");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("error:") && first.contains(reason),
            "{env:?}: {stderr}"
        );
    }
}

#[tokio::test]
async fn create_user_reads_the_password_from_stdin_never_from_arguments() {
    let app = spawn_app().await;
    let create = |email: &str, role: &str, password: &str| {
        let mut child = server()
            .args([
                "create-user",
                "--email",
                email,
                "--name",
                "Ann Bar",
                "--role",
                role,
            ])
            .env("DATABASE_URL", &app.database_url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let out = create("Ann@Bar.test", "bartender", "a long enough password");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Created bartender ann@bar.test"));
    let (status, body) = app
        .post_login("ann@bar.test", "a long enough password")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["role"], "bartender");

    for (email, role, password, reason) in [
        (
            "ann@bar.test",
            "bartender",
            "a long enough password",
            "already exists",
        ),
        (
            "bob@bar.test",
            "wizard",
            "a long enough password",
            "--role must be",
        ),
        ("bob@bar.test", "admin", "short", "at least 8 characters"),
        (
            "not-an-email",
            "admin",
            "a long enough password",
            "does not look like an e-mail",
        ),
    ] {
        let out = create(email, role, password);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && stderr.contains(reason),
            "{email} {role}: {stderr}"
        );
    }
    assert_eq!(app.count("users").await, 1);
}

#[test]
fn migrate_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("nested/dir/t.db").display());
    for _ in 0..2 {
        let out = server()
            .arg("migrate")
            .env("DATABASE_URL", &db)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("Migrations applied."));
    }
}

#[tokio::test]
async fn https_is_served_with_a_certificate_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert_path = dir.path().join("cert.pem");
    let key_path = dir.path().join("key.pem");
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let (c, k) = (cert_path.clone(), key_path.clone());
    let app = spawn_app_with(move |s| s.tls = Some((c, k))).await;
    let port = app.base.rsplit(':').next().unwrap();
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert.cert.pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let res = client
        .get(format!("https://localhost:{port}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    // Plain HTTP on the TLS port gets no answer.
    assert!(reqwest::get(format!("http://localhost:{port}/healthz"))
        .await
        .is_err());
}

/// Starts the binary on a fresh SQLite file with logs at `level` on stderr.
fn start_logged(level: &str, dir: &std::path::Path) -> (std::process::Child, String) {
    start_logged_as(level, "text", dir)
}

/// The same, with logs in `format` (`TAPROOM_LOG_FORMAT`).
fn start_logged_as(
    level: &str,
    format: &str,
    dir: &std::path::Path,
) -> (std::process::Child, String) {
    let mut child = server()
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("TAPROOM_LOG_FORMAT", format)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.join("t.db").display()),
        )
        .env("TAPROOM_JWT_SECRET", SECRET)
        .env("RUST_LOG", level)
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(dir.join("stderr.log")).unwrap())
        .spawn()
        .unwrap();
    let base = wait_for_banner(&mut child);
    (child, base)
}

#[tokio::test]
async fn logs_carry_request_ids_but_never_tokens_or_passwords() {
    logs_of_a_sign_in_and_refresh("text").await;
}

#[tokio::test]
async fn json_logs_are_one_object_per_line_with_the_request_id_on_each_line_of_a_request() {
    let logs = logs_of_a_sign_in_and_refresh("json").await;
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert!(lines.len() >= 4, "{logs}");
    for line in &lines {
        assert!(
            line["timestamp"].is_string() && line["level"].is_string(),
            "{line}"
        );
    }
    // Every line logged inside the request that named its id carries it,
    // and there is more than one such line (the request and its response).
    let tagged: Vec<_> = lines
        .iter()
        .filter(|l| l["span"]["request_id"] == "req-visible-in-logs")
        .collect();
    assert!(tagged.len() >= 2, "{logs}");
    // Every line of any request has an id.
    for line in lines.iter().filter(|l| l["span"]["name"] == "request") {
        assert!(
            line["span"]["request_id"]
                .as_str()
                .is_some_and(|id| !id.is_empty()),
            "{line}"
        );
    }
}

#[test]
fn an_unknown_log_format_stops_start_up() {
    let out = server()
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("TAPROOM_LOG_FORMAT", "xml")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: TAPROOM_LOG_FORMAT must be text or json"),
        "{stderr}"
    );
}

/// Registers, refreshes, reads `/me` with a request id and fails a login,
/// with debug logs in `format`; checks no secret reached them and answers
/// them.
async fn logs_of_a_sign_in_and_refresh(format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, base) = start_logged_as("debug", format, dir.path());
    let client = reqwest::Client::new();
    let password = "the-password-we-look-for";
    let res = client
        .post(format!("{base}/api/auth/register"))
        .json(&json!({"email": "log@bar.test", "password": password, "name": "Log"}))
        .send()
        .await
        .unwrap();
    let (status, tokens) = status_json(res).await;
    assert_eq!(status, StatusCode::CREATED);
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let res = client
        .post(format!("{base}/api/auth/refresh"))
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .unwrap();
    let (_, renewed) = status_json(res).await;
    client
        .get(format!("{base}/api/auth/me"))
        .bearer_auth(&access)
        .header("x-request-id", "req-visible-in-logs")
        .send()
        .await
        .unwrap();
    client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": "log@bar.test", "password": "wrong-password-we-look-for"}))
        .send()
        .await
        .unwrap();
    // Each response is logged before it is sent, so the logs are complete.
    let _ = child.kill();
    let _ = child.wait();
    let logs = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap();
    assert!(
        logs.contains("req-visible-in-logs"),
        "requests are logged with their id:\n{logs}"
    );
    let new_refresh = renewed["refresh_token"].as_str().unwrap();
    for secret in [
        password,
        "wrong-password-we-look-for",
        SECRET,
        &access,
        &refresh,
        new_refresh,
    ] {
        assert!(!logs.contains(secret), "a secret reached the logs");
        for part in secret.split('.').filter(|p| p.len() > 20) {
            assert!(!logs.contains(part), "part of a token reached the logs");
        }
    }
    logs
}

#[test]
fn sigterm_finishes_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let (child, _) = start_logged("info", dir.path());
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit: {:?}", out.status);
    let logs = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap();
    assert!(logs.contains("shutting down"), "{logs}");
}

#[tokio::test]
async fn without_a_secret_one_is_generated_kept_private_and_reused() {
    let dir = tempfile::tempdir().unwrap();
    let start = || {
        let mut child = server()
            .args(["serve", "--bind", "127.0.0.1:0", "--demo"])
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.path().join("t.db").display()),
            )
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.path().join("stderr.log")).unwrap())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut printed = Vec::new();
        let base = loop {
            let line = lines.next().expect("server exited").unwrap();
            printed.push(line.clone());
            if line.starts_with("Press Ctrl-C") {
                break printed[0]
                    .strip_prefix("Taproom is listening on ")
                    .unwrap()
                    .to_owned();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        (child, base, printed.join("\n"))
    };
    let (mut first, base, banner) = start();
    for email in [
        "admin@taproom.test",
        "bartender@taproom.test",
        "customer@taproom.test",
    ] {
        assert!(banner.contains(email), "{banner}");
    }
    assert!(banner.contains("taproom-demo"));
    let logs = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap();
    assert_eq!(
        logs.matches("generated one").count(),
        1,
        "warned once: {logs}"
    );
    let secret_file = dir.path().join("jwt-secret");
    let secret = std::fs::read_to_string(&secret_file).unwrap();
    assert!(secret.len() >= 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let client = reqwest::Client::new();
    let res = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": "customer@taproom.test", "password": "taproom-demo"}))
        .send()
        .await
        .unwrap();
    let (status, tokens) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let _ = first.kill();
    let _ = first.wait();

    // A restart signs with the same secret: the old token still works.
    let (mut second, base, _) = start();
    assert_eq!(std::fs::read_to_string(&secret_file).unwrap(), secret);
    let logs = std::fs::read_to_string(dir.path().join("stderr.log")).unwrap();
    assert!(
        !logs.contains("generated one"),
        "no new secret on restart: {logs}"
    );
    let me = client
        .get(format!("{base}/api/auth/me"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let _ = second.kill();
    let _ = second.wait();
}
