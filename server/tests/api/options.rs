//! Options on menu items: the groups an admin gives an item (kept ids stay
//! the same), every bad list refused, orders priced with the options chosen
//! and checked against them, one option sold out by staff, the price a
//! guest was shown, and the copy an order line keeps.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared::api::Role;

use crate::bar_helpers::*;
use crate::helpers::*;

/// The lager's groups: a required size (a half pint 2.50 less) and up to
/// two extras.
fn lager_groups() -> Value {
    json!([
        {
            "name": "Size",
            "min_choices": 1,
            "max_choices": 1,
            "options": [
                {"name": "Pint"},
                {"name": "Half pint", "price_delta_cents": -250}
            ]
        },
        {
            "name": "Extras",
            "max_choices": 2,
            "options": [
                {"name": "Lime", "price_delta_cents": 20},
                {"name": "Shot", "price_delta_cents": 300},
                {"name": "Ice"}
            ]
        }
    ])
}

/// The small menu with options on the lager (550): (admin, the lager as
/// the API answers it, [lager id, Negroni id]).
async fn menu_with_options(app: &TestApp) -> (Actor, Value, Vec<String>) {
    let (admin, items) = app.small_menu().await;
    let lager = app.set_options(&admin, &items[0], &lager_groups()).await;
    (admin, lager, items)
}

/// The item `id` as the public menu shows it.
async fn on_the_menu(app: &TestApp, id: &str) -> Value {
    let res = app.client.get(app.url("/api/menu")).send().await.unwrap();
    let (status, menu) = status_json(res).await;
    assert_eq!(status, StatusCode::OK, "{menu}");
    menu["categories"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["items"].as_array().unwrap().iter())
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} is not on the menu: {menu}"))
        .clone()
}

/// One order line of the lager (quantity 1) with the options named.
fn lager_line(lager: &Value, options: &[&str]) -> Value {
    let ids: Vec<String> = options.iter().map(|name| option_id(lager, name)).collect();
    json!({"item_id": lager["id"], "quantity": 1, "options": ids})
}

fn at_table(lines: Value) -> Value {
    json!({"table": "7", "lines": lines})
}

/// Where staff switch one option of an item.
fn option_path(item: &str, option: &str) -> String {
    format!("/api/menu/items/{item}/options/{option}/availability")
}

#[tokio::test]
async fn an_admin_creates_an_item_with_groups_and_the_menu_shows_them_in_order_with_ids() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let beer = app.category(&admin, "Draught beer").await;
    let (status, item) = app
        .post_auth(
            "/api/menu/items",
            &admin.token,
            &json!({
                "category_id": beer,
                "name": "House Lager",
                "price_cents": 550,
                "option_groups": lager_groups()
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let groups = item["option_groups"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Size", "Extras"]);
    assert_eq!(groups[0]["min_choices"], 1);
    assert_eq!(groups[0]["max_choices"], 1);
    assert_eq!(groups[1]["min_choices"], 0, "a left-out minimum is 0");
    assert_eq!(groups[1]["max_choices"], 2);
    let extras: Vec<(&str, i64, bool)> = groups[1]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["name"].as_str().unwrap(),
                o["price_delta_cents"].as_i64().unwrap(),
                o["available"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        extras,
        [("Lime", 20, true), ("Shot", 300, true), ("Ice", 0, true)]
    );
    assert_eq!(groups[0]["options"][1]["price_delta_cents"], -250);
    // Every group and option has an id of its own.
    let mut ids: Vec<&str> = groups
        .iter()
        .flat_map(|g| {
            std::iter::once(g["id"].as_str().unwrap()).chain(
                g["options"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|o| o["id"].as_str().unwrap()),
            )
        })
        .collect();
    assert!(ids.iter().all(|id| !id.is_empty()));
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 2 + 5);
    // The menu shows them as created, to anyone.
    let shown = on_the_menu(&app, item["id"].as_str().unwrap()).await;
    assert_eq!(shown["option_groups"], item["option_groups"]);
    assert_eq!(shown["price_cents"], 550, "the price with no options");
    // An item created without groups has none.
    let plain = app.item(&admin, &beer, "Stout", 620).await;
    assert_eq!(on_the_menu(&app, &plain).await["option_groups"], json!([]));
}

#[tokio::test]
async fn an_update_replaces_the_groups_and_kept_ids_stay_the_same() {
    let app = spawn_app().await;
    let (admin, lager, items) = menu_with_options(&app).await;
    let size = &lager["option_groups"][0];
    let pint = option_id(&lager, "Pint");
    let half = option_id(&lager, "Half pint");
    let old_extras = lager["option_groups"][1]["id"].as_str().unwrap().to_owned();
    // A change that does not name the groups keeps them.
    let (status, item) = app
        .send_auth(
            Method::PATCH,
            &format!("/api/menu/items/{}", items[0]),
            &admin.token,
            Some(&json!({"price_cents": 600, "description": "Crisp."})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(item["option_groups"], lager["option_groups"]);

    // Size keeps its id and both options (one renamed), gains one; Extras
    // goes; a new group comes.
    let item = app
        .set_options(
            &admin,
            &items[0],
            &json!([
                {
                    "name": "Glass",
                    "max_choices": 1,
                    "options": [{"name": "Frozen glass"}]
                },
                {
                    "id": size["id"],
                    "name": "Size",
                    "min_choices": 1,
                    "max_choices": 1,
                    "options": [
                        {"id": half, "name": "Half", "price_delta_cents": -250},
                        {"id": pint, "name": "Pint"},
                        {"name": "Schooner", "price_delta_cents": -120}
                    ]
                }
            ]),
        )
        .await;
    let groups = item["option_groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["name"], "Glass", "in the order sent");
    assert!(groups[0]["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_ne!(groups[0]["id"], old_extras.as_str());
    assert_eq!(groups[1]["id"], size["id"]);
    let options = groups[1]["options"].as_array().unwrap();
    assert_eq!(options[0]["id"], half.as_str());
    assert_eq!(options[0]["name"], "Half");
    assert_eq!(options[1]["id"], pint.as_str());
    let schooner = options[2]["id"].as_str().unwrap();
    assert!(!schooner.is_empty() && schooner != pint && schooner != half);
    assert_eq!(item["price_cents"], 600);
    assert_eq!(
        on_the_menu(&app, &items[0]).await["option_groups"],
        item["option_groups"]
    );
    // A kept option goes on ordering: the id a cart held still names it.
    let customer = app.actor(Role::Customer).await;
    let order = app
        .order(
            &customer.token,
            &at_table(json!([{"item_id": items[0], "quantity": 1, "options": [half]}])),
        )
        .await;
    assert_eq!(order["lines"][0]["unit_price_cents"], 600 - 250);
    assert_eq!(order["lines"][0]["options"][0]["name"], "Half");

    // An empty list clears them.
    let item = app.set_options(&admin, &items[0], &json!([])).await;
    assert_eq!(item["option_groups"], json!([]));
    assert_eq!(
        on_the_menu(&app, &items[0]).await["option_groups"],
        json!([])
    );
    assert_eq!(app.count("menu_option_groups").await, 0);
    assert_eq!(app.count("menu_options").await, 0);
}

#[tokio::test]
async fn invalid_groups_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let beer = app.category(&admin, "Draught beer").await;
    let group = |name: &str, min: u32, max: u32, options: Value| json!({"name": name, "min_choices": min, "max_choices": max, "options": options});
    let two = json!([{"name": "Pint"}, {"name": "Half pint"}]);
    let cases: Vec<(&str, Value)> = vec![
        ("no name", json!([group("  ", 0, 1, two.clone())])),
        ("no options", json!([group("Size", 0, 1, json!([]))])),
        ("a maximum of 0", json!([group("Size", 0, 0, two.clone())])),
        (
            "a maximum above the options",
            json!([group("Size", 0, 3, two.clone())]),
        ),
        (
            "a minimum above the maximum",
            json!([group("Size", 2, 1, two.clone())]),
        ),
        (
            "two groups of one name",
            json!([
                group("Size", 0, 1, two.clone()),
                group("size ", 0, 1, two.clone())
            ]),
        ),
        (
            "two options of one name",
            json!([group(
                "Size",
                0,
                1,
                json!([{"name": "Pint"}, {"name": "pint"}])
            )]),
        ),
        (
            "an option without a name",
            json!([group("Size", 0, 1, json!([{"name": ""}]))]),
        ),
        (
            "an id the item does not have",
            json!([{"id": "made-up", "name": "Size", "max_choices": 1, "options": two}]),
        ),
        (
            "a discount below zero",
            json!([group(
                "Size",
                1,
                1,
                json!([{"name": "Free", "price_delta_cents": -600}])
            )]),
        ),
        (
            "nine groups",
            json!((0..9)
                .map(|i| group(format!("G{i}").as_str(), 0, 1, json!([{"name": "a"}])))
                .collect::<Vec<_>>()),
        ),
        // Refused while the body is read: the wrong shape.
        (
            "a negative maximum",
            json!([{"name": "Size", "max_choices": -1, "options": two}]),
        ),
        (
            "an unknown field",
            json!([{"name": "Size", "max_choices": 1, "options": two, "colour": "red"}]),
        ),
        ("not a list", json!({"name": "Size"})),
    ];
    for (what, groups) in &cases {
        let (status, body) = app
            .post_auth(
                "/api/menu/items",
                &admin.token,
                &json!({
                    "category_id": beer,
                    "name": "House Lager",
                    "price_cents": 550,
                    "option_groups": groups
                }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_eq!(body["error"], "validation_failed", "{what}: {body}");
        let message = body["message"].as_str().unwrap();
        assert!(
            !message.is_empty() && message.chars().count() < 300,
            "{what}: {message}"
        );
    }
    assert_eq!(app.count("menu_items").await, 0, "nothing was written");
    assert_eq!(app.count("menu_option_groups").await, 0);
    assert_eq!(app.count("menu_options").await, 0);

    // The same lists refuse a change, and the item stays as it was.
    let id = app.item(&admin, &beer, "House Lager", 550).await;
    let lager = app.set_options(&admin, &id, &lager_groups()).await;
    let path = format!("/api/menu/items/{id}");
    for (what, groups) in &cases {
        let (status, body) = app
            .send_auth(
                Method::PATCH,
                &path,
                &admin.token,
                Some(&json!({"option_groups": groups, "name": "Renamed"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_eq!(body["error"], "validation_failed", "{what}: {body}");
    }
    // A kept id named twice.
    let pint = option_id(&lager, "Pint");
    let (status, body) = app
        .send_auth(
            Method::PATCH,
            &path,
            &admin.token,
            Some(&json!({"option_groups": [{
                "name": "Size",
                "max_choices": 1,
                "options": [{"id": pint, "name": "Pint"}, {"id": pint, "name": "Half pint"}]
            }]})),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    // Only the price, so low that the half pint it keeps would cost less
    // than nothing.
    let (status, body) = app
        .send_auth(
            Method::PATCH,
            &path,
            &admin.token,
            Some(&json!({"price_cents": 200})),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert!(
        body["message"].as_str().unwrap().contains("-0.50"),
        "says how low: {body}"
    );
    let shown = on_the_menu(&app, &id).await;
    assert_eq!(shown["name"], "House Lager");
    assert_eq!(shown["price_cents"], 550);
    assert_eq!(shown["option_groups"], lager["option_groups"]);
    // Exactly at zero is allowed.
    let (status, body) = app
        .send_auth(
            Method::PATCH,
            &path,
            &admin.token,
            Some(&json!({"price_cents": 250})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_guest_orders_with_options_and_the_line_carries_them_with_their_prices() {
    let app = spawn_app().await;
    let (_, lager, items) = menu_with_options(&app).await;
    let customer = app.actor(Role::Customer).await;
    // Sent in any order; the line keeps the menu's.
    let mut half_with_lime = lager_line(&lager, &["Lime", "Half pint"]);
    half_with_lime["quantity"] = json!(2);
    let order = app
        .order(
            &customer.token,
            &at_table(json!([
                half_with_lime,
                lager_line(&lager, &["Pint", "Shot", "Ice"]),
                {"item_id": items[1], "quantity": 1}
            ])),
        )
        .await;
    let lines = order["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3, "one line per choice, even of one item");
    assert_eq!(lines[0]["name"], "House Lager");
    assert_eq!(lines[0]["unit_price_cents"], 550 - 250 + 20);
    assert_eq!(lines[0]["line_total_cents"], 2 * (550 - 250 + 20));
    assert_eq!(
        lines[0]["options"],
        json!([
            {
                "id": option_id(&lager, "Half pint"),
                "group": "Size",
                "name": "Half pint",
                "price_delta_cents": -250
            },
            {
                "id": option_id(&lager, "Lime"),
                "group": "Extras",
                "name": "Lime",
                "price_delta_cents": 20
            }
        ])
    );
    assert_eq!(lines[1]["unit_price_cents"], 550 + 300);
    let names: Vec<&str> = lines[1]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Pint", "Shot", "Ice"]);
    assert_eq!(lines[2]["unit_price_cents"], 1100);
    assert_eq!(lines[2]["options"], json!([]));
    assert_eq!(order["total_cents"], 2 * 320 + 850 + 1100);
    // The same when read back.
    let (_, again) = app
        .get_auth(
            &format!("/api/orders/{}", order["id"].as_str().unwrap()),
            &customer.token,
        )
        .await;
    assert_eq!(again["lines"], order["lines"]);
}

#[tokio::test]
async fn options_that_do_not_fit_the_item_are_refused_by_line_and_nothing_is_written() {
    let app = spawn_app().await;
    let (admin, lager, items) = menu_with_options(&app).await;
    let beer = on_the_menu(&app, &items[0]).await["category_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cider = app.item(&admin, &beer, "Cider", 500).await;
    let cider = app
        .set_options(
            &admin,
            &cider,
            &json!([{
                "name": "Size",
                "min_choices": 1,
                "max_choices": 1,
                "options": [
                    {"name": "Pint"},
                    {"name": "Half pint", "price_delta_cents": -200}
                ]
            }]),
        )
        .await;
    let customer = app.actor(Role::Customer).await;
    let negroni = json!({"item_id": items[1], "quantity": 1});
    let pint = option_id(&lager, "Pint");
    let lime = option_id(&lager, "Lime");
    let with = |ids: Value| json!({"item_id": items[0], "quantity": 1, "options": ids});
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "a required group left out",
            with(json!([lime])),
            "invalid_options",
            "Size",
        ),
        (
            "two sizes",
            lager_line(&lager, &["Pint", "Half pint"]),
            "invalid_options",
            "Size",
        ),
        (
            "three extras",
            lager_line(&lager, &["Pint", "Lime", "Shot", "Ice"]),
            "invalid_options",
            "Extras",
        ),
        (
            "another item's option",
            with(json!([option_id(&cider, "Pint")])),
            "invalid_options",
            "not an option of House Lager",
        ),
        (
            "an option chosen twice",
            with(json!([pint, lime, lime])),
            "invalid_options",
            "Lime",
        ),
        (
            "an option of an item without options",
            json!({"item_id": items[1], "quantity": 1, "options": [pint]}),
            "invalid_options",
            "Negroni",
        ),
        (
            "an empty id",
            with(json!([pint, ""])),
            "validation_failed",
            "option id",
        ),
        (
            "a long id",
            with(json!([pint, "x".repeat(65)])),
            "validation_failed",
            "option id",
        ),
        (
            "too many ids",
            with(json!(vec![pint.clone(); 97])),
            "validation_failed",
            "at most 96",
        ),
        (
            "ids that are not text",
            with(json!([1, 2])),
            "validation_failed",
            "wrong shape",
        ),
        (
            "a negative price shown",
            json!({"item_id": items[0], "quantity": 1, "options": [pint], "unit_price_cents": -1}),
            "validation_failed",
            "negative",
        ),
    ];
    for (what, line, code, says) in cases {
        let key = uuid::Uuid::new_v4().to_string();
        let (status, body) = app
            .place(&customer.token, &key, &at_table(json!([negroni, line])))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{what}: {body}");
        assert_eq!(body["error"], code, "{what}: {body}");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains(says), "{what}: {message}");
        if code == "invalid_options" {
            assert!(message.starts_with("Line 2: "), "{what}: {message}");
        }
    }
    assert_eq!(app.count("orders").await, 0, "nothing was written");
    assert_eq!(app.count("order_lines").await, 0);
}

#[tokio::test]
async fn a_sold_out_option_is_refused_and_the_item_stays_orderable_with_others() {
    let app = spawn_app().await;
    let (admin, lager, items) = menu_with_options(&app).await;
    let bartender = app.actor(Role::Bartender).await;
    let customer = app.actor(Role::Customer).await;
    let half = option_id(&lager, "Half pint");
    let path = format!("/api/menu/items/{}/options/{half}/availability", items[0]);
    let (status, item) = app
        .send_auth(
            Method::PUT,
            &path,
            &bartender.token,
            Some(&json!({"available": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(item["available"], true, "the item itself stays on");
    assert_eq!(item["option_groups"][0]["options"][1]["available"], false);
    assert_eq!(item["option_groups"][0]["options"][0]["available"], true);
    assert_eq!(item["option_groups"][1], lager["option_groups"][1]);
    let shown = on_the_menu(&app, &items[0]).await;
    assert_eq!(shown["option_groups"], item["option_groups"]);

    let (status, body) = app
        .place(
            &customer.token,
            "half",
            &at_table(json!([lager_line(&lager, &["Half pint", "Lime"])])),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "options_unavailable",
    );
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("Line 1: ") && message.contains("Half pint"),
        "{message}"
    );
    assert_eq!(app.count("orders").await, 0);
    let order = app
        .order(
            &customer.token,
            &at_table(json!([lager_line(&lager, &["Pint", "Lime"])])),
        )
        .await;
    assert_eq!(order["lines"][0]["unit_price_cents"], 570);

    // Back on (an admin may too): the half pint is ordered again.
    let (status, item) = app
        .send_auth(
            Method::PUT,
            &path,
            &admin.token,
            Some(&json!({"available": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(item["option_groups"], lager["option_groups"]);
    app.order(
        &customer.token,
        &at_table(json!([lager_line(&lager, &["Half pint"])])),
    )
    .await;
}

#[tokio::test]
async fn a_price_that_changed_since_the_menu_was_read_is_refused_and_no_order_is_made() {
    let app = spawn_app().await;
    let (admin, lager, items) = menu_with_options(&app).await;
    let customer = app.actor(Role::Customer).await;
    // What the guest's menu showed: a half pint with lime at 3.20.
    let mut line = lager_line(&lager, &["Half pint", "Lime"]);
    line["unit_price_cents"] = json!(320);
    // Meanwhile the admin puts the lager up to 6.00.
    let (status, body) = app
        .send_auth(
            Method::PATCH,
            &format!("/api/menu/items/{}", items[0]),
            &admin.token,
            Some(&json!({"price_cents": 600})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .place(&customer.token, "stale", &at_table(json!([line.clone()])))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "price_changed");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("House Lager") && message.contains("3.20") && message.contains("3.70"),
        "{message}"
    );
    assert_eq!(app.count("orders").await, 0, "no order was made");
    // The price the menu says now goes through.
    line["unit_price_cents"] = json!(370);
    let (status, order) = app
        .place(&customer.token, "fresh", &at_table(json!([line])))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(order["lines"][0]["unit_price_cents"], 370);
    assert_eq!(order["total_cents"], 370);
    // An item without options is checked the same way.
    let (status, order) = app
        .place(
            &customer.token,
            "negroni",
            &at_table(json!([{"item_id": items[1], "quantity": 2, "unit_price_cents": 1100}])),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(order["total_cents"], 2200);
}

#[tokio::test]
async fn the_option_availability_endpoint_is_for_staff_and_only_for_the_items_own_options() {
    let app = spawn_app().await;
    let (admin, lager, items) = menu_with_options(&app).await;
    let negroni = app
        .set_options(
            &admin,
            &items[1],
            &json!([{"name": "Garnish", "max_choices": 1, "options": [{"name": "Orange peel"}]}]),
        )
        .await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let lime = option_id(&lager, "Lime");
    let off = json!({"available": false});

    let (status, body) = app
        .send_auth(
            Method::PUT,
            &option_path(&items[0], &lime),
            &customer.token,
            Some(&off),
        )
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let res = app
        .client
        .put(app.url(&option_path(&items[0], &lime)))
        .json(&off)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "missing_token");
    for (what, path) in [
        (
            "an unknown option",
            option_path(&items[0], "no-such-option"),
        ),
        ("an unknown item", option_path("no-such-item", &lime)),
        (
            "another item's option",
            option_path(&items[0], &option_id(&negroni, "Orange peel")),
        ),
        (
            "an option under another item",
            option_path(&items[1], &lime),
        ),
    ] {
        let (status, body) = app
            .send_auth(Method::PUT, &path, &bartender.token, Some(&off))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{what}: {body}");
        assert_eq!(body["error"], "not_found", "{what}: {body}");
    }
    for bad in [
        json!({"available": "no"}),
        json!({}),
        json!({"available": false, "x": 1}),
    ] {
        let (status, body) = app
            .send_auth(
                Method::PUT,
                &option_path(&items[0], &lime),
                &bartender.token,
                Some(&bad),
            )
            .await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    // Nothing changed anywhere.
    assert_eq!(
        on_the_menu(&app, &items[0]).await["option_groups"],
        lager["option_groups"]
    );
    assert_eq!(
        on_the_menu(&app, &items[1]).await["option_groups"],
        negroni["option_groups"]
    );
    // A deleted item takes its options with it.
    let (status, _) = app
        .send_auth(
            Method::DELETE,
            &format!("/api/menu/items/{}", items[0]),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app
        .send_auth(
            Method::PUT,
            &option_path(&items[0], &lime),
            &bartender.token,
            Some(&off),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(app.count("menu_option_groups").await, 1, "the Negroni's");
    assert_eq!(app.count("menu_options").await, 1);
}

#[tokio::test]
async fn menu_events_carry_the_option_changes_live_and_replayed() {
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let bartender = app.actor(Role::Bartender).await;
    let customer = app.actor(Role::Customer).await;
    let mut stream = open_stream_from_start(&app, &customer.token).await;
    let cursor = stream.until("ready").await.data["cursor"].as_i64().unwrap();
    let lager = app.set_options(&admin, &items[0], &lager_groups()).await;
    let event = stream.until("menu_item").await;
    assert_eq!(event.data["item"]["id"], items[0].as_str());
    assert_eq!(event.data["item"]["option_groups"], lager["option_groups"]);
    let shot = option_id(&lager, "Shot");
    let (status, item) = app
        .send_auth(
            Method::PUT,
            &format!("/api/menu/items/{}/options/{shot}/availability", items[0]),
            &bartender.token,
            Some(&json!({"available": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    let event = stream.until("menu_item").await;
    assert_eq!(event.data["removed"], false);
    assert_eq!(
        event.data["item"]["option_groups"][1]["options"][1]["available"],
        false
    );
    assert_eq!(event.data["item"], item);
    // A client that reconnects hears both again.
    let mut again = open_stream(&app, &customer.token, Some(cursor)).await;
    let first = again.until("menu_item").await;
    assert_eq!(first.data["item"]["option_groups"], lager["option_groups"]);
    let second = again.until("menu_item").await;
    assert_eq!(second.data["item"], item);
}

#[tokio::test]
async fn an_order_line_keeps_its_options_after_the_admin_renames_or_removes_them() {
    let app = spawn_app().await;
    let (admin, lager, items) = menu_with_options(&app).await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let mut staff = open_stream(&app, &bartender.token, None).await;
    staff.until("ready").await;
    let order = app
        .order(
            &customer.token,
            &at_table(json!([lager_line(&lager, &["Half pint", "Lime"])])),
        )
        .await;
    let id = order["id"].as_str().unwrap().to_owned();
    let kept = order["lines"][0].clone();
    assert_eq!(kept["options"].as_array().unwrap().len(), 2);
    // The bartender's ticket: the live event and the open queue.
    let placed = staff.until("order").await;
    assert_eq!(placed.data["lines"][0]["options"], kept["options"]);
    let (status, queue) = app
        .get_auth("/api/orders?scope=open", &bartender.token)
        .await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    assert_eq!(queue["orders"][0]["lines"][0], kept);

    // The half pint is renamed and repriced, the extras go.
    let size = &lager["option_groups"][0];
    app.set_options(
        &admin,
        &items[0],
        &json!([{
            "id": size["id"],
            "name": "Glass",
            "min_choices": 1,
            "max_choices": 1,
            "options": [
                {"id": option_id(&lager, "Pint"), "name": "Pint"},
                {"id": option_id(&lager, "Half pint"), "name": "Half", "price_delta_cents": -200}
            ]
        }]),
    )
    .await;
    let (_, again) = app
        .get_auth(&format!("/api/orders/{id}"), &customer.token)
        .await;
    assert_eq!(again["lines"][0], kept);
    // A status change carries the copy too.
    let (status, moved) = app
        .set_status(&bartender.token, &id, "preparing", 1, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["lines"][0], kept);
    assert_eq!(staff.until("order").await.data["lines"][0], kept);
    // The item leaving the menu (archived, as an order names it) changes
    // nothing either.
    let (status, body) = app
        .send_auth(
            Method::DELETE,
            &format!("/api/menu/items/{}", items[0]),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["outcome"], "archived");
    let (_, today) = app
        .get_auth("/api/orders?scope=today", &bartender.token)
        .await;
    assert_eq!(today["orders"][0]["lines"][0], kept);
    let (_, mine) = app.get_auth("/api/orders/mine", &customer.token).await;
    assert_eq!(mine["orders"][0]["lines"][0], kept);
}

#[tokio::test]
async fn a_replayed_order_with_options_answers_the_same_order() {
    let app = spawn_app().await;
    let (_, lager, items) = menu_with_options(&app).await;
    let customer = app.actor(Role::Customer).await;
    let mut line = lager_line(&lager, &["Pint", "Shot"]);
    line["unit_price_cents"] = json!(850);
    let body = at_table(json!([line]));
    let (status, first) = app.place(&customer.token, "tap-1", &body).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
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
    assert_eq!(replay, first);
    // Other options under the same key are another order: refused.
    let other = at_table(json!([lager_line(&lager, &["Pint", "Lime"])]));
    let (status, err) = app.place(&customer.token, "tap-1", &other).await;
    assert_error(
        status,
        &err,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    // A line without options reads the same with `"options": []` or
    // without the field, as before options existed.
    let plain = at_table(json!([{"item_id": items[1], "quantity": 1}]));
    let (status, first) = app.place(&customer.token, "tap-2", &plain).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let empty = at_table(json!([{"item_id": items[1], "quantity": 1, "options": []}]));
    let (status, replay) = app.place(&customer.token, "tap-2", &empty).await;
    assert_eq!(status, StatusCode::CREATED, "{replay}");
    assert_eq!(replay["id"], first["id"]);
    assert_eq!(app.count("orders").await, 2);
}

#[tokio::test]
async fn the_openapi_document_describes_options() {
    let doc = crate::openapi::openapi_document().await;
    let schemas = &doc["components"]["schemas"];
    for (schema, property) in [
        ("MenuItem", "option_groups"),
        ("NewItemRequest", "option_groups"),
        ("UpdateItemRequest", "option_groups"),
        ("OptionGroup", "min_choices"),
        ("ItemOption", "price_delta_cents"),
        ("OptionGroupInput", "options"),
        ("ItemOptionInput", "available"),
        ("NewOrderLine", "options"),
        ("NewOrderLine", "unit_price_cents"),
        ("OrderLine", "options"),
        ("ChosenOption", "group"),
    ] {
        assert!(
            schemas[schema]["properties"].get(property).is_some(),
            "{schema} has no {property}: {}",
            schemas[schema]
        );
    }
    let path = &doc["paths"]["/api/menu/items/{id}/options/{option_id}/availability"]["put"];
    assert!(
        path.is_object(),
        "the option availability route is described"
    );
    for status in ["200", "403", "404"] {
        assert!(
            path["responses"].get(status).is_some(),
            "{status} missing: {path}"
        );
    }
}
