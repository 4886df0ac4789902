//! Calls for staff and for the bill: one open call per table and kind
//! however many taps, staff acknowledging exactly once, who may do what,
//! every bad input refused in the error shape, and the live events that
//! reach staff and the guests who asked (and nobody else).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared::api::Role;

use crate::bar_helpers::*;
use crate::helpers::*;

/// A guest taps "Call staff" (`staff`) or "Ask for the bill" (`bill`).
async fn tap(app: &TestApp, token: &str, table: &str, kind: &str) -> (StatusCode, Value) {
    app.post_auth("/api/calls", token, &json!({"table": table, "kind": kind}))
        .await
}

/// A staff member taps "On my way" on a call.
async fn acknowledge(app: &TestApp, token: &str, id: &Value) -> (StatusCode, Value) {
    let path = format!("/api/calls/{}/acknowledge", id.as_str().unwrap());
    app.send_auth(Method::POST, &path, token, None).await
}

/// The open calls as staff list them.
async fn open_calls(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, body) = app.get_auth("/api/calls", token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["cursor"].is_i64(), "{body}");
    body["calls"].as_array().unwrap().clone()
}

/// A guest signed up under `name` (staff see it; other guests never do).
async fn guest(app: &TestApp, name: &str) -> Actor {
    let email = format!(
        "{}-{}@taproom.test",
        name.to_lowercase(),
        uuid::Uuid::new_v4().simple()
    );
    let (status, body) = app
        .post(
            "/api/auth/register",
            &json!({"email": email, "password": PASSWORD, "name": name}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    Actor {
        token: body["access_token"].as_str().unwrap().to_owned(),
        id: body["user"]["id"].as_str().unwrap().to_owned(),
    }
}

#[tokio::test]
async fn a_call_shows_for_staff_until_acknowledged_and_the_guest_sees_it_answered() {
    let app = spawn_app().await;
    let ada = guest(&app, "Ada").await;
    let bartender = app.actor(Role::Bartender).await;
    let (status, call) = tap(&app, &ada.token, " 7 ", "bill").await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    assert_eq!(call["table"], "7", "trimmed like an order's table");
    assert_eq!(call["kind"], "bill");
    assert_eq!(call["customer_name"], "Ada");
    assert!(call["created_at"].is_string());
    assert!(call["acknowledged_at"].is_null());
    assert!(call["acknowledged_by"].is_null());
    assert!(
        call.get("customer_id").is_none(),
        "no ids of people: {call}"
    );

    let open = open_calls(&app, &bartender.token).await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0], call);
    let (status, mine) = app.get_auth("/api/calls/mine", &ada.token).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["calls"], json!([call.clone()]));

    app.clock.advance(Duration::from_secs(90));
    let (status, done) = acknowledge(&app, &bartender.token, &call["id"]).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["id"], call["id"]);
    assert!(done["acknowledged_at"].is_string());
    assert_eq!(done["acknowledged_by"], "Test User");
    assert_eq!(done["customer_name"], "Ada");
    assert!(open_calls(&app, &bartender.token).await.is_empty());

    // The guest's list says it was answered, for a while.
    let (_, mine) = app.get_auth("/api/calls/mine", &ada.token).await;
    assert_eq!(mine["calls"][0]["id"], call["id"]);
    assert!(mine["calls"][0]["acknowledged_at"].is_string());
    app.clock.advance(Duration::from_secs(16 * 60));
    let (_, mine) = app.get_auth("/api/calls/mine", &ada.token).await;
    assert_eq!(mine["calls"], json!([]));
    // Staff never call: their own list is empty.
    let (status, theirs) = app.get_auth("/api/calls/mine", &bartender.token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(theirs["calls"], json!([]));
}

#[tokio::test]
async fn a_second_tap_answers_the_open_call_without_a_second_row() {
    let app = spawn_app().await;
    let ada = guest(&app, "Ada").await;
    let ben = guest(&app, "Ben").await;
    let bartender = app.actor(Role::Bartender).await;
    let (status, first) = tap(&app, &ada.token, "7", "staff").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let events = app.count("events").await;

    let (status, again) = tap(&app, &ada.token, "7", "staff").await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again, first, "the same call, unchanged");
    assert_eq!(app.count("table_calls").await, 1);
    assert_eq!(app.count("table_call_callers").await, 1);
    assert_eq!(
        app.count("events").await,
        events,
        "a repeat changes nothing"
    );

    // Another guest at the table joins the call; they see their own name.
    let (status, joined) = tap(&app, &ben.token, "7", "staff").await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    assert_eq!(joined["id"], first["id"]);
    assert_eq!(joined["customer_name"], "Ben", "never the other guest's");
    assert_eq!(app.count("table_calls").await, 1);
    assert_eq!(app.count("table_call_callers").await, 2);
    let open = open_calls(&app, &bartender.token).await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["customer_name"], "Ada", "staff see who asked first");
    let (_, mine) = app.get_auth("/api/calls/mine", &ben.token).await;
    assert_eq!(mine["calls"][0]["id"], first["id"]);
    assert_eq!(mine["calls"][0]["customer_name"], "Ben");

    // Once answered, a tap makes a new call.
    let (status, _) = acknowledge(&app, &bartender.token, &first["id"]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, next) = tap(&app, &ben.token, "7", "staff").await;
    assert_eq!(status, StatusCode::CREATED, "{next}");
    assert_ne!(next["id"], first["id"]);
    assert_eq!(next["customer_name"], "Ben");
    assert_eq!(app.count("table_calls").await, 2);
}

#[tokio::test]
async fn calls_of_another_kind_or_at_another_table_are_separate() {
    let app = spawn_app().await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let mut ids = Vec::new();
    for (table, kind) in [("7", "staff"), ("7", "bill"), ("8", "staff")] {
        let (status, call) = tap(&app, &customer.token, table, kind).await;
        assert_eq!(status, StatusCode::CREATED, "{table} {kind}: {call}");
        ids.push(call["id"].clone());
        app.clock.advance(Duration::from_secs(1));
    }
    let open = open_calls(&app, &bartender.token).await;
    let listed: Vec<Value> = open.iter().map(|c| c["id"].clone()).collect();
    assert_eq!(listed, ids, "three calls, oldest first");
    let shown: Vec<(&str, &str)> = open
        .iter()
        .map(|c| (c["table"].as_str().unwrap(), c["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(shown, [("7", "staff"), ("7", "bill"), ("8", "staff")]);

    // Answering one leaves the others open.
    let (status, _) = acknowledge(&app, &bartender.token, &ids[1]).await;
    assert_eq!(status, StatusCode::OK);
    let listed: Vec<Value> = open_calls(&app, &bartender.token)
        .await
        .iter()
        .map(|c| c["id"].clone())
        .collect();
    assert_eq!(listed, [ids[0].clone(), ids[2].clone()]);
}

#[tokio::test]
async fn acknowledging_twice_is_a_conflict_and_an_unknown_call_is_not_found() {
    let app = spawn_app().await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let admin = app.actor(Role::Admin).await;
    let (_, call) = tap(&app, &customer.token, "3", "bill").await;
    let (status, done) = acknowledge(&app, &bartender.token, &call["id"]).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    for token in [&bartender.token, &admin.token] {
        let (status, err) = acknowledge(&app, token, &call["id"]).await;
        assert_error(status, &err, StatusCode::CONFLICT, "already_acknowledged");
        let message = err["message"].as_str().unwrap();
        assert!(message.contains("Test User"), "says who: {message}");
        assert!(message.contains("table 3"), "{message}");
    }
    let (_, listed) = app.get_auth("/api/calls/mine", &customer.token).await;
    assert_eq!(
        listed["calls"][0]["acknowledged_at"], done["acknowledged_at"],
        "the first answer stands"
    );
    for unknown in [
        json!(uuid::Uuid::new_v4().to_string()),
        json!("x".repeat(100)),
    ] {
        let (status, err) = acknowledge(&app, &bartender.token, &unknown).await;
        assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
    }
}

#[tokio::test]
async fn of_many_concurrent_acknowledgements_exactly_one_wins() {
    let app = spawn_app().await;
    let customer = app.actor(Role::Customer).await;
    let staff = [
        app.actor(Role::Bartender).await,
        app.actor(Role::Bartender).await,
        app.actor(Role::Admin).await,
    ];
    let (_, call) = tap(&app, &customer.token, "7", "staff").await;
    let taps = (0..30).map(|i| acknowledge(&app, &staff[i % staff.len()].token, &call["id"]));
    let results = futures::future::join_all(taps).await;
    let mut won = Vec::new();
    for (status, body) in &results {
        if *status == StatusCode::OK {
            won.push(body.clone());
        } else {
            assert_error(*status, body, StatusCode::CONFLICT, "already_acknowledged");
        }
    }
    assert_eq!(won.len(), 1, "exactly one acknowledgement wins");
    let (_, mine) = app.get_auth("/api/calls/mine", &customer.token).await;
    assert_eq!(
        mine["calls"][0]["acknowledged_at"],
        won[0]["acknowledged_at"]
    );
    assert!(open_calls(&app, &staff[0].token).await.is_empty());
}

#[tokio::test]
async fn many_concurrent_taps_make_one_call() {
    let app = spawn_app().await;
    let guests = [
        app.actor(Role::Customer).await,
        app.actor(Role::Customer).await,
        app.actor(Role::Customer).await,
    ];
    let taps = (0..30).map(|i| tap(&app, &guests[i % guests.len()].token, "12", "bill"));
    let results = futures::future::join_all(taps).await;
    let mut created = 0;
    let mut ids = std::collections::HashSet::new();
    for (status, body) in &results {
        assert!(
            *status == StatusCode::CREATED || *status == StatusCode::OK,
            "no other answer under contention: {status} {body}"
        );
        if *status == StatusCode::CREATED {
            created += 1;
        }
        ids.insert(body["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(created, 1, "one tap made the call");
    assert_eq!(ids.len(), 1, "every answer names the same call");
    assert_eq!(app.count("table_calls").await, 1);
    assert_eq!(app.count("table_call_callers").await, 3, "each guest once");
}

#[tokio::test]
async fn a_guest_cannot_fill_the_board_by_naming_table_after_table() {
    let app = spawn_app().await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let mut first = Value::Null;
    for table in ["1", "2", "3", "4"] {
        let (status, call) = tap(&app, &customer.token, table, "staff").await;
        assert_eq!(status, StatusCode::CREATED, "{call}");
        if first.is_null() {
            first = call;
        }
    }
    let res = app
        .client
        .post(app.url("/api/calls"))
        .bearer_auth(&customer.token)
        .json(&json!({"table": "5", "kind": "staff"}))
        .send()
        .await
        .unwrap();
    assert!(
        res.headers().contains_key("retry-after"),
        "429 says when to try again"
    );
    let (status, err) = status_json(res).await;
    assert_error(status, &err, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert_eq!(app.count("table_calls").await, 4, "nothing was written");
    // A tap on a call already open still answers it.
    let (status, _) = tap(&app, &customer.token, "1", "staff").await;
    assert_eq!(status, StatusCode::OK);
    // Once staff answer one, the guest may call again.
    let (status, _) = acknowledge(&app, &bartender.token, &first["id"]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = tap(&app, &customer.token, "5", "staff").await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn guests_cannot_list_or_acknowledge_and_staff_cannot_call() {
    let app = spawn_app().await;
    let customer = app.actor(Role::Customer).await;
    let (_, call) = tap(&app, &customer.token, "7", "staff").await;
    let (status, err) = app.get_auth("/api/calls", &customer.token).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
    let (status, err) = acknowledge(&app, &customer.token, &call["id"]).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
    for role in [Role::Bartender, Role::Admin] {
        let staff = app.actor(role).await;
        let (status, err) = tap(&app, &staff.token, "7", "bill").await;
        assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
    }
    assert_eq!(app.count("table_calls").await, 1);
    // Nobody unauthenticated gets anywhere.
    let (status, err) = app
        .post("/api/calls", &json!({"table": "7", "kind": "bill"}))
        .await;
    assert_error(status, &err, StatusCode::UNAUTHORIZED, "missing_token");
    let res = app.client.get(app.url("/api/calls")).send().await.unwrap();
    let (status, err) = status_json(res).await;
    assert_error(status, &err, StatusCode::UNAUTHORIZED, "missing_token");
    let (_, mine) = app.get_auth("/api/calls/mine", &customer.token).await;
    assert!(mine["calls"][0]["acknowledged_at"].is_null(), "still open");
}

#[tokio::test]
async fn bad_kinds_tables_types_and_json_are_refused_and_write_nothing() {
    let app = spawn_app().await;
    let customer = app.actor(Role::Customer).await;
    let cases = [
        ("an unknown kind", json!({"table": "7", "kind": "waiter"})),
        ("a kind in capitals", json!({"table": "7", "kind": "Bill"})),
        ("no kind", json!({"table": "7"})),
        ("no table", json!({"kind": "bill"})),
        (
            "a number for the table",
            json!({"table": 7, "kind": "bill"}),
        ),
        (
            "a list for the kind",
            json!({"table": "7", "kind": ["bill"]}),
        ),
        ("null", json!(null)),
        (
            "an unknown field",
            json!({"table": "7", "kind": "bill", "note": "hi"}),
        ),
        ("an empty table", json!({"table": "", "kind": "bill"})),
        ("a blank table", json!({"table": "   ", "kind": "bill"})),
        (
            "a long table",
            json!({"table": "t".repeat(21), "kind": "bill"}),
        ),
        (
            "a table on two lines",
            json!({"table": "7\n8", "kind": "bill"}),
        ),
    ];
    for (what, body) in cases {
        let (status, err) = app.post_auth("/api/calls", &customer.token, &body).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{what}: {status} {err}"
        );
        assert_eq!(err["error"], "validation_failed", "{what}: {err}");
        let message = err["message"].as_str().unwrap();
        assert!(
            !message.is_empty() && message.chars().count() < 300,
            "{what}: {message}"
        );
    }
    let raw = |content_type: &'static str, body: &'static str| {
        app.client
            .post(app.url("/api/calls"))
            .bearer_auth(&customer.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let (status, err) = status_json(raw("application/json", "{\"table\": ").await.unwrap()).await;
    assert_error(status, &err, StatusCode::BAD_REQUEST, "invalid_json");
    let (status, err) = status_json(
        raw("text/plain", "{\"table\": \"7\", \"kind\": \"bill\"}")
            .await
            .unwrap(),
    )
    .await;
    assert_error(
        status,
        &err,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    assert_eq!(app.count("table_calls").await, 0, "nothing was written");
}

#[tokio::test]
async fn call_events_reach_staff_and_the_guests_who_asked_only() {
    let app = spawn_app().await;
    let ada = guest(&app, "Ada").await;
    let ben = guest(&app, "Ben").await;
    let stranger = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let mut staff = open_stream(&app, &bartender.token, None).await;
    let mut first = open_stream(&app, &ada.token, None).await;
    let mut second = open_stream(&app, &ben.token, None).await;
    let mut other = open_stream(&app, &stranger.token, None).await;
    for s in [&mut staff, &mut first, &mut second, &mut other] {
        s.until("ready").await;
    }

    let (status, call) = tap(&app, &ada.token, "7", "staff").await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let seen = staff.until("table_call").await;
    assert!(seen.id.is_some(), "events carry their id");
    assert_eq!(seen.data["id"], call["id"]);
    assert_eq!(seen.data["table"], "7");
    assert_eq!(seen.data["customer_name"], "Ada");
    assert!(seen.data["acknowledged_at"].is_null());
    let own = first.until("table_call").await;
    assert_eq!(own.data, call);

    // Ben joins the call: his pages hear of it, staff have nothing new.
    let (status, joined) = tap(&app, &ben.token, "7", "staff").await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    let his = second.until("table_call").await;
    assert_eq!(his.data["id"], call["id"]);
    assert_eq!(his.data["customer_name"], "Ben");

    let (status, done) = acknowledge(&app, &bartender.token, &call["id"]).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let answered = staff.until("table_call").await;
    assert_eq!(answered.data, done, "staff's next call event is the answer");
    for (stream, name) in [(&mut first, "Ada"), (&mut second, "Ben")] {
        let theirs = stream.until("table_call").await;
        assert_eq!(theirs.data["id"], call["id"]);
        assert_eq!(theirs.data["acknowledged_by"], "Test User");
        assert!(theirs.data["acknowledged_at"].is_string());
        assert_eq!(theirs.data["customer_name"], name, "their own copy");
    }
    // Nobody heard a copy meant for someone else, and the stranger nothing.
    for (stream, who) in [
        (&mut staff, "staff"),
        (&mut first, "Ada"),
        (&mut second, "Ben"),
        (&mut other, "another guest"),
    ] {
        assert!(
            stream
                .next_within(Duration::from_millis(500))
                .await
                .is_none(),
            "{who} heard a call event not meant for them"
        );
    }
}
