//! Several server processes sharing one PostgreSQL database: a revocation
//! through one reaches the others before their next request. Runs when
//! `TEST_DATABASE_URL` is set (SQLite is a single-instance store).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use serde_json::json;
use shared::api::Role;

use crate::helpers::*;

/// A `taproom-server` child process.
struct Process {
    child: Child,
    base: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_process(database_url: &str, secret: &str) -> Process {
    let mut child = Command::new(env!("CARGO_BIN_EXE_taproom-server"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", database_url)
        .env("TAPROOM_JWT_SECRET", secret)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start taproom-server");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines.next().expect("server exited early").unwrap();
        if let Some(url) = line.strip_prefix("Taproom is listening on ") {
            break url.trim().to_owned();
        }
    };
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Process { child, base }
}

#[tokio::test]
async fn logout_through_one_process_is_refused_by_another_at_once() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (several instances share PostgreSQL only)");
        return;
    }
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let a = start_process(&app.database_url, &app.secret);
    let b = start_process(&app.database_url, &app.secret);
    let client = reqwest::Client::new();

    for round in 0..5 {
        let (status, body) = status_json(
            client
                .post(format!("{}/api/auth/login", a.base))
                .json(&json!({"email": user.email, "password": user.password}))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let access = body["access_token"].as_str().unwrap().to_owned();
        let refresh = body["refresh_token"].as_str().unwrap().to_owned();
        // B has seen (and cached) the session as active.
        let me = client
            .get(format!("{}/api/auth/me", b.base))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), StatusCode::OK);

        let res = client
            .post(format!("{}/api/auth/logout", a.base))
            .json(&json!({"refresh_token": refresh}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let me = client
            .get(format!("{}/api/auth/me", b.base))
            .bearer_auth(&access)
            .send()
            .await
            .unwrap();
        assert_eq!(
            me.status(),
            StatusCode::UNAUTHORIZED,
            "round {round}: B still accepted a revoked session"
        );
    }

    // logout-all through B reaches A too.
    let login = |base: String| {
        let client = client.clone();
        let body = json!({"email": user.email, "password": user.password});
        async move {
            let res = client
                .post(format!("{base}/api/auth/login"))
                .json(&body)
                .send()
                .await
                .unwrap();
            status_json(res).await.1["access_token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let on_a = login(a.base.clone()).await;
    let on_b = login(b.base.clone()).await;
    let ok = client
        .get(format!("{}/api/auth/me", a.base))
        .bearer_auth(&on_a)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let res = client
        .post(format!("{}/api/auth/logout-all", b.base))
        .bearer_auth(&on_b)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["revoked"], 2, "{body}");
    let me = client
        .get(format!("{}/api/auth/me", a.base))
        .bearer_auth(&on_a)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}
