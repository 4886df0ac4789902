//! Ticket timers: the defaults, who may read and change them, every bad
//! value refused in the error shape without changing anything, and the
//! live event that carries a change to bartenders' screens (on another
//! instance too, on PostgreSQL).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared::api::Role;

use crate::bar_helpers::*;
use crate::helpers::*;
use crate::processes::start_process;

const SETTINGS: &str = "/api/bar/settings";
const TIMERS: &str = "/api/admin/settings/timers";

fn timers(amber: u32, red: u32) -> Value {
    json!({"amber_after_secs": amber, "red_after_secs": red})
}

impl TestApp {
    /// Sets the ticket timers as `token`'s user.
    async fn put_timers(&self, token: &str, body: &Value) -> (StatusCode, Value) {
        self.send_auth(Method::PUT, TIMERS, token, Some(body)).await
    }

    /// The ticket timers as `token`'s user reads them (must be allowed to).
    async fn read_timers(&self, token: &str) -> Value {
        let (status, body) = self.get_auth(SETTINGS, token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["ticket_timers"].clone()
    }
}

#[tokio::test]
async fn a_new_bar_turns_tickets_amber_after_five_minutes_and_red_after_ten() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let bartender = app.actor(Role::Bartender).await;
    let (status, body) = app.get_auth(SETTINGS, &bartender.token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"ticket_timers": timers(300, 600)}));
    assert_eq!(app.read_timers(&admin.token).await, timers(300, 600));
}

#[tokio::test]
async fn an_admin_sets_the_timers_and_staff_read_them_back() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let bartender = app.actor(Role::Bartender).await;
    let (status, body) = app.put_timers(&admin.token, &timers(240, 480)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"ticket_timers": timers(240, 480)}));
    assert_eq!(app.read_timers(&bartender.token).await, timers(240, 480));
    assert_eq!(app.read_timers(&admin.token).await, timers(240, 480));
    // A second change replaces the first (one row, not one per change);
    // the smallest and largest allowed values are allowed.
    let (status, body) = app.put_timers(&admin.token, &timers(60, 86_400)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(app.read_timers(&bartender.token).await, timers(60, 86_400));
    assert_eq!(app.count("bar_settings").await, 1);
}

#[tokio::test]
async fn a_bartender_reads_the_timers_but_cannot_change_them() {
    let app = spawn_app().await;
    let bartender = app.actor(Role::Bartender).await;
    let events = app.count("events").await;
    let (status, body) = app.put_timers(&bartender.token, &timers(60, 120)).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(app.read_timers(&bartender.token).await, timers(300, 600));
    assert_eq!(app.count("events").await, events, "no event was written");
}

#[tokio::test]
async fn a_customer_can_neither_read_nor_change_the_timers() {
    let app = spawn_app().await;
    let customer = app.actor(Role::Customer).await;
    let (status, body) = app.get_auth(SETTINGS, &customer.token).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = app.put_timers(&customer.token, &timers(60, 120)).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    // Nobody signed in: 401 with the bearer challenge, for both.
    let res = app.client.get(app.url(SETTINGS)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        res.headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    let res = app
        .client
        .put(app.url(TIMERS))
        .json(&timers(60, 120))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_timers_are_refused_clearly_and_change_nothing() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let (status, body) = app.put_timers(&admin.token, &timers(120, 240)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let events = app.count("events").await;
    let cases = [
        // Rules of the timers: each case's message must say which.
        (timers(600, 600), "later than the amber"),
        (timers(700, 600), "later than the amber"),
        (
            timers(59, 600),
            "amber timer must be between 1 minute and 24 hours",
        ),
        (
            timers(0, 600),
            "amber timer must be between 1 minute and 24 hours",
        ),
        (
            timers(300, 86_401),
            "red timer must be between 1 minute and 24 hours",
        ),
        (timers(30, 45), "amber timer"),
        // What reading the body refuses.
        (
            json!({"amber_after_secs": -60, "red_after_secs": 600}),
            "wrong shape",
        ),
        (
            json!({"amber_after_secs": "300", "red_after_secs": 600}),
            "wrong shape",
        ),
        (
            json!({"amber_after_secs": 300.5, "red_after_secs": 600}),
            "wrong shape",
        ),
        (
            json!({"amber_after_secs": 300, "red_after_secs": 99_999_999_999_u64}),
            "wrong shape",
        ),
        (json!({"amber_after_secs": 300}), "red_after_secs"),
        (json!({"red_after_secs": 600}), "amber_after_secs"),
        (json!({}), "wrong shape"),
        (json!(null), "wrong shape"),
        (json!([]), "wrong shape"),
        (
            json!({"amber_after_secs": null, "red_after_secs": 600}),
            "wrong shape",
        ),
        (
            json!({"amber_after_secs": 300, "red_after_secs": 600, "green_after_secs": 60}),
            "green_after_secs",
        ),
    ];
    for (body, says) in cases {
        let (status, answer) = app.put_timers(&admin.token, &body).await;
        assert_error(
            status,
            &answer,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(says), "{body} → {message}");
        assert!(message.chars().count() < 300, "{message}");
    }
    // Not JSON, or not said to be: the same errors as every other body.
    for (content_type, raw, want, code) in [
        (
            "application/json",
            "{\"amber_after_secs\": 300,",
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            "application/json",
            "",
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            "text/plain",
            "{\"amber_after_secs\": 60, \"red_after_secs\": 120}",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
    ] {
        let res = app
            .client
            .put(app.url(TIMERS))
            .bearer_auth(&admin.token)
            .header("content-type", content_type)
            .body(raw)
            .send()
            .await
            .unwrap();
        let (status, answer) = status_json(res).await;
        assert_error(status, &answer, want, code);
    }
    assert_eq!(app.read_timers(&admin.token).await, timers(120, 240));
    assert_eq!(app.count("events").await, events, "no event was written");
}

#[tokio::test]
async fn a_change_reaches_bartenders_streams_at_once_and_never_customers() {
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let bartender = app.actor(Role::Bartender).await;
    let customer = app.actor(Role::Customer).await;
    let mut staff = open_stream(&app, &bartender.token, None).await;
    let cursor = staff.until("ready").await.data["cursor"].as_i64().unwrap();
    let mut guest = open_stream(&app, &customer.token, None).await;
    guest.until("ready").await;

    let (status, _) = app.put_timers(&admin.token, &timers(90, 180)).await;
    assert_eq!(status, StatusCode::OK);
    let event = staff.until("bar_settings").await;
    assert_eq!(event.data, json!({"ticket_timers": timers(90, 180)}));
    assert!(event.id.is_some_and(|id| id > cursor), "{event:?}");

    // The customer's stream skips it: events come in id order, so their
    // own order, written after the change, comes after it if it came.
    app.order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    loop {
        let seen = guest.next().await;
        assert_ne!(seen.event, "bar_settings", "a customer heard it: {seen:?}");
        if seen.event == "order" {
            break;
        }
    }

    // A bartender's screen that was away catches up on it.
    let mut again = open_stream(&app, &bartender.token, Some(cursor)).await;
    let replayed = again.until("bar_settings").await;
    assert_eq!(replayed.data["ticket_timers"], timers(90, 180));
}

#[tokio::test]
async fn the_openapi_document_describes_the_timers() {
    let doc = crate::openapi::openapi_document().await;
    let schemas = &doc["components"]["schemas"];
    for field in ["amber_after_secs", "red_after_secs"] {
        assert!(
            schemas["TicketTimers"]["properties"].get(field).is_some(),
            "{field}: {}",
            schemas["TicketTimers"]
        );
    }
    assert!(schemas["BarSettings"]["properties"]
        .get("ticket_timers")
        .is_some());
    let put = &doc["paths"][TIMERS]["put"]["responses"];
    for status in ["200", "400", "401", "403", "413", "415", "422"] {
        assert!(put.get(status).is_some(), "PUT {TIMERS} lists no {status}");
    }
    let get = &doc["paths"][SETTINGS]["get"]["responses"];
    for status in ["200", "401", "403"] {
        assert!(
            get.get(status).is_some(),
            "GET {SETTINGS} lists no {status}"
        );
    }
}

#[tokio::test]
async fn a_change_through_one_process_reaches_bartenders_on_another() {
    if !on_postgres() {
        eprintln!("skipped: needs TEST_DATABASE_URL (several instances share PostgreSQL only)");
        return;
    }
    let app = spawn_app().await;
    let admin = app.create_user(Role::Admin).await;
    let bartender = app.create_user(Role::Bartender).await;
    let a = start_process(&app.database_url, &app.secret);
    let b = start_process(&app.database_url, &app.secret);
    let client = reqwest::Client::new();
    let token_on = |base: &str, user: &TestUser| {
        let (client, url) = (client.clone(), format!("{base}/api/auth/login"));
        let body = json!({"email": user.email, "password": user.password});
        async move {
            let res = client.post(url).json(&body).send().await.unwrap();
            let (status, tokens) = status_json(res).await;
            assert_eq!(status, StatusCode::OK, "{tokens}");
            tokens["access_token"].as_str().unwrap().to_owned()
        }
    };
    let admin_on_a = token_on(a.base.as_str(), &admin).await;
    let staff_on_b = token_on(b.base.as_str(), &bartender).await;
    let mut on_b = Stream::open(
        &client,
        &format!("{}/api/events", b.base),
        &[("authorization", format!("Bearer {staff_on_b}"))],
    )
    .await;
    on_b.until("ready").await;

    let res = client
        .put(format!("{}{TIMERS}", a.base))
        .bearer_auth(&admin_on_a)
        .json(&timers(180, 360))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let event = on_b.until("bar_settings").await;
    assert_eq!(event.data["ticket_timers"], timers(180, 360));
    // B answers the new timers too: nothing is cached per instance.
    let res = client
        .get(format!("{}{SETTINGS}", b.base))
        .bearer_auth(&staff_on_b)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ticket_timers"], timers(180, 360));
}
