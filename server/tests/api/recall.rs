//! Recall: staff take back an order's last step (a mistaken bump) within
//! five minutes, naming the version their bump answered with; the guest
//! sees it like any other change; stale, impossible, late, unauthorised and
//! malformed recalls are refused in the error shape and change nothing.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use shared::api::Role;
use shared::bar::RECALL_WINDOW_SECS;

use crate::bar_helpers::*;
use crate::helpers::*;

/// A staff member taps "Recall" on a bump that answered with `version`.
async fn recall(app: &TestApp, token: &str, id: &str, version: i64) -> (StatusCode, Value) {
    app.post_auth(
        &format!("/api/orders/{id}/recall"),
        token,
        &json!({"version": version}),
    )
    .await
}

/// A menu, a guest with an order (received, version 1) and a bartender:
/// (guest, bartender, order id).
async fn an_order(app: &TestApp) -> (Actor, Actor, String) {
    let (_, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let order = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let id = order["id"].as_str().unwrap().to_owned();
    (customer, bartender, id)
}

/// Moves an order on, which must work; answers the order.
async fn bump(app: &TestApp, token: &str, id: &str, status: &str, version: i64) -> Value {
    let (code, order) = app.set_status(token, id, status, version, None).await;
    assert_eq!(
        code,
        StatusCode::OK,
        "{status} from version {version}: {order}"
    );
    order
}

/// The order as `token` reads it now.
async fn read(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, order) = app.get_auth(&format!("/api/orders/{id}"), token).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    order
}

#[tokio::test]
async fn recalling_each_bump_puts_the_order_one_step_back_and_grows_its_version() {
    let app = spawn_app().await;
    let (_, bartender, id) = an_order(&app).await;
    let token = &bartender.token;

    bump(&app, token, &id, "preparing", 1).await;
    let events = app.count("events").await;
    let (status, back) = recall(&app, token, &id, 2).await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["status"], "received");
    assert_eq!(back["version"], 3);
    assert_eq!(
        app.count("events").await,
        events + 1,
        "a recall is an order event like any change"
    );

    bump(&app, token, &id, "preparing", 3).await;
    let ready = bump(&app, token, &id, "ready", 4).await;
    assert!(ready["ready_at"].is_string(), "{ready}");
    let (status, back) = recall(&app, token, &id, 5).await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["status"], "preparing");
    assert_eq!(back["version"], 6);
    assert!(back["ready_at"].is_null(), "no longer ready: {back}");

    let ready = bump(&app, token, &id, "ready", 6).await;
    app.clock.advance(Duration::from_secs(30));
    bump(&app, token, &id, "served", 7).await;
    let (_, open) = app.get_auth("/api/orders?scope=open", token).await;
    assert_eq!(
        open["orders"].as_array().unwrap().len(),
        0,
        "served: off the queue"
    );
    let (status, back) = recall(&app, token, &id, 8).await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["status"], "ready");
    assert_eq!(back["version"], 9);
    assert_eq!(
        back["ready_at"], ready["ready_at"],
        "still ready since it was made"
    );
    // Open again: back on every board.
    let (_, open) = app.get_auth("/api/orders?scope=open", token).await;
    assert_eq!(open["orders"][0]["id"], id.as_str());
    assert_eq!(open["orders"][0]["version"], 9);
    // And it moves on as before.
    let served = bump(&app, token, &id, "served", 9).await;
    assert_eq!(served["version"], 10);

    // Admins may recall too.
    let admin = app.actor(Role::Admin).await;
    let (status, back) = recall(&app, &admin.token, &id, 10).await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["status"], "ready");
}

#[tokio::test]
async fn the_guest_sees_a_recalled_order_through_get_and_the_live_stream() {
    let app = spawn_app().await;
    let (customer, bartender, id) = an_order(&app).await;
    let mut stream = open_stream(&app, &customer.token, None).await;
    stream.until("ready").await;
    bump(&app, &bartender.token, &id, "preparing", 1).await;
    bump(&app, &bartender.token, &id, "ready", 2).await;
    let (status, back) = recall(&app, &bartender.token, &id, 3).await;
    assert_eq!(status, StatusCode::OK, "{back}");

    let seen = loop {
        let event = stream.until("order").await;
        if event.data["version"] == 4 {
            break event;
        }
    };
    assert_eq!(seen.data["id"], id.as_str());
    assert_eq!(seen.data["status"], "preparing");
    assert!(seen.data["ready_at"].is_null());
    assert_eq!(seen.data, back, "the event is the order as answered");

    let theirs = read(&app, &customer.token, &id).await;
    assert_eq!(theirs["status"], "preparing");
    assert_eq!(theirs["version"], 4);
    let (_, mine) = app.get_auth("/api/orders/mine", &customer.token).await;
    assert_eq!(mine["orders"][0]["id"], id.as_str());
    assert_eq!(mine["orders"][0]["status"], "preparing");
    assert_eq!(mine["orders"][0]["version"], 4);
}

#[tokio::test]
async fn a_recall_naming_an_old_version_is_stale_and_changes_nothing() {
    let app = spawn_app().await;
    let (_, bartender, id) = an_order(&app).await;
    bump(&app, &bartender.token, &id, "preparing", 1).await;
    // Someone else moved it on after this screen's bump.
    let other = app.actor(Role::Bartender).await;
    bump(&app, &other.token, &id, "ready", 2).await;
    let events = app.count("events").await;

    for version in [2, 1, 4, -1] {
        let (status, err) = recall(&app, &bartender.token, &id, version).await;
        assert_error(status, &err, StatusCode::CONFLICT, "stale_version");
        assert!(
            err["message"].as_str().unwrap().contains("ready"),
            "says what it is now: {err}"
        );
    }
    let now = read(&app, &bartender.token, &id).await;
    assert_eq!(now["status"], "ready");
    assert_eq!(now["version"], 3);
    assert!(now["ready_at"].is_string());
    assert_eq!(app.count("events").await, events, "nothing was written");
}

#[tokio::test]
async fn received_and_cancelled_orders_have_nothing_to_recall() {
    let app = spawn_app().await;
    let (customer, bartender, id) = an_order(&app).await;
    let (status, err) = recall(&app, &bartender.token, &id, 1).await;
    assert_error(status, &err, StatusCode::CONFLICT, "nothing_to_recall");
    assert!(
        err["message"].as_str().unwrap().contains("received"),
        "{err}"
    );

    let (status, cancelled) = app
        .set_status(&customer.token, &id, "cancelled", 1, Some("wrong table"))
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    let events = app.count("events").await;
    let (status, err) = recall(&app, &bartender.token, &id, 2).await;
    assert_error(status, &err, StatusCode::CONFLICT, "nothing_to_recall");
    assert!(
        err["message"].as_str().unwrap().contains("cancelled"),
        "{err}"
    );
    let now = read(&app, &bartender.token, &id).await;
    assert_eq!(now["status"], "cancelled");
    assert_eq!(now["version"], 2);
    assert_eq!(app.count("events").await, events);
}

#[tokio::test]
async fn a_recall_after_five_minutes_is_expired_and_just_inside_works() {
    let app = spawn_app().await;
    let (_, bartender, id) = an_order(&app).await;
    let window = Duration::from_secs(RECALL_WINDOW_SECS.unsigned_abs());

    bump(&app, &bartender.token, &id, "preparing", 1).await;
    app.clock.advance(window + Duration::from_secs(1));
    let (status, err) = recall(&app, &bartender.token, &id, 2).await;
    assert_error(status, &err, StatusCode::CONFLICT, "recall_expired");
    let message = err["message"].as_str().unwrap();
    assert!(
        message.starts_with("It was moved on more than 5 minutes ago"),
        "{message}"
    );
    let now = read(&app, &bartender.token, &id).await;
    assert_eq!(now["status"], "preparing");
    assert_eq!(now["version"], 2);

    // The window counts from the order's last change: a new bump opens it.
    bump(&app, &bartender.token, &id, "ready", 2).await;
    app.clock.advance(window - Duration::from_secs(1));
    let (status, back) = recall(&app, &bartender.token, &id, 3).await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["status"], "preparing");
    assert_eq!(back["version"], 4);
}

#[tokio::test]
async fn guests_may_not_recall_and_an_unknown_order_is_not_found() {
    let app = spawn_app().await;
    let (customer, bartender, id) = an_order(&app).await;
    bump(&app, &bartender.token, &id, "preparing", 1).await;

    let (status, err) = recall(&app, &customer.token, &id, 2).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
    let stranger = app.actor(Role::Customer).await;
    let (status, err) = recall(&app, &stranger.token, &id, 2).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");

    for unknown in [uuid::Uuid::new_v4().to_string(), "x".repeat(100)] {
        let (status, err) = recall(&app, &bartender.token, &unknown, 1).await;
        assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
    }
    let (status, err) = app
        .post(&format!("/api/orders/{id}/recall"), &json!({"version": 2}))
        .await;
    assert_error(status, &err, StatusCode::UNAUTHORIZED, "missing_token");

    let now = read(&app, &customer.token, &id).await;
    assert_eq!(now["status"], "preparing", "nobody changed it");
    assert_eq!(now["version"], 2);
}

#[tokio::test]
async fn bad_recall_bodies_are_refused_in_the_error_shape_and_change_nothing() {
    let app = spawn_app().await;
    let (_, bartender, id) = an_order(&app).await;
    bump(&app, &bartender.token, &id, "preparing", 1).await;
    let path = format!("/api/orders/{id}/recall");
    let cases = [
        ("no version", json!({})),
        ("the version as a string", json!({"version": "2"})),
        ("a fractional version", json!({"version": 2.5})),
        ("a null version", json!({"version": null})),
        (
            "an extra field",
            json!({"version": 2, "status": "received"}),
        ),
        ("null", json!(null)),
    ];
    for (what, body) in cases {
        let (status, err) = app.post_auth(&path, &bartender.token, &body).await;
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
            .post(app.url(&path))
            .bearer_auth(&bartender.token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let (status, err) = status_json(raw("application/json", "{\"version\": ").await.unwrap()).await;
    assert_error(status, &err, StatusCode::BAD_REQUEST, "invalid_json");
    let (status, err) = status_json(raw("text/plain", "{\"version\": 2}").await.unwrap()).await;
    assert_error(
        status,
        &err,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    let now = read(&app, &bartender.token, &id).await;
    assert_eq!(now["status"], "preparing");
    assert_eq!(now["version"], 2, "nothing was changed");
}

#[tokio::test]
async fn of_two_recalls_of_the_same_version_at_once_exactly_one_wins() {
    let app = spawn_app().await;
    let (customer, a, id) = an_order(&app).await;
    let b = app.actor(Role::Bartender).await;
    bump(&app, &a.token, &id, "preparing", 1).await;
    bump(&app, &a.token, &id, "ready", 2).await;
    let events = app.count("events").await;

    let (first, second) = tokio::join!(
        recall(&app, &a.token, &id, 3),
        recall(&app, &b.token, &id, 3)
    );
    let mut won = Vec::new();
    for (status, body) in [&first, &second] {
        if *status == StatusCode::OK {
            won.push(body.clone());
        } else {
            assert_error(*status, body, StatusCode::CONFLICT, "stale_version");
        }
    }
    assert_eq!(
        won.len(),
        1,
        "exactly one recall wins: {first:?} {second:?}"
    );
    assert_eq!(won[0]["status"], "preparing");
    assert_eq!(won[0]["version"], 4);
    let now = read(&app, &customer.token, &id).await;
    assert_eq!(now["status"], "preparing", "one step back, not two");
    assert_eq!(now["version"], 4);
    assert_eq!(app.count("events").await, events + 1);
}

#[tokio::test]
async fn the_openapi_document_describes_the_recall() {
    let doc = crate::openapi::openapi_document().await;
    let body = &doc["components"]["schemas"]["RecallRequest"];
    assert!(body["properties"].get("version").is_some(), "{body}");
    let recall = &doc["paths"]["/api/orders/{id}/recall"]["post"]["responses"];
    for status in [
        "200", "400", "401", "403", "404", "409", "413", "415", "422",
    ] {
        assert!(
            recall.get(status).is_some(),
            "POST /api/orders/{{id}}/recall lists no {status}"
        );
    }
    let conflict = recall["409"]["description"].as_str().unwrap_or_default();
    for code in ["stale_version", "nothing_to_recall", "recall_expired"] {
        assert!(conflict.contains(code), "409 names {code}: {conflict}");
    }
}
