//! Allergens: an item's list (each once, in the law's order), every bad
//! input refused in the error shape, the copy an order line keeps, and the
//! live events and the OpenAPI document that carry them.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shared::api::Role;

use crate::bar_helpers::*;
use crate::helpers::*;

#[tokio::test]
async fn an_item_keeps_its_allergens_each_once_in_the_laws_order() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let snacks = app.category(&admin, "Snacks").await;
    let (status, item) = app
        .post_auth(
            "/api/menu/items",
            &admin.token,
            &json!({
                "category_id": snacks,
                "name": "Loaded Fries",
                "price_cents": 750,
                "allergens": ["mustard", "milk", "gluten", "milk"]
            }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    // A repeat is dropped, not refused; the law's order, not the request's.
    assert_eq!(item["allergens"], json!(["gluten", "milk", "mustard"]));
    let path = format!("/api/menu/items/{}", item["id"].as_str().unwrap());
    let (_, menu) = app.get_auth("/api/menu", &admin.token).await;
    assert_eq!(
        menu["categories"][0]["items"][0]["allergens"],
        json!(["gluten", "milk", "mustard"])
    );

    // A change that does not name them keeps them.
    let (status, item) = app
        .send_auth(
            Method::PATCH,
            &path,
            &admin.token,
            Some(&json!({"price_cents": 800})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(item["allergens"], json!(["gluten", "milk", "mustard"]));
    // A new list replaces the old one.
    let (status, item) = app
        .send_auth(
            Method::PATCH,
            &path,
            &admin.token,
            Some(&json!({"allergens": ["sulphites", "tree_nuts", "celery"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(
        item["allergens"],
        json!(["tree_nuts", "celery", "sulphites"])
    );
    // Staff switching availability leave them alone.
    let bartender = app.actor(Role::Bartender).await;
    let (status, item) = app
        .send_auth(
            Method::PUT,
            &format!("{path}/availability"),
            &bartender.token,
            Some(&json!({"available": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(
        item["allergens"],
        json!(["tree_nuts", "celery", "sulphites"])
    );
    // An empty list clears them.
    let (status, item) = app
        .send_auth(
            Method::PATCH,
            &path,
            &admin.token,
            Some(&json!({"allergens": []})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(item["allergens"], json!([]));
    let (_, menu) = app.get_auth("/api/menu", &admin.token).await;
    assert_eq!(menu["categories"][0]["items"][0]["allergens"], json!([]));
}

#[tokio::test]
async fn an_item_created_without_allergens_has_none() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let soft = app.category(&admin, "Soft drinks").await;
    let (status, item) = app
        .post_auth(
            "/api/menu/items",
            &admin.token,
            &json!({"category_id": soft, "name": "Cola", "price_cents": 300}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    assert_eq!(item["allergens"], json!([]));
    let res = app.client.get(app.url("/api/menu")).send().await.unwrap();
    let (_, menu) = status_json(res).await;
    assert_eq!(menu["categories"][0]["items"][0]["allergens"], json!([]));
}

#[tokio::test]
async fn unknown_or_mistyped_allergens_are_refused_clearly_and_change_nothing() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let category = app.category(&admin, "Snacks").await;
    let nachos = |allergens: Value| {
        json!({
            "category_id": category,
            "name": "Nachos",
            "price_cents": 850,
            "allergens": allergens
        })
    };
    for allergens in [
        json!(["milk", "nuts"]),
        json!(["Milk"]),
        json!([""]),
        json!([5]),
        json!([null]),
        json!([["milk"]]),
        json!("milk"),
        json!(null),
        json!({"milk": true}),
        json!(["x".repeat(5_000)]),
    ] {
        let (status, body) = app
            .post_auth("/api/menu/items", &admin.token, &nachos(allergens))
            .await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
        let message = body["message"].as_str().unwrap();
        assert!(message.chars().count() < 300, "{message}");
    }
    // The unknown one is named, and the names to use follow.
    let (_, body) = app
        .post_auth(
            "/api/menu/items",
            &admin.token,
            &nachos(json!(["milk", "nuts"])),
        )
        .await;
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("unknown allergen \"nuts\""), "{message}");
    assert!(message.contains("tree_nuts"), "{message}");
    assert_eq!(app.count("menu_items").await, 0, "nothing was written");

    // A change is refused the same way and leaves the item as it was.
    let id = app
        .item_containing(&admin, &category, "Nachos", 850, &["milk"])
        .await;
    let path = format!("/api/menu/items/{id}");
    for allergens in [json!(["shellfish"]), json!([1, 2]), json!("gluten")] {
        let (status, body) = app
            .send_auth(
                Method::PATCH,
                &path,
                &admin.token,
                Some(&json!({"allergens": allergens, "price_cents": 1})),
            )
            .await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    let (_, menu) = app.get_auth("/api/menu", &admin.token).await;
    let item = &menu["categories"][0]["items"][0];
    assert_eq!(item["allergens"], json!(["milk"]));
    assert_eq!(item["price_cents"], 850);
}

#[tokio::test]
async fn an_order_line_keeps_the_allergens_its_item_had_when_ordered() {
    let app = spawn_app().await;
    // The lager contains gluten, the Negroni nothing.
    let (admin, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let mut staff = open_stream(&app, &bartender.token, None).await;
    staff.until("ready").await;
    let order = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let id = order["id"].as_str().unwrap().to_owned();
    assert_eq!(order["lines"][0]["allergens"], json!(["gluten"]));
    assert_eq!(order["lines"][1]["allergens"], json!([]));
    // The bartender's ticket: the live event and the open queue.
    let placed = staff.until("order").await;
    assert_eq!(placed.data["lines"][0]["allergens"], json!(["gluten"]));
    let (status, queue) = app
        .get_auth("/api/orders?scope=open", &bartender.token)
        .await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    assert_eq!(
        queue["orders"][0]["lines"][0]["allergens"],
        json!(["gluten"])
    );

    // The recipe changes: the order keeps what was ordered.
    let (status, _) = app
        .send_auth(
            Method::PATCH,
            &format!("/api/menu/items/{}", items[0]),
            &admin.token,
            Some(&json!({"allergens": ["sulphites", "gluten"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, again) = app
        .get_auth(&format!("/api/orders/{id}"), &customer.token)
        .await;
    assert_eq!(again["lines"][0]["allergens"], json!(["gluten"]));
    let (status, moved) = app
        .set_status(&bartender.token, &id, "preparing", 1, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved["lines"][0]["allergens"], json!(["gluten"]));
    assert_eq!(
        staff.until("order").await.data["lines"][0]["allergens"],
        json!(["gluten"])
    );
    // A new order copies the new list.
    let next = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    assert_eq!(
        next["lines"][0]["allergens"],
        json!(["gluten", "sulphites"])
    );
    // The item leaving the menu (archived, as orders name it) changes no order.
    let (status, body) = app
        .send_auth(
            Method::DELETE,
            &format!("/api/menu/items/{}", items[0]),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, mine) = app.get_auth("/api/orders/mine", &customer.token).await;
    let lists: Vec<&Value> = mine["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["lines"][0]["allergens"])
        .collect();
    assert_eq!(
        lists,
        [&json!(["gluten", "sulphites"]), &json!(["gluten"])],
        "newest first"
    );
}

#[tokio::test]
async fn menu_events_carry_the_allergens_live_and_replayed() {
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let mut stream = open_stream_from_start(&app, &customer.token).await;
    let cursor = stream.until("ready").await.data["cursor"].as_i64().unwrap();
    let (status, _) = app
        .send_auth(
            Method::PATCH,
            &format!("/api/menu/items/{}", items[1]),
            &admin.token,
            Some(&json!({"allergens": ["sulphites"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let event = stream.until("menu_item").await;
    assert_eq!(event.data["item"]["id"], items[1].as_str());
    assert_eq!(event.data["item"]["allergens"], json!(["sulphites"]));
    // Selling out keeps the list in the event.
    let (status, _) = app
        .send_auth(
            Method::PUT,
            &format!("/api/menu/items/{}/availability", items[0]),
            &admin.token,
            Some(&json!({"available": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let event = stream.until("menu_item").await;
    assert_eq!(event.data["item"]["available"], false);
    assert_eq!(event.data["item"]["allergens"], json!(["gluten"]));
    // A client that reconnects hears both again, with their lists.
    let mut again = open_stream(&app, &customer.token, Some(cursor)).await;
    let first = again.until("menu_item").await;
    assert_eq!(first.data["item"]["allergens"], json!(["sulphites"]));
    let second = again.until("menu_item").await;
    assert_eq!(second.data["item"]["allergens"], json!(["gluten"]));
}

#[tokio::test]
async fn the_openapi_document_names_the_fourteen_allergens() {
    let doc = crate::openapi::openapi_document().await;
    let schemas = &doc["components"]["schemas"];
    let allergen = schemas["Allergen"].to_string();
    for name in shared::bar::Allergen::ALL.map(|a| a.as_str()) {
        assert!(
            allergen.contains(&format!("\"{name}\"")),
            "{name}: {allergen}"
        );
    }
    for schema in [
        "MenuItem",
        "NewItemRequest",
        "UpdateItemRequest",
        "OrderLine",
    ] {
        assert!(
            schemas[schema]["properties"].get("allergens").is_some(),
            "{schema} has no allergens: {}",
            schemas[schema]
        );
    }
}
