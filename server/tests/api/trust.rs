//! No way around a revocation: logins racing a change of credentials, live
//! streams after their session ends, stream and ticket limits, the client
//! address behind a proxy, the session cache after its listener comes
//! back, and an account lock that a stranger cannot turn into a weapon.
//! (The client's 401 retry is in `session_manager.rs`.)

use std::future::Future;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared::api::Role;
use taproom_server::config::Rate;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::bar_helpers::*;
use crate::helpers::*;

fn rate(count: u32, secs: u64) -> Option<Rate> {
    Some(Rate {
        count,
        period: Duration::from_secs(secs),
    })
}

/// Rows in `user_sessions` of the user with this e-mail, ended or not.
async fn session_rows_of(app: &TestApp, email: &str) -> i64 {
    app.count(&format!(
        "user_sessions WHERE user_id = (SELECT id FROM users WHERE email = '{email}')"
    ))
    .await
}

/// Starts a login for `user` and holds it right after it read the user and
/// before its password is checked; runs `change` meanwhile; then lets the
/// login go on and returns its answer.
async fn login_held_across(
    app: &TestApp,
    user: &TestUser,
    change: impl Future<Output = ()>,
) -> (StatusCode, Value) {
    let mut hold = app.hasher.hold_next();
    let request = app
        .client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": user.email, "password": user.password}))
        .send();
    let login = tokio::spawn(request);
    hold.reached().await;
    change.await;
    hold.release();
    status_json(login.await.unwrap().unwrap()).await
}

#[tokio::test]
async fn a_login_that_checked_the_password_before_an_admin_reset_opens_no_session() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let user = app.create_user(Role::Bartender).await;
    let (_, found) = app
        .get_auth(&format!("/api/admin/users?q={}", user.email), &admin.token)
        .await;
    let id = found["users"][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = login_held_across(&app, &user, async {
        let (status, body) = app
            .post_auth(
                &format!("/api/admin/users/{id}/password"),
                &admin.token,
                &json!({"password": "the admin's new one"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    })
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    assert_eq!(session_rows_of(&app, &user.email).await, 0);
    // The new password works.
    assert_eq!(
        app.post_login(&user.email, "the admin's new one").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_login_that_checked_the_password_before_a_change_opens_no_session() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let here = app.login(&user).await;
    let (status, body) = login_held_across(&app, &user, async {
        let (status, body) = app
            .post_auth(
                "/api/auth/password",
                &here.access_token,
                &json!({"current_password": user.password, "new_password": "changed it just now"}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    })
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    // Only the session that changed the password exists.
    assert_eq!(session_rows_of(&app, &user.email).await, 1);
    assert_eq!(app.me_status(&here.access_token).await, StatusCode::OK);
}

#[tokio::test]
async fn a_login_that_read_an_active_account_before_a_deactivation_opens_no_session() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let user = app.create_user(Role::Customer).await;
    let (_, found) = app
        .get_auth(&format!("/api/admin/users?q={}", user.email), &admin.token)
        .await;
    let id = found["users"][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = login_held_across(&app, &user, async {
        let (status, body) = app
            .post_auth(
                &format!("/api/admin/users/{id}/deactivate"),
                &admin.token,
                &json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    })
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    );
    assert_eq!(session_rows_of(&app, &user.email).await, 0);
}

/// A live stream read through a socket with a small receive buffer, so the
/// server's writes block as soon as the client stops reading.
struct RawStream {
    socket: tokio::net::TcpStream,
    raw: Vec<u8>,
}

impl RawStream {
    async fn open(app: &TestApp, token: &str) -> RawStream {
        let addr: std::net::SocketAddr = app.base.trim_start_matches("http://").parse().unwrap();
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(2048).unwrap();
        let mut socket = socket.connect(addr).await.unwrap();
        let request = format!(
            "GET /api/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\n\
             Accept: text/event-stream\r\n\r\n"
        );
        socket.write_all(request.as_bytes()).await.unwrap();
        let mut stream = RawStream {
            socket,
            raw: Vec::new(),
        };
        stream.read_until("event: ready").await;
        assert!(
            stream.text().starts_with("HTTP/1.1 200"),
            "{}",
            stream.text()
        );
        stream
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    async fn read_until(&mut self, marker: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !self.text().contains(marker) {
            let mut buf = [0u8; 4096];
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.socket.read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => self.raw.extend_from_slice(&buf[..n]),
                _ => panic!("no {marker:?} on the stream; got:\n{}", self.text()),
            }
        }
    }

    /// Reads until the server closes the stream; the events it sent, in order.
    async fn events_until_closed(mut self) -> Vec<Sse> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let mut buf = [0u8; 65536];
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.socket.read(&mut buf)).await {
                Ok(Ok(0)) => break,
                Ok(Ok(n)) => {
                    self.raw.extend_from_slice(&buf[..n]);
                    // The chunked body ends with an empty chunk.
                    if self.raw.ends_with(b"\r\n0\r\n\r\n") {
                        break;
                    }
                }
                Ok(Err(e)) => panic!("reading the stream failed: {e}"),
                Err(_) => panic!("the stream did not close; got:\n{}", self.text()),
            }
        }
        sse_events(&dechunk(&self.raw))
    }
}

/// The body of a chunked HTTP/1.1 response (headers dropped).
fn dechunk(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let (_, mut rest) = text.split_once("\r\n\r\n").expect("a response head");
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

fn sse_events(body: &str) -> Vec<Sse> {
    body.split("\n\n").filter_map(parse_block).collect()
}

#[tokio::test]
async fn streams_that_stopped_reading_get_nothing_from_after_a_deactivation() {
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.create_user(Role::Bartender).await;
    // Four of the bartender's devices, each with a stream that reads
    // until `ready` and then not at all.
    let mut streams = Vec::new();
    for _ in 0..4 {
        let tokens = app.login(&bartender).await;
        streams.push(RawStream::open(&app, &tokens.access_token).await);
    }
    // Enough orders before the deactivation to fill the streams' buffers.
    let mut before = Vec::new();
    for _ in 0..120 {
        let order = app
            .order(&customer.token, &two_pints_and_a_negroni(&items))
            .await;
        before.push(order["id"].as_str().unwrap().to_owned());
    }
    let (_, found) = app
        .get_auth(
            &format!("/api/admin/users?q={}", bartender.email),
            &admin.token,
        )
        .await;
    let id = found["users"][0]["id"].as_str().unwrap().to_owned();
    let (status, body) = app
        .post_auth(
            &format!("/api/admin/users/{id}/deactivate"),
            &admin.token,
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut after = Vec::new();
    for _ in 0..20 {
        let order = app
            .order(&customer.token, &two_pints_and_a_negroni(&items))
            .await;
        after.push(order["id"].as_str().unwrap().to_owned());
    }
    for (n, stream) in streams.into_iter().enumerate() {
        let events = stream.events_until_closed().await;
        let end = events
            .iter()
            .position(|e| e.event == "session_ended")
            .unwrap_or_else(|| panic!("stream {n} never said session_ended"));
        for event in &events[..end] {
            let order = event.data["id"].as_str().unwrap_or_default();
            assert!(
                !after.iter().any(|a| a == order),
                "stream {n} sent an order placed after the deactivation"
            );
        }
        assert_eq!(
            end + 1,
            events.len(),
            "stream {n} went on after session_ended"
        );
    }
}

#[tokio::test]
async fn a_revoked_session_ends_its_stream_before_the_next_event() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.create_user(Role::Bartender).await;
    for _ in 0..3 {
        let tokens = app.login(&bartender).await;
        let mut stream = open_stream(&app, &tokens.access_token, None).await;
        stream.until("ready").await;
        let (status, _) = app
            .post(
                "/api/auth/logout",
                &json!({"refresh_token": tokens.refresh_token}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        // An order at once: the stream must not carry it.
        app.order(&customer.token, &two_pints_and_a_negroni(&items))
            .await;
        assert_eq!(stream.next().await.event, "session_ended");
        assert!(stream.ends_within(Duration::from_secs(5)).await);
    }
}

#[tokio::test]
async fn streams_are_capped_per_session_and_per_user() {
    let app = spawn_app_with(|s| {
        s.streams_per_session = 2;
        s.streams_per_user = 3;
    })
    .await;
    let user = app.create_user(Role::Customer).await;
    let one = app.login(&user).await;
    let two = app.login(&user).await;
    let mut open = Vec::new();
    for _ in 0..2 {
        let mut s = open_stream(&app, &one.access_token, None).await;
        s.until("ready").await;
        open.push(s);
    }
    let refused = |token: String| {
        let app = &app;
        async move {
            let res = app
                .client
                .get(app.url("/api/events"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(res.headers()["retry-after"], "5");
            let (status, body) = status_json(res).await;
            assert_error(
                status,
                &body,
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_streams",
            );
        }
    };
    refused(one.access_token.clone()).await;
    // Another session of the user: one more, up to the user's three.
    let mut third = open_stream(&app, &two.access_token, None).await;
    third.until("ready").await;
    refused(two.access_token.clone()).await;
    // A stream that closes gives its place back.
    drop(open.pop());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let res = app
            .client
            .get(app.url("/api/events"))
            .bearer_auth(&two.access_token)
            .send()
            .await
            .unwrap();
        if res.status() == StatusCode::OK {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the closed stream's place was not given back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn stream_tickets_are_rate_limited_per_session() {
    let app = spawn_app_with(|s| s.ticket_rate = rate(3, 60)).await;
    let customer = app.actor(Role::Customer).await;
    let other = app.actor(Role::Customer).await;
    for _ in 0..3 {
        let (status, _) = app
            .post_auth("/api/events/ticket", &customer.token, &json!({}))
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let res = app
        .client
        .post(app.url("/api/events/ticket"))
        .bearer_auth(&customer.token)
        .send()
        .await
        .unwrap();
    assert!(res.headers().contains_key("retry-after"));
    let (status, body) = status_json(res).await;
    assert_error(status, &body, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let (status, _) = app
        .post_auth("/api/events/ticket", &other.token, &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "another session is not limited");
    app.clock.advance(Duration::from_secs(20));
    let (status, _) = app
        .post_auth("/api/events/ticket", &customer.token, &json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// Signs in with `X-Forwarded-For: xff` and returns the address the
/// server recorded for the new session.
async fn address_seen(app: &TestApp, user: &TestUser, xff: &str) -> Value {
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", xff)
        .json(&json!({"email": user.email, "password": user.password}))
        .send()
        .await
        .unwrap();
    let (status, tokens) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    let access = tokens["access_token"].as_str().unwrap();
    let (_, sessions) = app.get_auth("/api/auth/sessions", access).await;
    let current = sessions["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["is_current"] == true)
        .unwrap()
        .clone();
    current["ip_address"].clone()
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_client_is_the_first_untrusted_hop_from_the_right() {
    let app = spawn_app_with(|s| {
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap()];
        s.max_sessions = 100;
    })
    .await;
    let user = app.create_user(Role::Customer).await;
    for (xff, seen) in [
        // The client wrote the left entry itself; our proxy appended the right one.
        ("6.6.6.6, 203.0.113.9", json!("203.0.113.9")),
        ("6.6.6.6, 203.0.113.9:4711", json!("203.0.113.9")),
        ("6.6.6.6, [2001:db8::7]:443", json!("2001:db8::7")),
        ("6.6.6.6, 203.0.113.9, 10.0.0.2", json!("203.0.113.9")),
        (
            "6.6.6.6, 203.0.113.9, ::ffff:10.0.0.2",
            json!("203.0.113.9"),
        ),
        ("6.6.6.6, ::ffff:203.0.113.9", json!("203.0.113.9")),
        // Unreadable: the address is unknown, never the spoofable entry left of it.
        ("6.6.6.6, unknown", Value::Null),
        ("6.6.6.6, unknown, 10.0.0.2", Value::Null),
    ] {
        assert_eq!(address_seen(&app, &user, xff).await, seen, "{xff}");
    }
    // Without a trusted proxy the header is ignored.
    let plain = spawn_app().await;
    let user = plain.create_user(Role::Customer).await;
    assert_eq!(
        address_seen(&plain, &user, "203.0.113.9").await,
        json!("127.0.0.1")
    );
}

#[tokio::test]
async fn a_read_from_before_the_listener_came_back_does_not_cache_a_revoked_session() {
    if !on_postgres() {
        eprintln!("skipped: the revocation listener exists on PostgreSQL only");
        return;
    }
    let app = spawn_app().await;
    let (_, tokens) = app.customer().await;
    let sid = sid_of(&tokens.access_token);
    let taproom_server::db::Db::Postgres(pool) = &app.db else {
        unreachable!()
    };
    let listener_pid = || async {
        sqlx::query_scalar::<_, i32>(
            "SELECT pid FROM pg_stat_activity
             WHERE datname = current_database() AND application_name LIKE 'taproom-listener:%'",
        )
        .fetch_optional(pool)
        .await
        .unwrap()
    };
    // A request reads the session (active) and is held before it caches it.
    let mut hold = app.sessions.hold_next_cache_fill();
    let me = tokio::spawn(
        app.client
            .get(app.url("/api/auth/me"))
            .bearer_auth(&tokens.access_token)
            .send(),
    );
    hold.reached().await;
    // The listening connection drops and comes back.
    let old = listener_pid().await.expect("a listener");
    sqlx::query("SELECT pg_terminate_backend($1)")
        .bind(old)
        .execute(pool)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while listener_pid().await.is_none_or(|pid| pid == old) || !app.sessions.cache_trusted() {
        assert!(Instant::now() < deadline, "the listener did not come back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Meanwhile another instance ended the session; its notice was lost
    // with the connection.
    sqlx::query(
        "UPDATE user_sessions SET is_active = FALSE, revoked_at = 1, revoked_reason = 'revoked_by_user'
         WHERE id = $1",
    )
    .bind(&sid)
    .execute(pool)
    .await
    .unwrap();
    hold.release();
    // The held request answers from what it read before the revocation...
    assert_eq!(me.await.unwrap().unwrap().status(), StatusCode::OK);
    // ...but that read must not have been cached.
    assert_eq!(
        app.me_status(&tokens.access_token).await,
        StatusCode::UNAUTHORIZED
    );
}

/// A login from `network` (as `X-Forwarded-For` behind our proxy).
async fn login_from(app: &TestApp, email: &str, password: &str, network: &str) -> StatusCode {
    app.client
        .post(app.url("/api/auth/login"))
        .header("x-forwarded-for", network)
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_strangers_guesses_lock_their_network_out_not_the_owner() {
    let app = spawn_app_with(|s| {
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        s.login_rate_ip = None;
        s.login_rate_account = rate(3, 900);
        s.login_slowdown = rate(100, 900);
    })
    .await;
    let user = app.create_user(Role::Customer).await;
    let attacker = "198.51.100.7";
    for _ in 0..3 {
        assert_eq!(
            login_from(&app, &user.email, "a guess", attacker).await,
            StatusCode::UNAUTHORIZED
        );
    }
    // The attacker's network is locked out of the account, right password or not...
    assert_eq!(
        login_from(&app, &user.email, "another guess", attacker).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_from(&app, &user.email, &user.password, attacker).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ...and the owner, elsewhere, is not: a typo first, then in.
    let home = "203.0.113.20";
    assert_eq!(
        login_from(&app, &user.email, "typo", home).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        login_from(&app, &user.email, &user.password, home).await,
        StatusCode::OK
    );
    // An IPv6 attacker is one network per /64, however many addresses.
    for host in ["1", "2", "3"] {
        assert_eq!(
            login_from(
                &app,
                &user.email,
                "v6 guess",
                &format!("2001:db8:5:6::{host}")
            )
            .await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login_from(&app, &user.email, "v6 guess", "2001:db8:5:6:ffff::9").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_from(&app, &user.email, &user.password, "2001:db8:5:7::1").await,
        StatusCode::OK
    );
    // An unknown account is locked the same way (no enumeration).
    for _ in 0..3 {
        login_from(&app, "nobody@taproom.test", "a guess", attacker).await;
    }
    assert_eq!(
        login_from(&app, "nobody@taproom.test", "a guess", attacker).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn guesses_from_many_networks_slow_the_account_down_and_never_lock_it() {
    let app = spawn_app_with(|s| {
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
        s.login_rate_ip = None;
        s.login_rate_account = rate(3, 900);
        s.login_slowdown = rate(4, 900);
    })
    .await;
    let user = app.create_user(Role::Customer).await;
    // A guess from each of four networks: the budget is spent, nobody is locked.
    for n in 1..=4 {
        assert_eq!(
            login_from(&app, &user.email, "a guess", &format!("198.51.100.{n}")).await,
            StatusCode::UNAUTHORIZED
        );
    }
    // Beyond the budget every attempt waits first (1 s, then 2 s, ...).
    let started = Instant::now();
    assert_eq!(
        login_from(&app, &user.email, "a guess", "198.51.100.5").await,
        StatusCode::UNAUTHORIZED
    );
    assert!(started.elapsed() >= Duration::from_secs(1), "no slowdown");
    // The owner waits too, and gets in: slowed, never refused.
    let started = Instant::now();
    assert_eq!(
        login_from(&app, &user.email, &user.password, "203.0.113.20").await,
        StatusCode::OK
    );
    assert!(started.elapsed() >= Duration::from_secs(2), "no slowdown");
    // Another account is not slowed down.
    let other = app.create_user(Role::Customer).await;
    let started = Instant::now();
    assert_eq!(
        login_from(&app, &other.email, &other.password, "198.51.100.5").await,
        StatusCode::OK
    );
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn forged_tokens_are_refused_over_http_with_json() {
    use base64::Engine;
    let app = spawn_app().await;
    let (_, tokens) = app.customer().await;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let parts: Vec<&str> = tokens.access_token.split('.').collect();
    let claims = claims_of(&tokens.access_token);
    let mut admin = claims.clone();
    admin["role"] = json!("admin");
    let huge = format!("{}.{}.{}", parts[0], "A".repeat(64 * 1024), parts[2]);
    let cases = [
        (
            "alg none",
            format!("{}.{}.", b64(r#"{"alg":"none","typ":"JWT"}"#), parts[1]),
        ),
        (
            "a changed payload",
            format!("{}.{}.{}", parts[0], b64(&admin.to_string()), parts[2]),
        ),
        (
            "a key id",
            format!(
                "{}.{}.{}",
                b64(r#"{"alg":"HS256","typ":"JWT","kid":"../../dev/null"}"#),
                parts[1],
                parts[2]
            ),
        ),
        ("64 KiB", huge.clone()),
    ];
    for (what, token) in cases {
        let (status, body) = app.get_auth("/api/auth/me", &token).await;
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_token");
        let _ = what;
    }
    // As a refresh token in a body just under the size limit.
    let huge_refresh = "A".repeat(60 * 1024);
    let (status, body) = app
        .post("/api/auth/refresh", &json!({"refresh_token": huge_refresh}))
        .await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "invalid_token");
    // The real token still works.
    let (status, _) = app
        .send_auth(Method::GET, "/api/auth/me", &tokens.access_token, None)
        .await;
    assert_eq!(status, StatusCode::OK);
}
