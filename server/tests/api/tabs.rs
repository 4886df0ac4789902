//! Tabs and the bill: a guest's orders at a table gather on one tab, staff
//! close it once as paid (whole, in equal parts or by line, with exact
//! amounts), every rule of a close answered in the error shape, two
//! devices closing at once, and the guest hearing "paid" live.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared::api::Role;

use crate::bar_helpers::*;
use crate::helpers::*;

/// Two lagers (2 × 550) and a Negroni (1100) at `table`: 2200 in all.
fn round(items: &[String], table: &str) -> Value {
    json!({
        "table": table,
        "lines": [
            {"item_id": items[0], "quantity": 2},
            {"item_id": items[1], "quantity": 1}
        ]
    })
}

/// One Negroni at `table`: 1100.
fn negroni(items: &[String], table: &str) -> Value {
    json!({"table": table, "lines": [{"item_id": items[1], "quantity": 1}]})
}

/// A tab as `token` may read it; panics unless 200.
async fn tab(app: &TestApp, token: &str, id: &Value) -> Value {
    let path = format!("/api/tabs/{}", id.as_str().unwrap());
    let (status, body) = app.get_auth(&path, token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Staff's open tabs.
async fn open_tabs(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, body) = app.get_auth("/api/tabs", token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["cursor"].is_i64(), "{body}");
    body["tabs"].as_array().unwrap().clone()
}

/// Closes a tab with `body`.
async fn close(app: &TestApp, token: &str, id: &Value, body: &Value) -> (StatusCode, Value) {
    let path = format!("/api/tabs/{}/close", id.as_str().unwrap());
    app.post_auth(&path, token, body).await
}

/// A close of the whole tab by card, confirming open orders.
fn whole(version: &Value) -> Value {
    json!({
        "version": version,
        "confirm_open_orders": true,
        "split": {"kind": "whole", "method": "card"}
    })
}

/// The amounts of a tab's payments.
fn amounts(tab: &Value) -> Vec<i64> {
    tab["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount_cents"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn orders_at_one_table_gather_on_one_tab_and_another_table_or_guest_gets_another() {
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let ada = app.actor(Role::Customer).await;
    let ben = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;

    let first = app.order(&ada.token, &round(&items, "7")).await;
    let second = app.order(&ada.token, &negroni(&items, "7")).await;
    assert!(first["tab_id"].is_string(), "{first}");
    assert_eq!(first["tab_id"], second["tab_id"], "one visit, one tab");
    let elsewhere = app.order(&ada.token, &negroni(&items, "9")).await;
    assert_ne!(elsewhere["tab_id"], first["tab_id"], "another table");
    let bens = app.order(&ben.token, &negroni(&items, "7")).await;
    assert_ne!(bens["tab_id"], first["tab_id"], "another guest");
    assert_eq!(app.count("tabs").await, 3);

    let ours = tab(&app, &ada.token, &first["tab_id"]).await;
    assert_eq!(ours["status"], "open");
    assert_eq!(ours["table"], "7");
    assert_eq!(ours["customer_id"], ada.id);
    assert_eq!(ours["total_cents"], 3300);
    assert_eq!(ours["open_orders"], 2);
    assert_eq!(ours["version"], 2, "one step per order");
    assert_eq!(ours["orders"][0]["id"], first["id"], "oldest first");
    assert_eq!(ours["orders"][1]["id"], second["id"]);
    assert_eq!(ours["orders"][0]["lines"].as_array().unwrap().len(), 2);
    assert!(ours["closed_at"].is_null());
    assert_eq!(ours["payments"], json!([]));

    // Staff see every open tab, by table.
    let open = open_tabs(&app, &bartender.token).await;
    let tables: Vec<&str> = open.iter().map(|t| t["table"].as_str().unwrap()).collect();
    assert_eq!(tables, ["7", "7", "9"]);

    // A replayed order (same key, same body) leaves the tab alone.
    let key = uuid::Uuid::new_v4().to_string();
    let (status, placed) = app.place(&ada.token, &key, &negroni(&items, "7")).await;
    assert_eq!(status, StatusCode::CREATED, "{placed}");
    let before = tab(&app, &ada.token, &first["tab_id"]).await;
    let (status, again) = app.place(&ada.token, &key, &negroni(&items, "7")).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(again["id"], placed["id"], "the same order, replayed");
    assert_eq!(again["tab_id"], first["tab_id"]);
    let after = tab(&app, &ada.token, &first["tab_id"]).await;
    assert_eq!(after, before, "a replay touches no tab");
    assert_eq!(app.count("tabs").await, 3);
}

#[tokio::test]
async fn the_total_leaves_out_cancelled_orders_and_a_paid_tabs_orders_cannot_be_cancelled() {
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let ada = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let kept = app.order(&ada.token, &round(&items, "7")).await;
    let dropped = app.order(&ada.token, &negroni(&items, "7")).await;
    let before = tab(&app, &ada.token, &kept["tab_id"]).await;
    assert_eq!(before["total_cents"], 3300);

    let (status, body) = app
        .set_status(
            &ada.token,
            dropped["id"].as_str().unwrap(),
            "cancelled",
            1,
            Some("changed my mind"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let after = tab(&app, &ada.token, &kept["tab_id"]).await;
    assert_eq!(
        after["total_cents"], 2200,
        "the cancelled order is not paid for"
    );
    assert_eq!(after["open_orders"], 1);
    assert_eq!(
        after["version"].as_i64().unwrap(),
        before["version"].as_i64().unwrap() + 1,
        "its total changed"
    );
    assert_eq!(after["orders"].as_array().unwrap().len(), 2, "still listed");

    let (status, paid) = close(
        &app,
        &bartender.token,
        &kept["tab_id"],
        &whole(&after["version"]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(amounts(&paid), [2200]);
    let (status, err) = app
        .set_status(
            &bartender.token,
            kept["id"].as_str().unwrap(),
            "cancelled",
            1,
            Some("spilt"),
        )
        .await;
    assert_error(status, &err, StatusCode::CONFLICT, "tab_paid");
}

#[tokio::test]
async fn a_guest_sees_their_own_tabs_and_nobody_elses() {
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let (ada_user, ada_tokens) = app.customer().await;
    let ada = Actor {
        token: ada_tokens.access_token,
        id: ada_tokens.user.id,
    };
    let ben = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let order = app.order(&ada.token, &round(&items, "7")).await;

    let path = format!("/api/tabs/{}", order["tab_id"].as_str().unwrap());
    let (status, err) = app.get_auth(&path, &ben.token).await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
    let (status, err) = app.get_auth("/api/tabs/no-such-tab", &ada.token).await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
    let (status, err) = app
        .get_auth(&format!("/api/tabs/{}", "x".repeat(200)), &bartender.token)
        .await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        tab(&app, &bartender.token, &order["tab_id"]).await["total_cents"],
        2200
    );

    let (status, mine) = app.get_auth("/api/tabs/mine", &ada.token).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["tabs"].as_array().unwrap().len(), 1);
    assert_eq!(mine["tabs"][0]["id"], order["tab_id"]);
    let (_, theirs) = app.get_auth("/api/tabs/mine", &ben.token).await;
    assert_eq!(theirs["tabs"], json!([]));
    let (status, err) = app.get_auth("/api/tabs", &ada.token).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");

    // A paid tab stays in the guest's list for the evening, then goes.
    let version = tab(&app, &ada.token, &order["tab_id"]).await["version"].clone();
    let (status, _) = close(&app, &bartender.token, &order["tab_id"], &whole(&version)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, mine) = app.get_auth("/api/tabs/mine", &ada.token).await;
    assert_eq!(mine["tabs"][0]["status"], "paid");
    assert!(open_tabs(&app, &bartender.token).await.is_empty());
    app.clock
        .advance(std::time::Duration::from_secs(13 * 60 * 60));
    // Signed in afresh: the morning after, the access token has expired.
    let morning = app.login(&ada_user).await;
    let (status, mine) = app.get_auth("/api/tabs/mine", &morning.access_token).await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(mine["tabs"], json!([]));
}

#[tokio::test]
async fn whole_equal_and_by_line_closes_store_and_answer_exact_amounts() {
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let bartender = app.actor(Role::Bartender).await;

    // Whole, in cash.
    let ada = app.actor(Role::Customer).await;
    let order = app.order(&ada.token, &round(&items, "1")).await;
    let t = tab(&app, &ada.token, &order["tab_id"]).await;
    let body = json!({"version": t["version"], "confirm_open_orders": true,
        "split": {"kind": "whole", "method": "cash"}});
    let (status, paid) = close(&app, &bartender.token, &t["id"], &body).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(paid["status"], "paid");
    assert_eq!(
        paid["payments"],
        json!([{"amount_cents": 2200, "method": "cash", "lines": []}])
    );
    assert_eq!(paid["closed_by_name"], "Test User");
    assert!(paid["closed_at"].is_string());
    assert_eq!(tab(&app, &ada.token, &t["id"]).await, paid, "as stored");

    // Equal parts: 3300 in 7 is 472 × 3 and 471 × 4.
    let ben = app.actor(Role::Customer).await;
    let order = app.order(&ben.token, &round(&items, "2")).await;
    app.order(&ben.token, &negroni(&items, "2")).await;
    let t = tab(&app, &ben.token, &order["tab_id"]).await;
    let body = json!({"version": t["version"], "confirm_open_orders": true,
        "split": {"kind": "equal", "parts": 7, "method": "card"}});
    let (status, paid) = close(&app, &bartender.token, &t["id"], &body).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(amounts(&paid), [472, 472, 472, 471, 471, 471, 471]);
    assert_eq!(amounts(&paid).iter().sum::<i64>(), 3300);
    assert!(paid["payments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["method"] == "card"));
    assert_eq!(
        tab(&app, &ben.token, &t["id"]).await["payments"],
        paid["payments"]
    );

    // By line: the lagers by card, the Negroni in cash.
    let cy = app.actor(Role::Customer).await;
    let order = app.order(&cy.token, &round(&items, "3")).await;
    let t = tab(&app, &cy.token, &order["tab_id"]).await;
    let id = order["id"].clone();
    let body = json!({"version": t["version"], "confirm_open_orders": true,
    "split": {"kind": "by_line", "parts": [
        {"method": "card", "lines": [{"order_id": id, "line": 0}]},
        {"method": "cash", "lines": [{"order_id": id, "line": 1}]}
    ]}});
    let (status, paid) = close(&app, &bartender.token, &t["id"], &body).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(
        paid["payments"],
        json!([
            {"amount_cents": 1100, "method": "card", "lines": [{"order_id": id, "line": 0}]},
            {"amount_cents": 1100, "method": "cash", "lines": [{"order_id": id, "line": 1}]}
        ])
    );
    assert_eq!(
        tab(&app, &cy.token, &t["id"]).await["payments"],
        paid["payments"]
    );
    assert_eq!(app.count("tab_payments").await, 1 + 7 + 2);
}

#[tokio::test]
async fn every_split_that_does_not_fit_the_tab_is_a_422_and_closes_nothing() {
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let ada = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let order = app.order(&ada.token, &round(&items, "7")).await;
    let dropped = app.order(&ada.token, &negroni(&items, "7")).await;
    let (status, _) = app
        .set_status(
            &ada.token,
            dropped["id"].as_str().unwrap(),
            "cancelled",
            1,
            Some("no"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let t = tab(&app, &ada.token, &order["tab_id"]).await;
    let id = order["id"].clone();
    let gone = dropped["id"].clone();
    let line = |order: &Value, at: i64| json!({"order_id": order, "line": at});
    let by_line = |parts: Value| {
        json!({"version": t["version"], "confirm_open_orders": true,
            "split": {"kind": "by_line", "parts": parts}})
    };
    let equal = |parts: i64| {
        json!({"version": t["version"], "confirm_open_orders": true,
            "split": {"kind": "equal", "parts": parts, "method": "cash"}})
    };
    let cases = [
        ("no parts", equal(0), "invalid_parts"),
        ("one part", equal(1), "invalid_parts"),
        ("21 parts", equal(21), "invalid_parts"),
        (
            "one line part",
            by_line(json!([{"method": "card", "lines": [line(&id, 0), line(&id, 1)]}])),
            "invalid_parts",
        ),
        (
            "an empty part",
            by_line(json!([
                {"method": "card", "lines": [line(&id, 0), line(&id, 1)]},
                {"method": "card", "lines": []}
            ])),
            "empty_part",
        ),
        (
            "a line twice",
            by_line(json!([
                {"method": "card", "lines": [line(&id, 0)]},
                {"method": "cash", "lines": [line(&id, 0)]}
            ])),
            "repeated_line",
        ),
        (
            "a line of no order on the tab",
            by_line(json!([
                {"method": "card", "lines": [line(&id, 0)]},
                {"method": "cash", "lines": [line(&json!("elsewhere"), 0)]}
            ])),
            "unknown_line",
        ),
        (
            "a line beyond the order",
            by_line(json!([
                {"method": "card", "lines": [line(&id, 0), line(&id, 1)]},
                {"method": "cash", "lines": [line(&id, 2)]}
            ])),
            "unknown_line",
        ),
        (
            "a cancelled order's line",
            by_line(json!([
                {"method": "card", "lines": [line(&id, 0), line(&id, 1)]},
                {"method": "cash", "lines": [line(&gone, 0)]}
            ])),
            "cancelled_line",
        ),
    ];
    for (what, body, code) in cases {
        let (status, err) = close(&app, &bartender.token, &t["id"], &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {err}");
        assert_eq!(err["error"], code, "{what}: {err}");
        assert!(
            err["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}"
        );
    }
    // Every line must be paid by someone.
    let more = app.order(&ada.token, &negroni(&items, "7")).await;
    let t2 = tab(&app, &ada.token, &order["tab_id"]).await;
    let body = json!({"version": t2["version"], "confirm_open_orders": true,
    "split": {"kind": "by_line", "parts": [
        {"method": "card", "lines": [line(&id, 0)]},
        {"method": "cash", "lines": [line(&id, 1)]}
    ]}});
    let (status, err) = close(&app, &bartender.token, &t["id"], &body).await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing_line",
    );
    assert!(
        err["message"].as_str().unwrap().contains("Negroni"),
        "{err}"
    );
    assert_eq!(more["tab_id"], order["tab_id"]);
    assert_eq!(app.count("tab_payments").await, 0);
    assert_eq!(tab(&app, &ada.token, &t["id"]).await["status"], "open");
}

#[tokio::test]
async fn open_orders_need_confirming_before_the_tab_closes() {
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let ada = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let first = app.order(&ada.token, &round(&items, "7")).await;
    app.order(&ada.token, &negroni(&items, "7")).await;
    let t = tab(&app, &ada.token, &first["tab_id"]).await;

    let body = json!({"version": t["version"], "split": {"kind": "whole", "method": "card"}});
    let (status, err) = close(&app, &bartender.token, &t["id"], &body).await;
    assert_error(status, &err, StatusCode::CONFLICT, "open_orders");
    assert!(
        err["message"].as_str().unwrap().contains("2 orders"),
        "{err}"
    );
    assert_eq!(tab(&app, &ada.token, &t["id"]).await["status"], "open");

    // Served orders are not open.
    let id = first["id"].as_str().unwrap();
    for (status, version) in [("preparing", 1), ("ready", 2), ("served", 3)] {
        let (code, body) = app
            .set_status(&bartender.token, id, status, version, None)
            .await;
        assert_eq!(code, StatusCode::OK, "{body}");
    }
    let t = tab(&app, &ada.token, &first["tab_id"]).await;
    assert_eq!(t["open_orders"], 1);
    let (status, err) = close(&app, &bartender.token, &t["id"], &body).await;
    assert_error(status, &err, StatusCode::CONFLICT, "open_orders");
    assert!(
        err["message"].as_str().unwrap().contains("1 order"),
        "{err}"
    );

    let mut confirmed = body.clone();
    confirmed["confirm_open_orders"] = json!(true);
    let (status, paid) = close(&app, &bartender.token, &t["id"], &confirmed).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(amounts(&paid), [3300]);
}

#[tokio::test]
async fn closing_a_tab_twice_answers_who_closed_it() {
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let ada = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let admin = app.actor(Role::Admin).await;
    let order = app.order(&ada.token, &round(&items, "7")).await;
    let t = tab(&app, &ada.token, &order["tab_id"]).await;

    let (status, paid) = close(&app, &bartender.token, &t["id"], &whole(&t["version"])).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    for version in [&t["version"], &paid["version"]] {
        let (status, err) = close(&app, &admin.token, &t["id"], &whole(version)).await;
        assert_error(status, &err, StatusCode::CONFLICT, "tab_closed");
        assert!(
            err["message"].as_str().unwrap().contains("Test User"),
            "{err}"
        );
    }
    assert_eq!(app.count("tab_payments").await, 1);
    let (status, err) = close(
        &app,
        &admin.token,
        &json!("no-such-tab"),
        &whole(&t["version"]),
    )
    .await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn two_devices_closing_at_once_make_exactly_one_close() {
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let ada = app.actor(Role::Customer).await;
    let one = app.actor(Role::Bartender).await;
    let two = app.actor(Role::Bartender).await;
    for _ in 0..5 {
        let order = app.order(&ada.token, &round(&items, "7")).await;
        let t = tab(&app, &ada.token, &order["tab_id"]).await;
        let split = json!({"version": t["version"], "confirm_open_orders": true,
            "split": {"kind": "equal", "parts": 2, "method": "cash"}});
        let whole_tab = whole(&t["version"]);
        let (a, b) = tokio::join!(
            close(&app, &one.token, &t["id"], &whole_tab),
            close(&app, &two.token, &t["id"], &split),
        );
        let mut statuses = [a.0.as_u16(), b.0.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{a:?} {b:?}");
        let (_, lost) = if a.0 == StatusCode::OK {
            (a, b)
        } else {
            (b, a)
        };
        assert_eq!(lost.1["error"], "tab_closed", "{lost:?}");
        let stored = tab(&app, &ada.token, &t["id"]).await;
        assert_eq!(stored["status"], "paid");
        assert_eq!(amounts(&stored).iter().sum::<i64>(), 2200);
    }
    assert_eq!(app.count("tabs").await, 5, "each round opened a new tab");
}

#[tokio::test]
async fn a_close_that_names_an_older_version_is_stale_and_a_new_order_after_paying_opens_a_new_tab()
{
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let ada = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let order = app.order(&ada.token, &round(&items, "7")).await;
    let shown = tab(&app, &ada.token, &order["tab_id"]).await;

    // An order lands while the bartender's screen shows the old total.
    app.order(&ada.token, &negroni(&items, "7")).await;
    let (status, err) = close(
        &app,
        &bartender.token,
        &shown["id"],
        &whole(&shown["version"]),
    )
    .await;
    assert_error(status, &err, StatusCode::CONFLICT, "stale_version");
    let now = tab(&app, &ada.token, &shown["id"]).await;
    assert_eq!(
        err["current"], now,
        "the tab as it is now comes with the refusal"
    );
    assert_eq!(now["status"], "open");
    assert_eq!(now["total_cents"], 3300);
    let (status, paid) = close(&app, &bartender.token, &now["id"], &whole(&now["version"])).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(amounts(&paid), [3300]);

    let later = app.order(&ada.token, &negroni(&items, "7")).await;
    assert_ne!(
        later["tab_id"], order["tab_id"],
        "a paid tab takes no more orders"
    );
    let fresh = tab(&app, &ada.token, &later["tab_id"]).await;
    assert_eq!(fresh["status"], "open");
    assert_eq!(fresh["total_cents"], 1100);
    assert_eq!(fresh["orders"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn only_staff_close_tabs() {
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let ada = app.actor(Role::Customer).await;
    let order = app.order(&ada.token, &round(&items, "7")).await;
    let t = tab(&app, &ada.token, &order["tab_id"]).await;
    let (status, err) = close(&app, &ada.token, &t["id"], &whole(&t["version"])).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
    let path = format!("/api/tabs/{}/close", t["id"].as_str().unwrap());
    let res = app
        .client
        .post(app.url(&path))
        .json(&whole(&t["version"]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(tab(&app, &ada.token, &t["id"]).await["status"], "open");
}

#[tokio::test]
async fn the_guest_hears_their_order_join_the_tab_and_the_tab_get_paid_and_nobody_else_does() {
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let ada = app.actor(Role::Customer).await;
    let ben = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let mut guest = open_stream(&app, &ada.token, None).await;
    let mut staff = open_stream(&app, &bartender.token, None).await;
    let mut other = open_stream(&app, &ben.token, None).await;
    guest.until("ready").await;
    staff.until("ready").await;
    other.until("ready").await;

    // An order joining the tab comes as its order, naming the tab.
    let order = app.order(&ada.token, &round(&items, "7")).await;
    let placed = guest.until("order").await;
    assert_eq!(placed.data["tab_id"], order["tab_id"]);
    assert_eq!(staff.until("order").await.data["tab_id"], order["tab_id"]);
    let opened = tab(&app, &ada.token, &order["tab_id"]).await;
    assert_eq!(opened["status"], "open");
    assert_eq!(opened["total_cents"], 2200);

    let (status, _) = close(
        &app,
        &bartender.token,
        &order["tab_id"],
        &whole(&opened["version"]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let paid = guest.until("tab").await;
    assert_eq!(paid.data["status"], "paid");
    assert_eq!(paid.data["payments"][0]["amount_cents"], 2200);
    assert_eq!(paid.data["payments"][0]["method"], "card");
    assert_eq!(staff.until("tab").await.data["status"], "paid");

    // Ben's stream carries nothing of Ada's tab.
    while let Some(event) = other
        .next_within(std::time::Duration::from_millis(500))
        .await
    {
        assert_ne!(event.event, "tab", "{event:?}");
    }
}

#[tokio::test]
async fn hostile_close_bodies_are_refused_in_the_error_shape() {
    let app = spawn_app().await;
    let (_admin, items) = app.small_menu().await;
    let ada = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let order = app.order(&ada.token, &round(&items, "7")).await;
    let t = tab(&app, &ada.token, &order["tab_id"]).await;
    let v = t["version"].clone();
    let cases = [
        ("null", json!(null)),
        ("no split", json!({"version": v})),
        (
            "no version",
            json!({"split": {"kind": "whole", "method": "card"}}),
        ),
        (
            "a text version",
            json!({"version": "1", "split": {"kind": "whole", "method": "card"}}),
        ),
        (
            "an unknown kind",
            json!({"version": v, "split": {"kind": "dine_and_dash", "method": "card"}}),
        ),
        (
            "no kind",
            json!({"version": v, "split": {"method": "card"}}),
        ),
        (
            "an unknown method",
            json!({"version": v, "split": {"kind": "whole", "method": "bitcoin"}}),
        ),
        (
            "negative parts",
            json!({"version": v, "split": {"kind": "equal", "parts": -2, "method": "card"}}),
        ),
        (
            "huge parts",
            json!({"version": v, "split": {"kind": "equal", "parts": 1e12, "method": "card"}}),
        ),
        (
            "a text line",
            json!({"version": v, "split": {"kind": "by_line", "parts": [
            {"method": "card", "lines": [{"order_id": order["id"], "line": "first"}]}]}}),
        ),
        (
            "an unknown field",
            json!({"version": v, "tip": 500, "split": {"kind": "whole", "method": "card"}}),
        ),
        (
            "a confirmation as text",
            json!({"version": v, "confirm_open_orders": "yes",
            "split": {"kind": "whole", "method": "card"}}),
        ),
    ];
    for (what, body) in cases {
        let (status, err) = close(&app, &bartender.token, &t["id"], &body).await;
        assert!(status.is_client_error(), "{what}: {status} {err}");
        assert!(
            err["error"].as_str().is_some_and(|c| !c.is_empty()),
            "{what}: {err}"
        );
        assert!(
            err["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{what}: {err}"
        );
    }
    let path = format!("/api/tabs/{}/close", t["id"].as_str().unwrap());
    let res = app
        .client
        .request(Method::POST, app.url(&path))
        .bearer_auth(&bartender.token)
        .header("content-type", "application/json")
        .body("{\"version\": ")
        .send()
        .await
        .unwrap();
    let (status, err) = status_json(res).await;
    assert_error(status, &err, StatusCode::BAD_REQUEST, "invalid_json");
    assert_eq!(tab(&app, &ada.token, &t["id"]).await["status"], "open");
    assert_eq!(app.count("tab_payments").await, 0);
}

#[tokio::test]
async fn the_dashboard_counts_open_tabs_and_what_they_come_to() {
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let ada = app.actor(Role::Customer).await;
    let ben = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let stats = || async {
        let (status, body) = app.get_auth("/api/admin/stats", &admin.token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (body["open_tabs"].clone(), body["open_tabs_cents"].clone())
    };
    assert_eq!(stats().await, (json!(0), json!(0)));

    let first = app.order(&ada.token, &round(&items, "7")).await;
    app.order(&ada.token, &negroni(&items, "7")).await;
    let cancelled = app.order(&ben.token, &negroni(&items, "2")).await;
    let id = cancelled["id"].as_str().unwrap();
    let (status, body) = app
        .set_status(&ben.token, id, "cancelled", 1, Some("wrong table"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Ada's tab (2,200 + 1,100) and Ben's, whose one order was cancelled.
    assert_eq!(stats().await, (json!(2), json!(3300)));

    let open = tab(&app, &bartender.token, &first["tab_id"]).await;
    let (status, body) = close(
        &app,
        &bartender.token,
        &first["tab_id"],
        &whole(&open["version"]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stats().await, (json!(1), json!(0)));
}
