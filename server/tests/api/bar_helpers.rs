//! Helpers for the bar's tests: the menu, orders and live streams, all
//! through the API.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use shared::api::Role;

use crate::helpers::*;

/// A signed-in user's access token and id.
pub(crate) struct Actor {
    pub(crate) token: String,
    pub(crate) id: String,
}

impl TestApp {
    /// A new user of `role`, signed in.
    pub(crate) async fn actor(&self, role: Role) -> Actor {
        let user = self.create_user(role).await;
        let tokens = self.login(&user).await;
        Actor {
            token: tokens.access_token,
            id: tokens.user.id,
        }
    }

    /// Sends `method path` with a bearer token and an optional JSON body.
    pub(crate) async fn send_auth(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            req = req.json(body);
        }
        status_json(req.send().await.unwrap()).await
    }

    /// Creates a category (as `admin`) and returns its id.
    pub(crate) async fn category(&self, admin: &Actor, name: &str) -> String {
        let (status, body) = self
            .post_auth("/api/menu/categories", &admin.token, &json!({"name": name}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// Creates an item without allergens (as `admin`) and returns its id.
    pub(crate) async fn item(
        &self,
        admin: &Actor,
        category: &str,
        name: &str,
        cents: i64,
    ) -> String {
        self.item_containing(admin, category, name, cents, &[])
            .await
    }

    /// Creates an item with allergens (wire names) and returns its id.
    pub(crate) async fn item_containing(
        &self,
        admin: &Actor,
        category: &str,
        name: &str,
        cents: i64,
        allergens: &[&str],
    ) -> String {
        let (status, body) = self
            .post_auth(
                "/api/menu/items",
                &admin.token,
                &json!({
                    "category_id": category,
                    "name": name,
                    "price_cents": cents,
                    "allergens": allergens
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// A small menu: (admin, [lager id (550, gluten), negroni id (1100,
    /// no allergens)]).
    pub(crate) async fn small_menu(&self) -> (Actor, Vec<String>) {
        let admin = self.actor(Role::Admin).await;
        let beer = self.category(&admin, "Draught beer").await;
        let cocktails = self.category(&admin, "Cocktails").await;
        let lager = self
            .item_containing(&admin, &beer, "House Lager", 550, &["gluten"])
            .await;
        let negroni = self.item(&admin, &cocktails, "Negroni", 1100).await;
        (admin, vec![lager, negroni])
    }

    /// Replaces an item's option groups (as `admin`) with `groups`, as the
    /// admin sends them, and returns the item.
    pub(crate) async fn set_options(&self, admin: &Actor, item: &str, groups: &Value) -> Value {
        let (status, body) = self
            .send_auth(
                reqwest::Method::PATCH,
                &format!("/api/menu/items/{item}"),
                &admin.token,
                Some(&json!({ "option_groups": groups })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// POSTs an order with an idempotency key (none if `key` is empty).
    pub(crate) async fn place(&self, token: &str, key: &str, body: &Value) -> (StatusCode, Value) {
        let mut req = self
            .client
            .post(self.url("/api/orders"))
            .bearer_auth(token)
            .json(body);
        if !key.is_empty() {
            req = req.header("Idempotency-Key", key);
        }
        status_json(req.send().await.unwrap()).await
    }

    /// Places an order that must succeed; returns it.
    pub(crate) async fn order(&self, token: &str, body: &Value) -> Value {
        let key = uuid::Uuid::new_v4().to_string();
        let (status, order) = self.place(token, &key, body).await;
        assert_eq!(status, StatusCode::CREATED, "{order}");
        order
    }

    /// Moves an order to `status` naming `version`.
    pub(crate) async fn set_status(
        &self,
        token: &str,
        order_id: &str,
        status: &str,
        version: i64,
        reason: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut body = json!({"status": status, "version": version});
        if let Some(reason) = reason {
            body["reason"] = json!(reason);
        }
        self.post_auth(&format!("/api/orders/{order_id}/status"), token, &body)
            .await
    }
}

/// Two pints and a Negroni at table 7.
pub(crate) fn two_pints_and_a_negroni(items: &[String]) -> Value {
    json!({
        "table": "7",
        "lines": [
            {"item_id": items[0], "quantity": 2, "note": "one without foam"},
            {"item_id": items[1], "quantity": 1}
        ],
        "note": "we are by the window"
    })
}

/// The id of the option called `name` in any group of `item` (as the API
/// answers it).
pub(crate) fn option_id(item: &Value, name: &str) -> String {
    item["option_groups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["options"].as_array().into_iter().flatten())
        .find(|o| o["name"] == name)
        .and_then(|o| o["id"].as_str())
        .unwrap_or_else(|| panic!("no option {name} in {item}"))
        .to_owned()
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub(crate) struct Sse {
    pub(crate) id: Option<i64>,
    pub(crate) event: String,
    pub(crate) data: Value,
}

/// An open live stream.
pub(crate) struct Stream {
    rx: tokio::sync::mpsc::UnboundedReceiver<Sse>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Stream {
    /// Opens `url` (a full URL) with optional headers; panics unless 200.
    pub(crate) async fn open(
        client: &reqwest::Client,
        url: &str,
        headers: &[(&str, String)],
    ) -> Stream {
        let mut req = client.get(url);
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        let res = req.send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "stream refused: {}",
            res.text().await.unwrap_or_default()
        );
        assert!(res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream")));
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let mut res = res;
        let task = tokio::spawn(async move {
            let mut buf = String::new();
            while let Ok(Some(chunk)) = res.chunk().await {
                buf.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buf.find("\n\n") {
                    let block: String = buf.drain(..end + 2).collect();
                    if let Some(event) = parse_block(&block) {
                        if tx.send(event).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Stream { rx, task }
    }

    /// The next event, within `wait`; None if none came (or the stream ended).
    pub(crate) async fn next_within(&mut self, wait: Duration) -> Option<Sse> {
        tokio::time::timeout(wait, self.rx.recv())
            .await
            .ok()
            .flatten()
    }

    /// The next event; fails the test after 10 s.
    pub(crate) async fn next(&mut self) -> Sse {
        self.next_within(Duration::from_secs(10))
            .await
            .expect("an event within 10 s")
    }

    /// Skips events until one named `name` comes (10 s at most).
    pub(crate) async fn until(&mut self, name: &str) -> Sse {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let event = self
                .next_within(left)
                .await
                .unwrap_or_else(|| panic!("no `{name}` event within 10 s"));
            if event.event == name {
                return event;
            }
        }
    }

    /// Whether the stream ended (the server closed it) within `wait`.
    pub(crate) async fn ends_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(None) => return true,
                Ok(Some(_)) => {}
                Err(_) => return false,
            }
        }
    }
}

/// One server-sent event from its text block (`None` for a keep-alive).
pub(crate) fn parse_block(block: &str) -> Option<Sse> {
    let mut id = None;
    let mut event = String::from("message");
    let mut data = String::new();
    for line in block.lines() {
        if let Some(v) = line.strip_prefix("id:") {
            id = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("event:") {
            event = v.trim().to_owned();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push_str(v.strip_prefix(' ').unwrap_or(v));
        }
    }
    if data.is_empty() {
        return None; // a keep-alive comment
    }
    Some(Sse {
        id,
        event,
        data: serde_json::from_str(&data).unwrap_or(Value::String(data)),
    })
}

/// Opens the stream of `app` with a fresh ticket for `token`, after `since`.
pub(crate) async fn open_stream(app: &TestApp, token: &str, since: Option<i64>) -> Stream {
    let (status, ticket) = app.post_auth("/api/events/ticket", token, &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{ticket}");
    let mut url = app.url(&format!(
        "/api/events?ticket={}",
        ticket["ticket"].as_str().unwrap()
    ));
    if let Some(since) = since {
        url.push_str(&format!("&since={since}"));
    }
    Stream::open(&app.client, &url, &[]).await
}

/// A stream that replays every event from the first: its `ready` cursor
/// is the newest event stored. A stream opened without `since` starts from
/// what the hub has delivered, which may be an event or two behind the last
/// write; a test that keeps the cursor, or waits for the next event of a
/// kind written just before, must not race with that.
pub(crate) async fn open_stream_from_start(app: &TestApp, token: &str) -> Stream {
    open_stream(app, token, Some(0)).await
}
