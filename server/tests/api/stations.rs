//! Stations: admins keep the list (names checked, duplicates refused, a
//! station deleted only when no open order and no category needs it); each
//! line of an order copies its category's station; each station marks its
//! own lines ready and the order is ready once every station is; a
//! station's mark is recalled like any bump, under the same rules.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared::api::Role;
use shared::bar::{RECALL_WINDOW_SECS, STATIONS_MAX, STATION_NAME_MAX_LEN};

use crate::bar_helpers::*;
use crate::helpers::*;

/// A bar with two stations and one item at each.
pub(crate) struct Bar {
    pub(crate) admin: Actor,
    pub(crate) bartender: Actor,
    pub(crate) customer: Actor,
    pub(crate) bar: String,
    pub(crate) kitchen: String,
    pub(crate) snacks: String,
    pub(crate) lager: String,
    pub(crate) nachos: String,
}

/// Adds a station that must be created; answers it.
async fn add_station(app: &TestApp, admin: &Actor, name: &str) -> Value {
    let (status, body) = app
        .post_auth("/api/admin/stations", &admin.token, &json!({"name": name}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// The stations as `token` reads them.
async fn stations(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, body) = app.get_auth("/api/stations", token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["stations"].as_array().unwrap().clone()
}

fn names(list: &[Value]) -> Vec<&str> {
    list.iter().map(|s| s["name"].as_str().unwrap()).collect()
}

/// Stations that share a position are listed by name compared byte by
/// byte, as the menu's categories and items are, whatever the database's
/// collation: on PostgreSQL this test's database sorts text as American
/// English does, where "apple" comes before "Banana" and "Bar".
#[tokio::test]
async fn stations_that_share_a_position_are_listed_in_byte_order_on_any_collation() {
    let app = spawn_app_sorting_as_english().await;
    let language_order = scalar(&app, "SELECT 'apple' < 'Banana'").await;
    assert_eq!(language_order, on_postgres(), "the database's own order");
    let admin = app.actor(Role::Admin).await;
    for name in ["apple", "Bar", "Banana"] {
        add_station(&app, &admin, name).await;
    }
    assert!(scalar(&app, "UPDATE stations SET position = 1 RETURNING TRUE").await);
    let listed = stations(&app, &admin.token).await;
    assert_eq!(names(&listed), ["Banana", "Bar", "apple"]);
}

async fn rename_station(app: &TestApp, admin: &Actor, id: &str, name: &str) -> (StatusCode, Value) {
    app.send_auth(
        Method::PATCH,
        &format!("/api/admin/stations/{id}"),
        &admin.token,
        Some(&json!({"name": name})),
    )
    .await
}

async fn delete_station(app: &TestApp, admin: &Actor, id: &str) -> (StatusCode, Value) {
    app.delete_auth(&format!("/api/admin/stations/{id}"), &admin.token)
        .await
}

/// Creates a category at a station; answers it.
async fn category_at(app: &TestApp, admin: &Actor, name: &str, station: &str) -> Value {
    let (status, body) = app
        .post_auth(
            "/api/menu/categories",
            &admin.token,
            &json!({"name": name, "station_id": station}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

/// Bar and Kitchen, beer poured at the bar and snacks made in the kitchen.
pub(crate) async fn bar_and_kitchen(app: &TestApp) -> Bar {
    let admin = app.actor(Role::Admin).await;
    let bar = add_station(app, &admin, "Bar").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let kitchen = add_station(app, &admin, "Kitchen").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let beer = category_at(app, &admin, "Draught beer", &bar).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let snacks = category_at(app, &admin, "Snacks", &kitchen).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let lager = app.item(&admin, &beer, "House Lager", 550).await;
    let nachos = app.item(&admin, &snacks, "Nachos", 850).await;
    Bar {
        admin,
        bartender: app.actor(Role::Bartender).await,
        customer: app.actor(Role::Customer).await,
        bar,
        kitchen,
        snacks,
        lager,
        nachos,
    }
}

/// A guest orders two lagers and nachos (received, version 1); answers the order.
async fn drinks_and_food(app: &TestApp, bar: &Bar) -> Value {
    app.order(
        &bar.customer.token,
        &json!({
            "table": "4",
            "lines": [
                {"item_id": bar.lager, "quantity": 2},
                {"item_id": bar.nachos, "quantity": 1}
            ]
        }),
    )
    .await
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().unwrap().to_owned()
}

async fn station_ready(
    app: &TestApp,
    token: &str,
    order: &str,
    station: &str,
    version: i64,
) -> (StatusCode, Value) {
    app.post_auth(
        &format!("/api/orders/{order}/stations/{station}/ready"),
        token,
        &json!({"version": version}),
    )
    .await
}

async fn recall_station(
    app: &TestApp,
    token: &str,
    order: &str,
    station: &str,
    version: i64,
) -> (StatusCode, Value) {
    app.post_auth(
        &format!("/api/orders/{order}/recall"),
        token,
        &json!({"version": version, "station_id": station}),
    )
    .await
}

/// Whether each line is ready, in order.
fn ready_flags(order: &Value) -> Vec<bool> {
    order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ready"].as_bool().unwrap())
        .collect()
}

async fn read(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, order) = app.get_auth(&format!("/api/orders/{id}"), token).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    order
}

/// Moves an order through `statuses` from `version`; answers the last.
async fn bump_through(
    app: &TestApp,
    token: &str,
    id: &str,
    statuses: &[&str],
    mut version: i64,
) -> Value {
    let mut last = Value::Null;
    for status in statuses {
        let (code, order) = app.set_status(token, id, status, version, None).await;
        assert_eq!(code, StatusCode::OK, "{status}: {order}");
        version = order["version"].as_i64().unwrap();
        last = order;
    }
    last
}

#[tokio::test]
async fn admins_add_rename_and_delete_stations_and_staff_read_them_in_order() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let bartender = app.actor(Role::Bartender).await;
    assert!(stations(&app, &bartender.token).await.is_empty());

    let bar = add_station(&app, &admin, "  Bar ").await;
    assert_eq!(bar["name"], "Bar", "names are trimmed");
    let kitchen = add_station(&app, &admin, "Kitchen").await;
    assert!(kitchen["position"].as_i64() > bar["position"].as_i64());
    assert_eq!(
        names(&stations(&app, &bartender.token).await),
        ["Bar", "Kitchen"]
    );

    let (status, renamed) = rename_station(&app, &admin, &id_of(&kitchen), "Grill").await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["name"], "Grill");
    assert_eq!(renamed["id"], kitchen["id"]);
    // Renaming a station to its own name in other letters is no clash.
    let (status, same) = rename_station(&app, &admin, &id_of(&bar), "BAR").await;
    assert_eq!(status, StatusCode::OK, "{same}");

    let (status, deleted) = delete_station(&app, &admin, &id_of(&kitchen)).await;
    assert_eq!(status, StatusCode::OK, "{deleted}");
    assert_eq!(deleted["outcome"], "deleted");
    assert_eq!(names(&stations(&app, &admin.token).await), ["BAR"]);
}

#[tokio::test]
async fn bad_names_duplicates_unknown_ids_and_non_admins_are_refused() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let bar = add_station(&app, &admin, "Bar").await;
    let kitchen = add_station(&app, &admin, "Kitchen").await;

    let too_long = "a".repeat(STATION_NAME_MAX_LEN + 1);
    for bad in ["", "   ", too_long.as_str(), "Bar\nTwo"] {
        let (status, err) = app
            .post_auth("/api/admin/stations", &admin.token, &json!({"name": bad}))
            .await;
        assert_error(
            status,
            &err,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    let (status, err) = app
        .post_auth("/api/admin/stations", &admin.token, &json!({"name": "bar"}))
        .await;
    assert_error(status, &err, StatusCode::CONFLICT, "station_exists");
    let (status, err) = rename_station(&app, &admin, &id_of(&kitchen), " BAR ").await;
    assert_error(status, &err, StatusCode::CONFLICT, "station_exists");
    let (status, err) = rename_station(&app, &admin, &id_of(&bar), "").await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );

    let (status, err) = rename_station(&app, &admin, "no-such-station", "Terrace").await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
    let (status, err) = delete_station(&app, &admin, "no-such-station").await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");
    let (status, err) = delete_station(&app, &admin, &"x".repeat(500)).await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");

    for role in [Role::Bartender, Role::Customer] {
        let actor = app.actor(role).await;
        let (status, err) = app
            .post_auth(
                "/api/admin/stations",
                &actor.token,
                &json!({"name": "Terrace"}),
            )
            .await;
        assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
        let (status, err) = rename_station(&app, &actor, &id_of(&bar), "Terrace").await;
        assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
        let (status, err) = delete_station(&app, &actor, &id_of(&kitchen)).await;
        assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
    }
    let res = app
        .client
        .get(app.url("/api/stations"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Hostile bodies: not JSON, the wrong type, an unknown field.
    let res = app
        .client
        .post(app.url("/api/admin/stations"))
        .bearer_auth(&admin.token)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let (status, err) = status_json(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    assert!(err["error"].is_string(), "{err}");
    for body in [
        json!({"name": 5}),
        json!({"name": "Terrace", "colour": "red"}),
        json!([]),
    ] {
        let (status, err) = app
            .post_auth("/api/admin/stations", &admin.token, &body)
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {err}");
        assert!(err["error"].is_string(), "{err}");
    }
    assert_eq!(
        names(&stations(&app, &admin.token).await),
        ["Bar", "Kitchen"]
    );
}

#[tokio::test]
async fn a_bar_has_at_most_so_many_stations() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    for n in 0..STATIONS_MAX {
        add_station(&app, &admin, &format!("Station {n}")).await;
    }
    let (status, err) = app
        .post_auth(
            "/api/admin/stations",
            &admin.token,
            &json!({"name": "One more"}),
        )
        .await;
    assert_error(status, &err, StatusCode::CONFLICT, "too_many_stations");
    assert_eq!(stations(&app, &admin.token).await.len(), STATIONS_MAX);
}

#[tokio::test]
async fn a_category_is_prepared_at_the_first_station_unless_it_names_one() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    // A bar without stations gets its first with its first category.
    let beer = app.category(&admin, "Draught beer").await;
    let list = stations(&app, &admin.token).await;
    assert_eq!(names(&list), ["Bar"]);
    let bar = id_of(&list[0]);
    let (_, menu) = app.get_auth("/api/menu", &admin.token).await;
    assert_eq!(menu["categories"][0]["id"], beer.as_str());
    assert_eq!(menu["categories"][0]["station_id"], bar.as_str());

    let kitchen = id_of(&add_station(&app, &admin, "Kitchen").await);
    let snacks = category_at(&app, &admin, "Snacks", &kitchen).await;
    assert_eq!(snacks["station_id"], kitchen.as_str());
    let wine = app.category(&admin, "Wine").await;
    let (_, menu) = app.get_auth("/api/menu", &admin.token).await;
    let wine = menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == wine.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        wine["station_id"],
        bar.as_str(),
        "none named: the first station"
    );

    for unknown in ["no-such-station", ""] {
        let (status, err) = app
            .post_auth(
                "/api/menu/categories",
                &admin.token,
                &json!({"name": "Desserts", "station_id": unknown}),
            )
            .await;
        assert_error(
            status,
            &err,
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_station",
        );
    }
    let (status, err) = app
        .post_auth(
            "/api/menu/categories",
            &admin.token,
            &json!({"name": "Desserts", "station_id": 7}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");

    // Renaming keeps the station; naming one moves the category.
    let path = format!("/api/menu/categories/{}", id_of(&snacks));
    let (status, renamed) = app
        .send_auth(
            Method::PATCH,
            &path,
            &admin.token,
            Some(&json!({"name": "Food"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["station_id"], kitchen.as_str());
    let (status, moved) = app
        .send_auth(
            Method::PATCH,
            &path,
            &admin.token,
            Some(&json!({"name": "Food", "station_id": bar})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["station_id"], bar.as_str());
    let (status, err) = app
        .send_auth(
            Method::PATCH,
            &path,
            &admin.token,
            Some(&json!({"name": "Food", "station_id": "gone"})),
        )
        .await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_station",
    );
}

#[tokio::test]
async fn a_station_deleted_while_it_has_open_lines_is_refused_and_nothing_changes() {
    let app = spawn_app().await;
    let bar = bar_and_kitchen(&app).await;
    let order = drinks_and_food(&app, &bar).await;
    let id = id_of(&order);
    let events = app.count("events").await;

    let (status, err) = delete_station(&app, &bar.admin, &bar.kitchen).await;
    assert_error(status, &err, StatusCode::CONFLICT, "station_has_open_lines");
    let message = err["message"].as_str().unwrap();
    assert!(message.starts_with("1 open order"), "{message}");
    assert_eq!(
        names(&stations(&app, &bar.admin.token).await),
        ["Bar", "Kitchen"]
    );
    assert_eq!(app.count("events").await, events);
    let now = read(&app, &bar.bartender.token, &id).await;
    assert_eq!(now["version"], 1, "the order did not change");
    assert_eq!(now["lines"], order["lines"]);

    // Served, the order no longer waits on it; the menu still does.
    bump_through(
        &app,
        &bar.bartender.token,
        &id,
        &["preparing", "ready", "served"],
        1,
    )
    .await;
    let (status, err) = delete_station(&app, &bar.admin, &bar.kitchen).await;
    assert_error(status, &err, StatusCode::CONFLICT, "station_in_use");
    assert!(err["message"].as_str().unwrap().contains("Snacks"), "{err}");

    let (status, moved) = app
        .send_auth(
            Method::PATCH,
            &format!("/api/menu/categories/{}", bar.snacks),
            &bar.admin.token,
            Some(&json!({"name": "Snacks", "station_id": bar.bar})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let (status, deleted) = delete_station(&app, &bar.admin, &bar.kitchen).await;
    assert_eq!(status, StatusCode::OK, "{deleted}");
    assert_eq!(names(&stations(&app, &bar.admin.token).await), ["Bar"]);

    // The order keeps the station it was prepared at.
    let served = read(&app, &bar.bartender.token, &id).await;
    assert_eq!(served["lines"][1]["station_name"], "Kitchen");
    assert_eq!(served["lines"][1]["station_id"], bar.kitchen.as_str());
}

#[tokio::test]
async fn the_last_station_cannot_be_deleted() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let only = id_of(&add_station(&app, &admin, "Bar").await);
    let (status, err) = delete_station(&app, &admin, &only).await;
    assert_error(status, &err, StatusCode::CONFLICT, "last_station");
    assert_eq!(names(&stations(&app, &admin.token).await), ["Bar"]);
}

#[tokio::test]
async fn an_archived_category_moves_to_the_first_station_when_its_own_is_deleted() {
    let app = spawn_app().await;
    let bar = bar_and_kitchen(&app).await;
    let order = drinks_and_food(&app, &bar).await;
    let (status, cancelled) = app
        .set_status(
            &bar.bartender.token,
            &id_of(&order),
            "cancelled",
            1,
            Some("the guest left"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    // Nachos were ordered once, so deleting them archives them, and with
    // them their category.
    let (status, body) = app
        .delete_auth(&format!("/api/menu/items/{}", bar.nachos), &bar.admin.token)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .delete_auth(
            &format!("/api/menu/categories/{}", bar.snacks),
            &bar.admin.token,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, deleted) = delete_station(&app, &bar.admin, &bar.kitchen).await;
    assert_eq!(status, StatusCode::OK, "{deleted}");
    assert_eq!(names(&stations(&app, &bar.admin.token).await), ["Bar"]);
}

#[tokio::test]
async fn each_line_copies_its_categorys_station_when_ordered() {
    let app = spawn_app().await;
    let bar = bar_and_kitchen(&app).await;
    let order = drinks_and_food(&app, &bar).await;
    assert_eq!(order["lines"][0]["station_id"], bar.bar.as_str());
    assert_eq!(order["lines"][0]["station_name"], "Bar");
    assert_eq!(order["lines"][1]["station_id"], bar.kitchen.as_str());
    assert_eq!(order["lines"][1]["station_name"], "Kitchen");
    assert_eq!(ready_flags(&order), [false, false]);

    let (status, _) = rename_station(&app, &bar.admin, &bar.kitchen, "Grill").await;
    assert_eq!(status, StatusCode::OK);
    let now = read(&app, &bar.bartender.token, &id_of(&order)).await;
    assert_eq!(now["lines"][1]["station_name"], "Kitchen", "a snapshot");
    let again = drinks_and_food(&app, &bar).await;
    assert_eq!(again["lines"][1]["station_name"], "Grill");
}

#[tokio::test]
async fn each_station_marks_its_lines_and_the_order_is_ready_when_every_station_is() {
    let app = spawn_app().await;
    let bar = bar_and_kitchen(&app).await;
    let order = drinks_and_food(&app, &bar).await;
    let id = id_of(&order);
    let token = &bar.bartender.token;
    let events = app.count("events").await;

    let (status, poured) = station_ready(&app, token, &id, &bar.bar, 1).await;
    assert_eq!(status, StatusCode::OK, "{poured}");
    assert_eq!(poured["status"], "preparing");
    assert_eq!(poured["version"], 2);
    assert_eq!(ready_flags(&poured), [true, false]);
    assert!(poured["ready_at"].is_null(), "{poured}");
    assert_eq!(app.count("events").await, events + 1);

    let (status, cooked) = station_ready(&app, token, &id, &bar.kitchen, 2).await;
    assert_eq!(status, StatusCode::OK, "{cooked}");
    assert_eq!(cooked["status"], "ready");
    assert_eq!(cooked["version"], 3);
    assert_eq!(ready_flags(&cooked), [true, true]);
    assert!(cooked["ready_at"].is_string(), "{cooked}");
    assert_eq!(app.count("events").await, events + 2);
    assert_eq!(read(&app, &bar.customer.token, &id).await, cooked);

    // The kitchen first works the same way round.
    let other = id_of(&drinks_and_food(&app, &bar).await);
    let (status, first) = station_ready(&app, token, &other, &bar.kitchen, 1).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["status"], "preparing");
    assert_eq!(ready_flags(&first), [false, true]);
}

#[tokio::test]
async fn a_station_ready_is_refused_when_stale_repeated_elsewhere_or_closed() {
    let app = spawn_app().await;
    let bar = bar_and_kitchen(&app).await;
    let id = id_of(&drinks_and_food(&app, &bar).await);
    let token = &bar.bartender.token;

    let (status, _) = station_ready(&app, token, &id, &bar.bar, 1).await;
    assert_eq!(status, StatusCode::OK);
    let (status, err) = station_ready(&app, token, &id, &bar.kitchen, 1).await;
    assert_error(status, &err, StatusCode::CONFLICT, "stale_version");
    let (status, err) = station_ready(&app, token, &id, &bar.bar, 2).await;
    assert_error(status, &err, StatusCode::CONFLICT, "already_ready");
    let terrace = id_of(&add_station(&app, &bar.admin, "Terrace").await);
    let (status, err) = station_ready(&app, token, &id, &terrace, 2).await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_lines_at_station",
    );
    let (status, err) = station_ready(&app, &bar.customer.token, &id, &bar.kitchen, 2).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
    let (status, err) = station_ready(&app, token, "no-such-order", &bar.kitchen, 2).await;
    assert_error(status, &err, StatusCode::NOT_FOUND, "not_found");

    // Hostile bodies change nothing.
    let path = format!("/api/orders/{id}/stations/{}/ready", bar.kitchen);
    for body in [
        json!({"version": "2"}),
        json!({}),
        json!({"version": 2, "status": "ready"}),
    ] {
        let (status, err) = app.post_auth(&path, token, &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {err}");
        assert!(err["error"].is_string(), "{err}");
    }
    let res = app
        .client
        .post(app.url(&path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body("version=2")
        .send()
        .await
        .unwrap();
    let (status, err) = status_json(res).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{err}");
    let now = read(&app, token, &id).await;
    assert_eq!(now["version"], 2);
    assert_eq!(ready_flags(&now), [true, false]);

    // A cancelled order's lines never change.
    let (status, cancelled) = app
        .set_status(token, &id, "cancelled", 2, Some("the guest left"))
        .await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    let (status, err) = station_ready(&app, token, &id, &bar.kitchen, 3).await;
    assert_error(status, &err, StatusCode::CONFLICT, "order_closed");
}

#[tokio::test]
async fn the_whole_order_marked_ready_marks_every_line_and_its_recall_takes_them_back() {
    let app = spawn_app().await;
    let bar = bar_and_kitchen(&app).await;
    let id = id_of(&drinks_and_food(&app, &bar).await);
    let token = &bar.bartender.token;

    let (status, _) = station_ready(&app, token, &id, &bar.bar, 1).await;
    assert_eq!(status, StatusCode::OK);
    let ready = bump_through(&app, token, &id, &["ready"], 2).await;
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready_flags(&ready), [true, true]);

    let (status, back) = app
        .post_auth(
            &format!("/api/orders/{id}/recall"),
            token,
            &json!({"version": 3}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["status"], "preparing");
    assert_eq!(ready_flags(&back), [false, false]);
}

#[tokio::test]
async fn a_station_recall_takes_back_only_that_stations_lines() {
    let app = spawn_app().await;
    let bar = bar_and_kitchen(&app).await;
    let id = id_of(&drinks_and_food(&app, &bar).await);
    let token = &bar.bartender.token;
    let (status, _) = station_ready(&app, token, &id, &bar.bar, 1).await;
    assert_eq!(status, StatusCode::OK);
    let (_, ready) = station_ready(&app, token, &id, &bar.kitchen, 2).await;
    assert_eq!(ready["status"], "ready");

    let (status, err) = recall_station(&app, token, &id, &bar.kitchen, 2).await;
    assert_error(status, &err, StatusCode::CONFLICT, "stale_version");
    let (status, back) = recall_station(&app, token, &id, &bar.kitchen, 3).await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["status"], "preparing");
    assert_eq!(back["version"], 4);
    assert!(back["ready_at"].is_null(), "{back}");
    assert_eq!(ready_flags(&back), [true, false]);

    let (status, err) = recall_station(&app, token, &id, &bar.kitchen, 4).await;
    assert_error(status, &err, StatusCode::CONFLICT, "nothing_to_recall");
    let terrace = id_of(&add_station(&app, &bar.admin, "Terrace").await);
    let (status, err) = recall_station(&app, token, &id, &terrace, 4).await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_lines_at_station",
    );

    // The bar's recall leaves a preparing order preparing.
    let (status, bar_back) = recall_station(&app, token, &id, &bar.bar, 4).await;
    assert_eq!(status, StatusCode::OK, "{bar_back}");
    assert_eq!(bar_back["status"], "preparing");
    assert_eq!(ready_flags(&bar_back), [false, false]);

    // Once the order moved on to served, no station takes its mark back.
    let (status, _) = station_ready(&app, token, &id, &bar.bar, 5).await;
    assert_eq!(status, StatusCode::OK);
    let (_, ready) = station_ready(&app, token, &id, &bar.kitchen, 6).await;
    assert_eq!(ready["status"], "ready");
    let served = bump_through(&app, token, &id, &["served"], 7).await;
    let (status, err) = recall_station(&app, token, &id, &bar.kitchen, 8).await;
    assert_error(status, &err, StatusCode::CONFLICT, "order_closed");
    assert!(err["message"].as_str().unwrap().contains("served"), "{err}");
    assert_eq!(read(&app, token, &id).await, served);

    let (status, err) = recall_station(&app, &bar.customer.token, &id, &bar.kitchen, 8).await;
    assert_error(status, &err, StatusCode::FORBIDDEN, "forbidden");
    let (status, err) = app
        .post_auth(
            &format!("/api/orders/{id}/recall"),
            token,
            &json!({"version": 8, "station_id": ["x"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
}

#[tokio::test]
async fn a_station_recall_after_five_minutes_is_expired_and_just_inside_works() {
    let app = spawn_app().await;
    let bar = bar_and_kitchen(&app).await;
    let id = id_of(&drinks_and_food(&app, &bar).await);
    let token = &bar.bartender.token;
    let window = Duration::from_secs(RECALL_WINDOW_SECS.unsigned_abs());

    let (status, _) = station_ready(&app, token, &id, &bar.bar, 1).await;
    assert_eq!(status, StatusCode::OK);
    app.clock.advance(window + Duration::from_secs(1));
    let (status, err) = recall_station(&app, token, &id, &bar.bar, 2).await;
    assert_error(status, &err, StatusCode::CONFLICT, "recall_expired");
    assert_eq!(read(&app, token, &id).await["version"], 2);

    // The window counts from the station's own mark, not the order's.
    let (status, _) = station_ready(&app, token, &id, &bar.kitchen, 2).await;
    assert_eq!(status, StatusCode::OK);
    app.clock.advance(window - Duration::from_secs(1));
    let (status, back) = recall_station(&app, token, &id, &bar.kitchen, 3).await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["status"], "preparing");
    assert_eq!(ready_flags(&back), [true, false]);
}
