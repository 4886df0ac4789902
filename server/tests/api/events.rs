//! The live stream: tickets, who sees what, replay after a reconnect, and
//! the end of a stream whose session is revoked.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;
use shared::api::Role;

use crate::bar_helpers::*;
use crate::helpers::*;

#[tokio::test]
async fn staff_see_every_order_and_customers_only_their_own() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let stranger = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let mut staff = open_stream(&app, &bartender.token, None).await;
    let mut own = open_stream(&app, &customer.token, None).await;
    let mut other = open_stream(&app, &stranger.token, None).await;
    for s in [&mut staff, &mut own, &mut other] {
        s.until("ready").await;
    }
    let order = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let seen = staff.until("order").await;
    assert_eq!(seen.data["id"], order["id"]);
    assert_eq!(seen.data["status"], "received");
    assert!(seen.id.is_some(), "events carry their id");
    let mine = own.until("order").await;
    assert_eq!(mine.data["id"], order["id"]);
    let id = order["id"].as_str().unwrap();
    app.set_status(&bartender.token, id, "preparing", 1, None)
        .await;
    app.set_status(&bartender.token, id, "ready", 2, None).await;
    assert_eq!(own.until("order").await.data["status"], "preparing");
    let ready = own.until("order").await;
    assert_eq!(ready.data["status"], "ready");
    assert_eq!(staff.until("order").await.data["status"], "preparing");
    // The stranger heard nothing of it.
    assert!(
        other
            .next_within(Duration::from_millis(500))
            .await
            .is_none(),
        "another customer's order leaked"
    );
}

#[tokio::test]
async fn availability_changes_reach_open_menus() {
    let app = spawn_app().await;
    let (admin, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let mut stream = open_stream(&app, &customer.token, None).await;
    stream.until("ready").await;
    let (status, _) = app
        .send_auth(
            Method::PUT,
            &format!("/api/menu/items/{}/availability", items[1]),
            &admin.token,
            Some(&json!({"available": false})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let event = stream.until("menu_item").await;
    assert_eq!(event.data["item"]["id"], items[1].as_str());
    assert_eq!(event.data["item"]["available"], false);
    assert_eq!(event.data["removed"], false);
    app.send_auth(
        Method::DELETE,
        &format!("/api/menu/items/{}", items[1]),
        &admin.token,
        None,
    )
    .await;
    let event = stream.until("menu_item").await;
    assert_eq!(event.data["removed"], true);
}

#[tokio::test]
async fn a_reconnecting_stream_replays_what_it_missed_in_order() {
    let app = spawn_app().await;
    let (_, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;
    let mut first = open_stream_from_start(&app, &bartender.token).await;
    let ready = first.until("ready").await;
    let cursor = ready.data["cursor"].as_i64().unwrap();
    drop(first);
    // Three changes while disconnected.
    let order = app
        .order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let id = order["id"].as_str().unwrap();
    app.set_status(&bartender.token, id, "preparing", 1, None)
        .await;
    app.set_status(&bartender.token, id, "ready", 2, None).await;
    let mut again = open_stream(&app, &bartender.token, Some(cursor)).await;
    let statuses: Vec<String> = [again.next().await, again.next().await, again.next().await]
        .iter()
        .map(|e| {
            assert_eq!(e.event, "order");
            e.data["status"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(statuses, ["received", "preparing", "ready"]);
    assert_eq!(again.next().await.event, "ready");
    // Last-Event-ID works the same, with a bearer token instead of a ticket.
    let url = app.url("/api/events");
    let mut by_header = Stream::open(
        &app.client,
        &url,
        &[
            ("authorization", format!("Bearer {}", bartender.token)),
            ("last-event-id", cursor.to_string()),
        ],
    )
    .await;
    assert_eq!(by_header.next().await.data["status"], "received");
    // A cursor from the future (another database): reset, then live.
    let mut future = open_stream(&app, &bartender.token, Some(1_000_000)).await;
    assert_eq!(future.next().await.event, "reset");
    assert_eq!(future.next().await.event, "ready");
}

#[tokio::test]
async fn stream_tickets_are_single_use_and_short_lived() {
    let app = spawn_app().await;
    let customer = app.actor(Role::Customer).await;
    let (_, ticket) = app
        .post_auth("/api/events/ticket", &customer.token, &json!({}))
        .await;
    let ticket = ticket["ticket"].as_str().unwrap().to_owned();
    assert_eq!(ticket.len(), 64);
    let url = app.url(&format!("/api/events?ticket={ticket}"));
    let _open = Stream::open(&app.client, &url, &[]).await;
    let (status, err) = status_json(app.client.get(&url).send().await.unwrap()).await;
    assert_error(status, &err, StatusCode::UNAUTHORIZED, "invalid_ticket");
    // Expired before use.
    let (_, late) = app
        .post_auth("/api/events/ticket", &customer.token, &json!({}))
        .await;
    app.clock.advance(Duration::from_secs(31));
    let url = app.url(&format!(
        "/api/events?ticket={}",
        late["ticket"].as_str().unwrap()
    ));
    let (status, err) = status_json(app.client.get(&url).send().await.unwrap()).await;
    assert_error(status, &err, StatusCode::UNAUTHORIZED, "invalid_ticket");
    for bad in ["", "nothex", &"z".repeat(64), &"a".repeat(5000)] {
        let url = app.url(&format!("/api/events?ticket={bad}"));
        let (status, err) = status_json(app.client.get(&url).send().await.unwrap()).await;
        assert_error(status, &err, StatusCode::UNAUTHORIZED, "invalid_ticket");
    }
    let (status, err) =
        status_json(app.client.get(app.url("/api/events")).send().await.unwrap()).await;
    assert_error(status, &err, StatusCode::UNAUTHORIZED, "missing_token");
    let (status, err) = status_json(
        app.client
            .get(app.url("/api/events?since=abc"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &err, StatusCode::BAD_REQUEST, "invalid_query");
    let (status, err) = status_json(
        app.client
            .post(app.url("/api/events/ticket"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &err, StatusCode::UNAUTHORIZED, "missing_token");
    // The database holds only hashes of tickets.
    assert_eq!(
        app.count(&format!("stream_tickets WHERE ticket_hash = '{ticket}'"))
            .await,
        0
    );
}

#[tokio::test]
async fn a_stream_ends_when_its_session_is_revoked() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Bartender).await;
    let tokens = app.login(&user).await;
    let mut stream = open_stream(&app, &tokens.access_token, None).await;
    stream.until("ready").await;
    let (status, _) = app
        .post(
            "/api/auth/logout",
            &json!({"refresh_token": tokens.refresh_token}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let ended = stream.until("session_ended").await;
    assert_eq!(ended.event, "session_ended");
    assert!(
        stream.ends_within(Duration::from_secs(5)).await,
        "the stream closed"
    );
    // Its ticket route is closed too.
    let (status, _) = app
        .post_auth("/api/events/ticket", &tokens.access_token, &json!({}))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
