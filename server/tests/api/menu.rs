//! The menu: public read, admin edits, staff availability, archiving of
//! items past orders name, and every bad input.

use reqwest::{Method, StatusCode};
use serde_json::json;
use shared::api::Role;

use crate::bar_helpers::*;
use crate::helpers::*;

#[tokio::test]
async fn anyone_reads_the_menu_in_order_with_prices_in_cents() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let res = app.client.get(app.url("/api/menu")).send().await.unwrap();
    let (status, menu) = status_json(res).await;
    assert_eq!(status, StatusCode::OK);
    let categories = menu["categories"].as_array().unwrap();
    assert_eq!(categories.len(), 2);
    assert_eq!(categories[0]["name"], "Draught beer");
    assert_eq!(categories[1]["name"], "Cocktails");
    assert_eq!(categories[0]["items"][0]["id"], items[0].as_str());
    assert_eq!(categories[0]["items"][0]["price_cents"], 550);
    assert_eq!(categories[0]["items"][0]["available"], true);
    assert_eq!(categories[1]["items"][0]["name"], "Negroni");
}

#[tokio::test]
async fn only_admins_change_the_menu() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    for role in [Role::Customer, Role::Bartender] {
        let actor = app.actor(role).await;
        let (status, body) = app
            .post_auth(
                "/api/menu/categories",
                &actor.token,
                &json!({"name": "Shots"}),
            )
            .await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
        let (status, body) = app
            .send_auth(
                Method::PATCH,
                &format!("/api/menu/items/{}", items[0]),
                &actor.token,
                Some(&json!({"price_cents": 1})),
            )
            .await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
        let (status, body) = app
            .send_auth(
                Method::DELETE,
                &format!("/api/menu/items/{}", items[0]),
                &actor.token,
                None,
            )
            .await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    let res = app
        .client
        .post(app.url("/api/menu/categories"))
        .json(&json!({"name": "Shots"}))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "missing_token");
    let res = app.client.get(app.url("/api/menu")).send().await.unwrap();
    let (_, menu) = status_json(res).await;
    assert_eq!(
        menu["categories"].as_array().unwrap().len(),
        2,
        "nothing was added"
    );
    assert_eq!(
        menu["categories"][0]["items"][0]["price_cents"], 550,
        "nothing changed"
    );
}

#[tokio::test]
async fn staff_switch_availability_and_customers_cannot() {
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let bartender = app.actor(Role::Bartender).await;
    let customer = app.actor(Role::Customer).await;
    let path = format!("/api/menu/items/{}/availability", items[1]);
    let (status, body) = app
        .send_auth(
            Method::PUT,
            &path,
            &customer.token,
            Some(&json!({"available": false})),
        )
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, item) = app
        .send_auth(
            Method::PUT,
            &path,
            &bartender.token,
            Some(&json!({"available": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(item["available"], false);
    let (_, menu) = app.get_auth("/api/menu", &customer.token).await;
    assert_eq!(menu["categories"][1]["items"][0]["available"], false);
    let (status, item) = app
        .send_auth(
            Method::PUT,
            &path,
            &admin.token,
            Some(&json!({"available": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(item["available"], true);
    let (status, body) = app
        .send_auth(
            Method::PUT,
            &path,
            &admin.token,
            Some(&json!({"available": "no"})),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let (status, body) = app
        .send_auth(
            Method::PUT,
            "/api/menu/items/nope/availability",
            &admin.token,
            Some(&json!({"available": true})),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn bad_menu_input_is_refused_with_a_clear_error() {
    let app = spawn_app().await;
    let admin = app.actor(Role::Admin).await;
    let category = app.category(&admin, "Wine").await;
    let long = "x".repeat(81);
    let cases = [
        (
            json!({"category_id": category, "name": "", "price_cents": 100}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"category_id": category, "name": long, "price_cents": 100}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"category_id": category, "name": "Rosé", "price_cents": -1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"category_id": category, "name": "Rosé", "price_cents": 1_000_001}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"category_id": category, "name": "Rosé", "price_cents": "7.50"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"category_id": category, "name": "Rosé", "price_cents": 750, "description": "d".repeat(301)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"category_id": category, "name": "Rosé", "price_cents": 750, "colour": "pink"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"category_id": category, "name": "Rosé", "price_cents": 750, "allergens": ["nuts"]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"category_id": category, "name": "Rosé", "price_cents": 750, "allergens": [12]}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"category_id": "no-such-category", "name": "Rosé", "price_cents": 750}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    for (body, want_status, want_code) in cases {
        let (status, answer) = app.post_auth("/api/menu/items", &admin.token, &body).await;
        assert_error(status, &answer, want_status, want_code);
    }
    let (status, body) = app
        .post_auth(
            "/api/menu/categories",
            &admin.token,
            &json!({"name": "   "}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    let res = app
        .client
        .post(app.url("/api/menu/items"))
        .bearer_auth(&admin.token)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(res).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_json");
    assert_eq!(app.count("menu_items").await, 0, "nothing was written");
}

#[tokio::test]
async fn an_item_named_by_past_orders_is_archived_not_deleted() {
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let order = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let (status, body) = app
        .send_auth(
            Method::DELETE,
            &format!("/api/menu/items/{}", items[1]),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["outcome"], "archived");
    let (_, menu) = app.get_auth("/api/menu", &customer.token).await;
    assert!(menu["categories"][1]["items"]
        .as_array()
        .unwrap()
        .is_empty());
    // The past order still names and prices it.
    let (_, old) = app
        .get_auth(
            &format!("/api/orders/{}", order["id"].as_str().unwrap()),
            &customer.token,
        )
        .await;
    assert_eq!(old["lines"][1]["name"], "Negroni");
    assert_eq!(old["lines"][1]["unit_price_cents"], 1100);
    // It cannot be ordered any more.
    let (status, body) = app
        .place(
            &customer.token,
            "k-archived",
            &two_pints_and_a_negroni(&items),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_items",
    );
    // An item nobody ordered is deleted outright.
    let category = menu["categories"][0]["id"].as_str().unwrap().to_owned();
    let spare = app.item(&admin, &category, "Pale Ale", 600).await;
    let (status, body) = app
        .send_auth(
            Method::DELETE,
            &format!("/api/menu/items/{spare}"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["outcome"], "deleted");
    assert_eq!(
        app.count("menu_items").await,
        2,
        "lager and the archived negroni remain"
    );
    // Deleting again: gone.
    let (status, body) = app
        .send_auth(
            Method::DELETE,
            &format!("/api/menu/items/{spare}"),
            &admin.token,
            None,
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn categories_and_items_are_reordered_and_edited() {
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let (_, menu) = app.get_auth("/api/menu", &admin.token).await;
    let beer = menu["categories"][0]["id"].as_str().unwrap().to_owned();
    let cocktails = menu["categories"][1]["id"].as_str().unwrap().to_owned();
    let (status, menu) = app
        .send_auth(
            Method::PUT,
            "/api/menu/categories/order",
            &admin.token,
            Some(&json!({"ids": [cocktails, beer]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{menu}");
    assert_eq!(menu["categories"][0]["name"], "Cocktails");
    // Not every id, or one twice: refused, order unchanged.
    for ids in [
        json!([cocktails]),
        json!([cocktails, cocktails]),
        json!([cocktails, beer, "x"]),
    ] {
        let (status, body) = app
            .send_auth(
                Method::PUT,
                "/api/menu/categories/order",
                &admin.token,
                Some(&json!({"ids": ids})),
            )
            .await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    let stout = app.item(&admin, &beer, "Irish Stout", 620).await;
    let (status, category) = app
        .send_auth(
            Method::PUT,
            &format!("/api/menu/categories/{beer}/order"),
            &admin.token,
            Some(&json!({"ids": [stout, items[0]]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{category}");
    assert_eq!(category["items"][0]["name"], "Irish Stout");
    let (status, item) = app
        .send_auth(
            Method::PATCH,
            &format!("/api/menu/items/{}", items[0]),
            &admin.token,
            Some(&json!({"name": "Lager", "price_cents": 575, "description": "Crisp"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    assert_eq!(item["name"], "Lager");
    assert_eq!(item["price_cents"], 575);
    assert_eq!(item["available"], true, "untouched fields keep their value");
    let (status, renamed) = app
        .send_auth(
            Method::PATCH,
            &format!("/api/menu/categories/{beer}"),
            &admin.token,
            Some(&json!({"name": "Beer"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(renamed["name"], "Beer");
    // A category with items cannot go; an empty one can.
    let (status, body) = app
        .send_auth(
            Method::DELETE,
            &format!("/api/menu/categories/{beer}"),
            &admin.token,
            None,
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "category_not_empty");
    let empty = app.category(&admin, "Empty").await;
    let (status, body) = app
        .send_auth(
            Method::DELETE,
            &format!("/api/menu/categories/{empty}"),
            &admin.token,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["outcome"], "deleted");
}

/// Items that share a position (two created at the same moment can) are
/// listed by name compared byte by byte, the order the apps keep when a live
/// update moves an item (`ui::menu::apply_item_event`), whatever the
/// database's collation. On PostgreSQL this test's database sorts text as
/// American English does, where "apple" comes before "Banana".
#[tokio::test]
async fn names_that_share_a_position_are_listed_in_byte_order_on_any_collation() {
    let app = spawn_app_sorting_as_english().await;
    let language_order = scalar(&app, "SELECT 'apple' < 'Banana'").await;
    assert_eq!(language_order, on_postgres(), "the database's own order");
    let admin = app.actor(Role::Admin).await;
    let drinks = app.category(&admin, "drinks").await;
    app.category(&admin, "Food").await;
    app.item(&admin, &drinks, "apple juice", 300).await;
    app.item(&admin, &drinks, "Banana shake", 450).await;
    for table in ["menu_items", "menu_categories"] {
        let sql = format!("UPDATE {table} SET position = 1 RETURNING TRUE");
        assert!(scalar(&app, &sql).await);
    }
    let (status, menu) = app.get_auth("/api/menu", &admin.token).await;
    assert_eq!(status, StatusCode::OK, "{menu}");
    let names = |list: &serde_json::Value| -> Vec<String> {
        let list = list.as_array().unwrap().iter();
        list.map(|v| v["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&menu["categories"]), ["Food", "drinks"]);
    let items = names(&menu["categories"][1]["items"]);
    assert_eq!(items, ["Banana shake", "apple juice"]);
}
