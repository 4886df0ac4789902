//! Orders: idempotent placing priced on the server, every bad input, the
//! status machine with versions, and who may read and change what.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared::api::Role;

use crate::bar_helpers::*;
use crate::helpers::*;

#[tokio::test]
async fn an_order_is_priced_and_snapshotted_on_the_server() {
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let order = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    assert_eq!(order["status"], "received");
    assert_eq!(order["version"], 1);
    assert_eq!(order["number"], 1);
    assert_eq!(order["table"], "7");
    assert_eq!(order["total_cents"], 2 * 550 + 1100);
    assert_eq!(order["lines"][0]["name"], "House Lager");
    assert_eq!(order["lines"][0]["line_total_cents"], 1100);
    assert_eq!(order["lines"][0]["allergens"], json!(["gluten"]));
    assert_eq!(order["lines"][0]["note"], "one without foam");
    assert_eq!(order["note"], "we are by the window");
    assert_eq!(order["customer_id"], customer.id.as_str());
    // A later change of price or allergens leaves the order as it was.
    let (status, _) = app
        .send_auth(
            Method::PATCH,
            &format!("/api/menu/items/{}", items[0]),
            &admin.token,
            Some(&json!({"price_cents": 990, "allergens": ["gluten", "milk"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, again) = app
        .get_auth(
            &format!("/api/orders/{}", order["id"].as_str().unwrap()),
            &customer.token,
        )
        .await;
    assert_eq!(again["total_cents"], 2200);
    assert_eq!(again["lines"][0]["unit_price_cents"], 550);
    assert_eq!(again["lines"][0]["allergens"], json!(["gluten"]));
    // A price sent by the client is only compared, never charged: one the
    // menu does not say is refused, and nothing is written.
    let mut forged = two_pints_and_a_negroni(&items);
    forged["lines"][0]["unit_price_cents"] = json!(1);
    let (status, body) = app.place(&customer.token, "forged", &forged).await;
    assert_error(status, &body, StatusCode::CONFLICT, "price_changed");
    assert_eq!(app.count("orders").await, 1);
    let second = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    assert_eq!(second["number"], 2);
}

#[tokio::test]
async fn the_same_idempotency_key_replays_the_first_order() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let body = two_pints_and_a_negroni(&items);
    let (status, first) = app.place(&customer.token, "tap-1", &body).await;
    assert_eq!(status, StatusCode::CREATED);
    let res = app
        .client
        .post(app.url("/api/orders"))
        .bearer_auth(&customer.token)
        .header("Idempotency-Key", "tap-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("idempotent-replayed").unwrap(), "true");
    let (status, replay) = status_json(res).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(replay["id"], first["id"]);
    assert_eq!(app.count("orders").await, 1);
    // The same key with another body is refused, and writes nothing.
    let mut other = body.clone();
    other["table"] = json!("8");
    let (status, err) = app.place(&customer.token, "tap-1", &other).await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    assert_eq!(app.count("orders").await, 1);
    // Keys are per customer: another customer's "tap-1" is their own order.
    let other_customer = app.actor(Role::Customer).await;
    let (status, theirs) = app.place(&other_customer.token, "tap-1", &body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(theirs["id"], first["id"]);
}

#[tokio::test]
async fn a_double_tap_sent_at_once_makes_one_order() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let body = two_pints_and_a_negroni(&items);
    let taps = (0..6).map(|_| app.place(&customer.token, "double-tap", &body));
    let answers = futures::future::join_all(taps).await;
    let ids: std::collections::HashSet<String> = answers
        .iter()
        .map(|(status, order)| {
            assert_eq!(*status, StatusCode::CREATED, "{order}");
            order["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every tap answers with the same order");
    assert_eq!(app.count("orders").await, 1);
}

#[tokio::test]
async fn an_order_needs_a_valid_idempotency_key() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let body = two_pints_and_a_negroni(&items);
    let (status, err) = app.place(&customer.token, "", &body).await;
    assert_error(
        status,
        &err,
        StatusCode::BAD_REQUEST,
        "missing_idempotency_key",
    );
    let (status, err) = app.place(&customer.token, &"k".repeat(101), &body).await;
    assert_error(
        status,
        &err,
        StatusCode::BAD_REQUEST,
        "invalid_idempotency_key",
    );
    assert_eq!(app.count("orders").await, 0);
}

#[tokio::test]
async fn every_bad_order_is_refused_and_nothing_is_written() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let bartender = app.actor(Role::Bartender).await;
    let customer = app.actor(Role::Customer).await;
    let line = |q: Value| json!({"item_id": items[0], "quantity": q});
    let many: Vec<Value> = (0..31).map(|_| line(json!(1))).collect();
    let thirty: Vec<Value> = (0..30).map(|_| line(json!(1))).collect();
    let cases: Vec<(&str, Value, StatusCode, &str)> = vec![
        (
            "quantity 0",
            json!({"table": "7", "lines": [line(json!(0))]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "quantity 21",
            json!({"table": "7", "lines": [line(json!(21))]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "negative quantity",
            json!({"table": "7", "lines": [line(json!(-1))]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "quantity as text",
            json!({"table": "7", "lines": [line(json!("two"))]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "31 lines",
            json!({"table": "7", "lines": many}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "empty order",
            json!({"table": "7", "lines": []}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "no table",
            json!({"table": "  ", "lines": [line(json!(1))]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "long table",
            json!({"table": "t".repeat(21), "lines": [line(json!(1))]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "oversized line note",
            json!({"table": "7", "lines": [{"item_id": items[0], "quantity": 1, "note": "n".repeat(141)}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "oversized order note",
            json!({"table": "7", "lines": [line(json!(1))], "note": "n".repeat(281)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            "unknown item",
            json!({"table": "7", "lines": [{"item_id": "no-such-item", "quantity": 1}]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_items",
        ),
        (
            "lines missing",
            json!({"table": "7"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ];
    for (what, body, want_status, want_code) in cases {
        let key = uuid::Uuid::new_v4().to_string();
        let (status, err) = app.place(&customer.token, &key, &body).await;
        assert_eq!(status, want_status, "{what}: {err}");
        assert_eq!(err["error"], want_code, "{what}: {err}");
    }
    let (status, err) = app
        .place(
            &customer.token,
            "unknown",
            &json!({"table": "7", "lines": [{"item_id": "no-such-item", "quantity": 1}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err["message"].as_str().unwrap().contains("no-such-item"),
        "names the item: {err}"
    );
    let res = app
        .client
        .post(app.url("/api/orders"))
        .bearer_auth(&customer.token)
        .header("Idempotency-Key", "bad-json")
        .header("content-type", "application/json")
        .body("{\"table\": \"7\", \"lines\": [")
        .send()
        .await
        .unwrap();
    let (status, err) = status_json(res).await;
    assert_error(status, &err, StatusCode::BAD_REQUEST, "invalid_json");
    // Staff do not order.
    let (status, err) = app
        .place(
            &bartender.token,
            "staff",
            &json!({"table": "7", "lines": [line(json!(1))]}),
        )
        .await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(app.count("orders").await, 0, "nothing was written");
    assert_eq!(app.count("order_lines").await, 0);
    // The limits themselves are accepted: 30 lines of quantity 20, notes at their maximum.
    let mut full: Vec<Value> = thirty;
    full[0] = json!({"item_id": items[0], "quantity": 20, "note": "n".repeat(140)});
    let order = app
        .order(
            &customer.token,
            &json!({"table": "t".repeat(20), "lines": full, "note": "n".repeat(280)}),
        )
        .await;
    assert_eq!(order["lines"].as_array().unwrap().len(), 30);
}

#[tokio::test]
async fn a_sold_out_item_is_refused_by_name() {
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let (status, _) = app
        .send_auth(
            Method::PUT,
            &format!("/api/menu/items/{}/availability", items[1]),
            &admin.token,
            Some(&json!({"available": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = app
        .place(
            &customer.token,
            "sold-out",
            &two_pints_and_a_negroni(&items),
        )
        .await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "items_unavailable",
    );
    assert!(
        err["message"].as_str().unwrap().contains("Negroni"),
        "{err}"
    );
    assert_eq!(app.count("orders").await, 0);
}

#[tokio::test]
async fn bartenders_move_orders_forward_one_version_at_a_time() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let order = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let id = order["id"].as_str().unwrap();
    // Skipping a step is not a transition.
    let (status, err) = app.set_status(&bartender.token, id, "ready", 1, None).await;
    assert_error(status, &err, StatusCode::CONFLICT, "invalid_transition");
    let (status, o) = app
        .set_status(&bartender.token, id, "preparing", 1, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{o}");
    assert_eq!(o["status"], "preparing");
    assert_eq!(o["version"], 2);
    // Naming the old version: someone else changed it.
    let (status, err) = app.set_status(&bartender.token, id, "ready", 1, None).await;
    assert_error(status, &err, StatusCode::CONFLICT, "stale_version");
    let (status, o) = app.set_status(&bartender.token, id, "ready", 2, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(o["ready_at"].is_string());
    let (status, err) = app.set_status(&bartender.token, id, "ready", 3, None).await;
    assert_error(status, &err, StatusCode::CONFLICT, "invalid_transition");
    let (status, err) = app
        .set_status(&bartender.token, id, "served", 3, Some("why"))
        .await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (status, o) = app
        .set_status(&bartender.token, id, "served", 3, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(o["status"], "served");
    // Final: nothing more, not even cancelling.
    let (status, err) = app
        .set_status(&bartender.token, id, "cancelled", 4, Some("oops"))
        .await;
    assert_error(status, &err, StatusCode::CONFLICT, "invalid_transition");
    let (status, err) = app.set_status(&bartender.token, id, "bogus", 4, None).await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (status, err) = app
        .set_status(&bartender.token, "no-such-order", "preparing", 1, None)
        .await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn cancelling_needs_a_reason_and_works_from_any_open_status() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let order = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let id = order["id"].as_str().unwrap();
    app.set_status(&bartender.token, id, "preparing", 1, None)
        .await;
    let (status, err) = app
        .set_status(&bartender.token, id, "cancelled", 2, None)
        .await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (status, err) = app
        .set_status(&bartender.token, id, "cancelled", 2, Some(&"r".repeat(201)))
        .await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (status, o) = app
        .set_status(&bartender.token, id, "cancelled", 2, Some("keg ran dry"))
        .await;
    assert_eq!(status, StatusCode::OK, "{o}");
    assert_eq!(o["status"], "cancelled");
    assert_eq!(o["cancel_reason"], "keg ran dry");
}

#[tokio::test]
async fn two_bartenders_never_overwrite_each_other() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let a = app.actor(Role::Bartender).await;
    let b = app.actor(Role::Bartender).await;
    let order = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let id = order["id"].as_str().unwrap();
    let (first, second) = futures::join!(
        app.set_status(&a.token, id, "preparing", 1, None),
        app.set_status(&b.token, id, "cancelled", 1, Some("duplicate"))
    );
    let statuses = [first.0, second.0];
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::CONFLICT), "{statuses:?}");
    let (_, now) = app.get_auth(&format!("/api/orders/{id}"), &a.token).await;
    assert_eq!(now["version"], 2, "exactly one change applied");
}

#[tokio::test]
async fn customers_cancel_only_their_own_orders_and_only_while_received() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let stranger = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let first = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let second = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let (one, two) = (
        first["id"].as_str().unwrap(),
        second["id"].as_str().unwrap(),
    );
    // Customers do not advance orders.
    let (status, err) = app
        .set_status(&customer.token, one, "preparing", 1, None)
        .await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
    // Nor see or touch other customers' orders.
    let (status, err) = app
        .set_status(&stranger.token, one, "cancelled", 1, Some("mine now"))
        .await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
    let (status, err) = app
        .get_auth(&format!("/api/orders/{one}"), &stranger.token)
        .await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
    let (status, o) = app
        .set_status(
            &customer.token,
            one,
            "cancelled",
            1,
            Some("changed my mind"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{o}");
    app.set_status(&bartender.token, two, "preparing", 1, None)
        .await;
    let (status, err) = app
        .set_status(&customer.token, two, "cancelled", 2, Some("too slow"))
        .await;
    assert_error(status, &err, StatusCode::CONFLICT, "cannot_cancel");
}

#[tokio::test]
async fn customers_read_their_own_orders_and_staff_read_the_queue() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let stranger = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let first = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let second = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    app.order(&stranger.token, &two_pints_and_a_negroni(&items))
        .await;
    let (status, mine) = app.get_auth("/api/orders/mine", &customer.token).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = mine["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "only their own");
    assert!(
        ids.contains(&first["id"].as_str().unwrap())
            && ids.contains(&second["id"].as_str().unwrap())
    );
    assert!(mine["cursor"].as_i64().unwrap() > 0);
    let (status, err) = app.get_auth("/api/orders", &customer.token).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
    // Serve one: the open queue drops it, today's history keeps it.
    let id = first["id"].as_str().unwrap();
    app.set_status(&bartender.token, id, "preparing", 1, None)
        .await;
    app.set_status(&bartender.token, id, "ready", 2, None).await;
    app.set_status(&bartender.token, id, "served", 3, None)
        .await;
    let (_, open) = app
        .get_auth("/api/orders?scope=open", &bartender.token)
        .await;
    assert_eq!(open["orders"].as_array().unwrap().len(), 2);
    assert_eq!(open["orders"][0]["id"], second["id"], "oldest first");
    let (_, today) = app
        .get_auth("/api/orders?scope=today", &bartender.token)
        .await;
    assert_eq!(today["orders"].as_array().unwrap().len(), 3);
    let (status, err) = app
        .get_auth("/api/orders?scope=yesterday", &bartender.token)
        .await;
    assert_error(status, &err, StatusCode::BAD_REQUEST, "invalid_query");
}
