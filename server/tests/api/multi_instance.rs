//! Several server processes sharing one PostgreSQL database: a revocation
//! through one reaches the others before their next request. Runs when
//! `TEST_DATABASE_URL` is set (SQLite is a single-instance store).

use reqwest::StatusCode;
use serde_json::json;
use shared::api::Role;

use crate::helpers::*;
use crate::processes::{start_process, start_process_with};

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
        let (access, refresh) = login_via(&client, &a.base, &user.email, &user.password).await;
        // B has seen (and cached) the session as active.
        assert_eq!(me_via(&client, &b.base, &access).await, StatusCode::OK);
        let res = client
            .post(format!("{}/api/auth/logout", a.base))
            .json(&json!({"refresh_token": refresh}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            me_via(&client, &b.base, &access).await,
            StatusCode::UNAUTHORIZED,
            "round {round}: B still accepted a revoked session"
        );
    }

    // logout-all through B reaches A too.
    let (on_a, _) = login_via(&client, &a.base, &user.email, &user.password).await;
    let (on_b, _) = login_via(&client, &b.base, &user.email, &user.password).await;
    assert_eq!(me_via(&client, &a.base, &on_a).await, StatusCode::OK);
    let res = client
        .post(format!("{}/api/auth/logout-all", b.base))
        .bearer_auth(&on_b)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["revoked"], 2, "{body}");
    assert_eq!(
        me_via(&client, &a.base, &on_a).await,
        StatusCode::UNAUTHORIZED
    );
}

/// A sign-in attempt through `base`, answered as it came.
async fn login_response(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

/// A refresh through `base`, answered as it came.
async fn refresh_response(
    client: &reqwest::Client,
    base: &str,
    refresh: &str,
) -> reqwest::Response {
    client
        .post(format!("{base}/api/auth/refresh"))
        .json(&json!({ "refresh_token": refresh }))
        .send()
        .await
        .unwrap()
}

/// Signs in through `base`; returns (access, refresh).
async fn login_via(
    client: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> (String, String) {
    let res = login_response(client, base, email, password).await;
    let (status, body) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

async fn me_via(client: &reqwest::Client, base: &str, access: &str) -> StatusCode {
    client
        .get(format!("{base}/api/auth/me"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn every_kind_of_revocation_through_one_process_reaches_another() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (several instances share PostgreSQL only)");
        return;
    }
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let no_grace = [("TAPROOM_REUSE_GRACE", "0")];
    let a = start_process_with(&app.database_url, &app.secret, &no_grace);
    let b = start_process_with(&app.database_url, &app.secret, &no_grace);
    let client = reqwest::Client::new();

    // Reuse detection on A.
    let (access, refresh) = login_via(&client, &a.base, &user.email, &user.password).await;
    assert_eq!(me_via(&client, &b.base, &access).await, StatusCode::OK);
    assert_eq!(
        refresh_response(&client, &a.base, &refresh).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        refresh_response(&client, &a.base, &refresh).await.status(),
        StatusCode::UNAUTHORIZED,
        "the replay is theft"
    );
    assert_eq!(
        me_via(&client, &b.base, &access).await,
        StatusCode::UNAUTHORIZED
    );

    // Signing out a device through B.
    let (here, _) = login_via(&client, &b.base, &user.email, &user.password).await;
    let (there, _) = login_via(&client, &a.base, &user.email, &user.password).await;
    assert_eq!(me_via(&client, &a.base, &there).await, StatusCode::OK);
    let res = client
        .delete(format!("{}/api/auth/sessions/{}", b.base, sid_of(&there)))
        .bearer_auth(&here)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        me_via(&client, &a.base, &there).await,
        StatusCode::UNAUTHORIZED
    );

    // A password change through A ends the other sessions on B.
    let (other, _) = login_via(&client, &b.base, &user.email, &user.password).await;
    assert_eq!(me_via(&client, &b.base, &other).await, StatusCode::OK);
    let res = client
        .post(format!("{}/api/auth/password", a.base))
        .bearer_auth(&here)
        .json(&json!({"current_password": user.password, "new_password": "a brand new secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        me_via(&client, &b.base, &other).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me_via(&client, &b.base, &here).await, StatusCode::OK);
}

async fn listener_count(app: &TestApp) -> i64 {
    let taproom_server::db::Db::Postgres(pool) = &app.db else {
        unreachable!()
    };
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_stat_activity
         WHERE datname = current_database() AND application_name LIKE 'taproom-listener:%'",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_instance_whose_listening_connection_drops_reconnects_and_still_hears_revocations() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (several instances share PostgreSQL only)");
        return;
    }
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let a = start_process(&app.database_url, &app.secret);
    let b = start_process(&app.database_url, &app.secret);
    let client = reqwest::Client::new();
    let (access, refresh) = login_via(&client, &a.base, &user.email, &user.password).await;
    assert_eq!(me_via(&client, &b.base, &access).await, StatusCode::OK);

    // Cut every instance's listening connection, as a network fault would.
    let instances = listener_count(&app).await;
    assert_eq!(instances, 3, "the test app and two processes listen");
    let taproom_server::db::Db::Postgres(pool) = &app.db else {
        unreachable!()
    };
    sqlx::query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND application_name LIKE 'taproom-listener:%'",
    )
    .execute(pool)
    .await
    .unwrap();
    let mut waited = 0;
    while listener_count(&app).await < instances {
        assert!(waited < 200, "the listeners did not come back");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        waited += 1;
    }

    let res = client
        .post(format!("{}/api/auth/logout", a.base))
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        me_via(&client, &b.base, &access).await,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_order_placed_through_one_process_reaches_streams_on_another() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (several instances share PostgreSQL only)");
        return;
    }
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let customer = app.create_user(Role::Customer).await;
    let bartender = app.create_user(Role::Bartender).await;
    let a = start_process(&app.database_url, &app.secret);
    let b = start_process(&app.database_url, &app.secret);
    let client = reqwest::Client::new();
    let (customer_token, _) =
        login_via(&client, &a.base, &customer.email, &customer.password).await;
    let (staff_token, _) = login_via(&client, &b.base, &bartender.email, &bartender.password).await;
    let mut on_b = crate::bar_helpers::Stream::open(
        &client,
        &format!("{}/api/events", b.base),
        &[("authorization", format!("Bearer {staff_token}"))],
    )
    .await;
    let mut mine_on_a = crate::bar_helpers::Stream::open(
        &client,
        &format!("{}/api/events", a.base),
        &[("authorization", format!("Bearer {customer_token}"))],
    )
    .await;
    on_b.until("ready").await;
    mine_on_a.until("ready").await;
    for round in 0..3 {
        let res = client
            .post(format!("{}/api/orders", a.base))
            .bearer_auth(&customer_token)
            .header("Idempotency-Key", format!("round-{round}"))
            .json(&crate::bar_helpers::two_pints_and_a_negroni(&items))
            .send()
            .await
            .unwrap();
        let (status, order) = status_json(res).await;
        assert_eq!(status, StatusCode::CREATED, "{order}");
        let seen = on_b.until("order").await;
        assert_eq!(
            seen.data["id"], order["id"],
            "round {round}: B's stream got A's order"
        );
        // And back: a change through B reaches the customer's stream on A.
        let res = client
            .post(format!(
                "{}/api/orders/{}/status",
                b.base,
                order["id"].as_str().unwrap()
            ))
            .bearer_auth(&staff_token)
            .json(&json!({"status": "preparing", "version": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let received = mine_on_a.until("order").await;
        assert_eq!(received.data["status"], "received");
        let preparing = mine_on_a.until("order").await;
        assert_eq!(preparing.data["status"], "preparing");
        let _ = on_b.until("order").await;
    }
    drop(admin);
}

#[tokio::test]
async fn a_revocation_through_one_process_ends_streams_on_another_before_its_next_event() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (several instances share PostgreSQL only)");
        return;
    }
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let customer = app.create_user(Role::Customer).await;
    let bartender = app.create_user(Role::Bartender).await;
    let a = start_process(&app.database_url, &app.secret);
    let b = start_process(&app.database_url, &app.secret);
    let client = reqwest::Client::new();
    let (customer_token, _) =
        login_via(&client, &a.base, &customer.email, &customer.password).await;
    for round in 0..3 {
        let (staff_token, staff_refresh) =
            login_via(&client, &a.base, &bartender.email, &bartender.password).await;
        let mut on_b = crate::bar_helpers::Stream::open(
            &client,
            &format!("{}/api/events", b.base),
            &[("authorization", format!("Bearer {staff_token}"))],
        )
        .await;
        on_b.until("ready").await;
        let res = client
            .post(format!("{}/api/auth/logout", a.base))
            .json(&json!({"refresh_token": staff_refresh}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        // An order right after the logout answered, through A.
        let res = client
            .post(format!("{}/api/orders", a.base))
            .bearer_auth(&customer_token)
            .header("Idempotency-Key", format!("after-logout-{round}"))
            .json(&crate::bar_helpers::two_pints_and_a_negroni(&items))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let next = on_b.next().await;
        assert_eq!(
            next.event, "session_ended",
            "round {round}: B sent {} before ending the stream",
            next.event
        );
        assert!(on_b.ends_within(std::time::Duration::from_secs(5)).await);
    }
}

#[tokio::test]
async fn a_new_device_alert_reaches_the_users_streams_on_another_process() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (several instances share PostgreSQL only)");
        return;
    }
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let a = start_process(&app.database_url, &app.secret);
    let b = start_process(&app.database_url, &app.secret);
    let client = reqwest::Client::new();
    let (token, _) = login_via(&client, &b.base, &user.email, &user.password).await;
    let mut on_b = crate::bar_helpers::Stream::open(
        &client,
        &format!("{}/api/events", b.base),
        &[("authorization", format!("Bearer {token}"))],
    )
    .await;
    on_b.until("ready").await;
    let res = client
        .post(format!("{}/api/auth/login", a.base))
        .header("user-agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1")
        .json(&json!({"email": user.email, "password": user.password}))
        .send()
        .await
        .unwrap();
    let (status, phone) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{phone}");
    let alert = on_b.until("new_sign_in").await;
    assert_eq!(
        alert.data["session_id"].as_str().unwrap(),
        sid_of(phone["access_token"].as_str().unwrap())
    );
    assert_eq!(alert.data["device"], "Safari 17 on iPhone");
}

#[tokio::test]
async fn failed_guesses_split_across_two_processes_lock_the_account_as_on_one() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (several instances share PostgreSQL only)");
        return;
    }
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let limits = [("TAPROOM_LOGIN_RATE_ACCOUNT", "4/15m")];
    let a = start_process_with(&app.database_url, &app.secret, &limits);
    let b = start_process_with(&app.database_url, &app.secret, &limits);
    let client = reqwest::Client::new();

    // Four wrong guesses, two through each instance: the allowance of one.
    for base in [&a.base, &b.base, &a.base, &b.base] {
        assert_eq!(
            login_response(&client, base, &user.email, "wrong password")
                .await
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // The network is now locked out of the account on both instances,
    // even with the right password.
    for base in [&a.base, &b.base] {
        let res = login_response(&client, base, &user.email, &user.password).await;
        assert!(res.headers().contains_key("retry-after"));
        let (status, body) = status_json(res).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert_eq!(body["error"], "rate_limited", "{body}");
    }
}

#[tokio::test]
async fn request_rates_are_counted_once_for_all_processes() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (several instances share PostgreSQL only)");
        return;
    }
    let app = spawn_app().await;
    let user = app.create_user(Role::Customer).await;
    let limits = [
        ("TAPROOM_REFRESH_RATE", "3/1m"),
        ("TAPROOM_LOGIN_RATE_IP", "4/1m"),
    ];
    let a = start_process_with(&app.database_url, &app.secret, &limits);
    let b = start_process_with(&app.database_url, &app.secret, &limits);
    let client = reqwest::Client::new();

    // One sign-in through A leaves three of the address's four.
    let (_, mut refresh) = login_via(&client, &a.base, &user.email, &user.password).await;
    // A session may refresh three times a minute, wherever it asks.
    for base in [&b.base, &a.base, &b.base] {
        let (status, body) = status_json(refresh_response(&client, base, &refresh).await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        refresh = body["refresh_token"].as_str().unwrap().to_owned();
    }
    assert_eq!(
        refresh_response(&client, &a.base, &refresh).await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    // Sign-ins per address: three more, split, then refused on both.
    for base in [&b.base, &a.base, &b.base] {
        assert_eq!(
            login_response(&client, base, &user.email, &user.password)
                .await
                .status(),
            StatusCode::OK
        );
    }
    for base in [&a.base, &b.base] {
        assert_eq!(
            login_response(&client, base, &user.email, &user.password)
                .await
                .status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
}

#[tokio::test]
async fn a_call_and_a_recall_through_one_process_reach_streams_on_another() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (several instances share PostgreSQL only)");
        return;
    }
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let customer = app.create_user(Role::Customer).await;
    let bartender = app.create_user(Role::Bartender).await;
    let a = start_process(&app.database_url, &app.secret);
    let b = start_process(&app.database_url, &app.secret);
    let client = reqwest::Client::new();
    let (guest, _) = login_via(&client, &a.base, &customer.email, &customer.password).await;
    let (staff, _) = login_via(&client, &b.base, &bartender.email, &bartender.password).await;
    let mut staff_on_b = crate::bar_helpers::Stream::open(
        &client,
        &format!("{}/api/events", b.base),
        &[("authorization", format!("Bearer {staff}"))],
    )
    .await;
    let mut guest_on_a = crate::bar_helpers::Stream::open(
        &client,
        &format!("{}/api/events", a.base),
        &[("authorization", format!("Bearer {guest}"))],
    )
    .await;
    staff_on_b.until("ready").await;
    guest_on_a.until("ready").await;

    // The guest asks for the bill on A; the bartender's board on B shows it,
    // answers it there, and the guest's page on A hears the answer.
    let res = client
        .post(format!("{}/api/calls", a.base))
        .bearer_auth(&guest)
        .json(&json!({"table": "4", "kind": "bill"}))
        .send()
        .await
        .unwrap();
    let (status, call) = status_json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let seen = staff_on_b.until("table_call").await;
    assert_eq!(
        seen.data["id"], call["id"],
        "B's stream got the call made on A"
    );
    let res = client
        .post(format!(
            "{}/api/calls/{}/acknowledge",
            b.base,
            call["id"].as_str().unwrap()
        ))
        .bearer_auth(&staff)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // The guest's own call may come first as it was made; then its answer.
    let answered = loop {
        let event = guest_on_a.until("table_call").await;
        assert_eq!(event.data["id"], call["id"]);
        if event.data["acknowledged_at"].is_string() {
            break event;
        }
    };
    assert_eq!(answered.data["acknowledged_by"], "Test User");

    // An order placed on A, bumped on B, recalled through A: both streams
    // see it go back, in version order.
    let res = client
        .post(format!("{}/api/orders", a.base))
        .bearer_auth(&guest)
        .header("Idempotency-Key", "recall-across")
        .json(&crate::bar_helpers::two_pints_and_a_negroni(&items))
        .send()
        .await
        .unwrap();
    let (status, order) = status_json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let id = order["id"].as_str().unwrap();
    let res = client
        .post(format!("{}/api/orders/{id}/status", b.base))
        .bearer_auth(&staff)
        .json(&json!({"status": "preparing", "version": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = client
        .post(format!("{}/api/orders/{id}/recall", a.base))
        .bearer_auth(&staff)
        .json(&json!({"version": 2}))
        .send()
        .await
        .unwrap();
    let (status, recalled) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{recalled}");
    assert_eq!(recalled["status"], "received");
    assert_eq!(recalled["version"], 3);
    for (who, stream) in [
        ("staff on B", &mut staff_on_b),
        ("guest on A", &mut guest_on_a),
    ] {
        let versions: Vec<(i64, String)> = [
            stream.until("order").await,
            stream.until("order").await,
            stream.until("order").await,
        ]
        .iter()
        .map(|e| {
            (
                e.data["version"].as_i64().unwrap_or_default(),
                e.data["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
        assert_eq!(
            versions,
            [
                (1, "received".to_owned()),
                (2, "preparing".to_owned()),
                (3, "received".to_owned())
            ],
            "{who}"
        );
    }
}

#[tokio::test]
async fn stations_marking_ready_and_a_tab_paid_through_one_process_reach_the_guest_on_another() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (several instances share PostgreSQL only)");
        return;
    }
    let app = spawn_app().await;
    let bar = crate::stations::bar_and_kitchen(&app).await;
    let a = start_process(&app.database_url, &app.secret);
    let b = start_process(&app.database_url, &app.secret);
    let client = reqwest::Client::new();
    let mut guest_on_a = crate::bar_helpers::Stream::open(
        &client,
        &format!("{}/api/events", a.base),
        &[("authorization", format!("Bearer {}", bar.customer.token))],
    )
    .await;
    guest_on_a.until("ready").await;

    // Placed on B; the bar marks its lines on A, the kitchen on B.
    let res = client
        .post(format!("{}/api/orders", b.base))
        .bearer_auth(&bar.customer.token)
        .header("Idempotency-Key", "stations-across")
        .json(&json!({"table": "4", "lines": [
            {"item_id": bar.lager, "quantity": 2},
            {"item_id": bar.nachos, "quantity": 1},
        ]}))
        .send()
        .await
        .unwrap();
    let (status, order) = status_json(res).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    let id = order["id"].as_str().unwrap();
    for (base, station, version, now) in [
        (&a.base, &bar.bar, 1, "preparing"),
        (&b.base, &bar.kitchen, 2, "ready"),
    ] {
        let res = client
            .post(format!("{base}/api/orders/{id}/stations/{station}/ready"))
            .bearer_auth(&bar.bartender.token)
            .json(&json!({ "version": version }))
            .send()
            .await
            .unwrap();
        let (status, moved) = status_json(res).await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_eq!(moved["status"], now);
    }
    // The guest on A hears each step, in order, the last with every line
    // ready.
    let mut seen = Vec::new();
    let last = loop {
        let event = guest_on_a.until("order").await;
        seen.push(event.data["status"].as_str().unwrap_or_default().to_owned());
        if event.data["version"] == 3 {
            break event;
        }
    };
    assert_eq!(seen, ["received", "preparing", "ready"]);
    let lines = last.data["lines"].as_array().unwrap();
    assert!(lines.iter().all(|l| l["ready"] == true), "{lines:?}");

    // The tab is closed on B, split in two; the guest's page on A hears it
    // paid.
    let tab_id = order["tab_id"].as_str().unwrap();
    let res = client
        .get(format!("{}/api/tabs/{tab_id}", b.base))
        .bearer_auth(&bar.bartender.token)
        .send()
        .await
        .unwrap();
    let (status, tab) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{tab}");
    let res = client
        .post(format!("{}/api/tabs/{tab_id}/close", b.base))
        .bearer_auth(&bar.bartender.token)
        .json(&json!({
            "version": tab["version"],
            "confirm_open_orders": true,
            "split": {"kind": "equal", "parts": 2, "method": "card"},
        }))
        .send()
        .await
        .unwrap();
    let (status, closed) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    let paid = loop {
        let event = guest_on_a.until("tab").await;
        assert_eq!(event.data["id"], tab_id);
        if event.data["status"] == "paid" {
            break event;
        }
    };
    let amounts: Vec<i64> = paid.data["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount_cents"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [975, 975], "2 × 5.50 + 8.50, halved");
}

#[tokio::test]
async fn pool_connections_the_database_dropped_while_idle_are_replaced_before_a_request_uses_them()
{
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (a SQLite connection cannot be cut)");
        return;
    }
    let app = spawn_app().await;
    let (_, mut tokens) = app.customer().await;
    let taproom_server::db::Db::Postgres(pool) = &app.db else {
        unreachable!()
    };
    // Several connections in the pool, then idle long enough to be tested.
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(pool.acquire().await.unwrap());
    }
    drop(held);
    tokio::time::sleep(
        taproom_server::db::PING_IF_IDLE_FOR + std::time::Duration::from_millis(200),
    )
    .await;

    // The database drops them all, as a restart or a failover would.
    use sqlx::Connection;
    let mut outside = sqlx::PgConnection::connect(&app.database_url)
        .await
        .unwrap();
    let cut: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()
           AND application_name NOT LIKE 'taproom-listener:%'",
    )
    .fetch_all(&mut outside)
    .await
    .unwrap();
    assert!(cut.len() >= 4, "the pool's connections were cut: {cut:?}");

    // No request sees a dead connection.
    for _ in 0..6 {
        tokens = app.refresh(&tokens.refresh_token).await;
        assert_eq!(app.me_status(&tokens.access_token).await, StatusCode::OK);
    }
}
