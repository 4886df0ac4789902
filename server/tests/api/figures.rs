//! `GET /api/admin/figures`: a local day's orders and revenue by hour, time
//! to ready and best sellers, for the dashboard's charts.

use std::time::Duration;

use chrono::{Days, NaiveDate};
use reqwest::StatusCode;
use serde_json::{json, Value};
use shared::api::Role;
use taproom_server::clock::Clock;
use taproom_server::services::orders::{local_date, local_day_start};

use crate::bar_helpers::*;
use crate::helpers::*;

const HOUR_MS: i64 = 3_600_000;

/// A server whose tokens outlive a test's day: the clock moves hours.
async fn spawn_long_day_app() -> TestApp {
    spawn_app_with(|s| {
        s.access_ttl = Duration::from_secs(12 * 3600);
        s.refresh_ttl = Duration::from_secs(2 * 86_400);
        s.session_lifetime = Duration::from_secs(3 * 86_400);
    })
    .await
}

/// Sets the clock to 10:00 tomorrow (local), a day no other test's orders
/// reach, and returns that day. Ahead of the real clock, so tokens issued
/// from here are still valid by it.
fn start_tomorrow_at_ten(app: &TestApp) -> NaiveDate {
    let day = local_date(app.clock.now_ms())
        .checked_add_days(Days::new(1))
        .unwrap();
    app.clock.set(local_day_start(day) + 10 * HOUR_MS);
    day
}

/// Moves the clock to `hour`:`minute` of the day that started at `start`
/// (only forward).
fn set_time(app: &TestApp, start: i64, hour: i64, minute: i64) {
    app.clock.set(start + hour * HOUR_MS + minute * 60_000);
}

/// Places an order and, if `ready_after` is given, takes it to ready that
/// long after it was placed; returns its id.
async fn order_ready_after(
    app: &TestApp,
    customer: &Actor,
    bartender: &Actor,
    body: &Value,
    ready_after: Option<Duration>,
) -> String {
    let order = app.order(&customer.token, body).await;
    let id = order["id"].as_str().unwrap().to_owned();
    if let Some(wait) = ready_after {
        let (status, moved) = app
            .set_status(&bartender.token, &id, "preparing", 1, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        app.clock.advance(wait);
        let (status, moved) = app
            .set_status(&bartender.token, &id, "ready", 2, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{moved}");
    }
    id
}

/// An order at table 4 of `(item id, quantity)` lines.
fn lines(items: &[(&String, u32)]) -> Value {
    let lines: Vec<Value> = items
        .iter()
        .map(|(id, quantity)| json!({"item_id": id, "quantity": quantity}))
        .collect();
    json!({"table": "4", "lines": lines})
}

#[tokio::test]
async fn a_days_figures_count_hours_ready_times_and_best_sellers_without_cancelled_orders() {
    let app = spawn_long_day_app().await;
    let day = start_tomorrow_at_ten(&app);
    let start = local_day_start(day);
    let (admin, items) = app.small_menu().await;
    let (lager, negroni) = (&items[0], &items[1]);
    let customer = app.actor(Role::Customer).await;
    let bartender = app.actor(Role::Bartender).await;

    // 10:00, 2 lagers and a Negroni (2,200), ready in 90 s.
    let two_and_one = lines(&[(lager, 2), (negroni, 1)]);
    let secs = Duration::from_secs;
    order_ready_after(&app, &customer, &bartender, &two_and_one, Some(secs(90))).await;
    // 10:05, a Negroni (1,100), ready in 4 minutes.
    set_time(&app, start, 10, 5);
    let one_negroni = lines(&[(negroni, 1)]);
    order_ready_after(&app, &customer, &bartender, &one_negroni, Some(secs(240))).await;
    // 11:00, 3 lagers (1,650), ready in 12 minutes.
    set_time(&app, start, 11, 0);
    let three_lagers = lines(&[(lager, 3)]);
    order_ready_after(&app, &customer, &bartender, &three_lagers, Some(secs(720))).await;
    // 11:12, five Negronis, cancelled: they count for nothing.
    let cancelled = lines(&[(negroni, 5)]);
    let id = order_ready_after(&app, &customer, &bartender, &cancelled, None).await;
    let (status, body) = app
        .set_status(&customer.token, &id, "cancelled", 1, Some("wrong table"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // 13:30, a lager (550), not ready yet.
    set_time(&app, start, 13, 30);
    let one_lager = lines(&[(lager, 1)]);
    order_ready_after(&app, &customer, &bartender, &one_lager, None).await;

    let (status, today) = app.get_auth("/api/admin/figures", &admin.token).await;
    assert_eq!(status, StatusCode::OK, "{today}");
    let named = format!("/api/admin/figures?day={}", day.format("%Y-%m-%d"));
    let (status, figures) = app.get_auth(&named, &admin.token).await;
    assert_eq!(status, StatusCode::OK, "{figures}");
    assert_eq!(figures, today, "without a day: today");
    assert_eq!(figures["day"], day.format("%Y-%m-%d").to_string());

    let hours = figures["hours"].as_array().unwrap();
    assert_eq!(hours.len(), 24);
    for (i, hour) in hours.iter().enumerate() {
        assert_eq!(hour["hour"], i);
        let (orders, revenue) = match i {
            10 => (2, 2200 + 1100),
            11 => (1, 1650),
            13 => (1, 550),
            _ => (0, 0),
        };
        assert_eq!(hour["orders"], orders, "orders at {i}:00: {hour}");
        assert_eq!(hour["revenue_cents"], revenue, "revenue at {i}:00: {hour}");
    }

    let ready = &figures["to_ready"];
    assert_eq!(ready["count"], 3);
    assert_eq!(ready["p50_seconds"], 240, "the middle of 90, 240, 720");
    assert_eq!(
        ready["p90_seconds"], 720,
        "nearest rank: the third of three"
    );
    assert_eq!(
        ready["buckets"],
        json!([
            {"up_to_minutes": 2, "orders": 1},
            {"up_to_minutes": 5, "orders": 1},
            {"up_to_minutes": 10, "orders": 0},
            {"up_to_minutes": 15, "orders": 1},
            {"up_to_minutes": 20, "orders": 0},
            {"up_to_minutes": null, "orders": 0},
        ])
    );

    assert_eq!(
        figures["best_sellers"],
        json!([
            {"name": "House Lager", "quantity": 6, "revenue_cents": 6 * 550},
            {"name": "Negroni", "quantity": 2, "revenue_cents": 2 * 1100},
        ]),
        "the cancelled Negronis are not sold"
    );
}

#[tokio::test]
async fn a_past_day_without_orders_answers_zero_hours_and_no_percentiles() {
    let app = spawn_long_day_app().await;
    let day = start_tomorrow_at_ten(&app);
    let (admin, items) = app.small_menu().await;
    let customer = app.actor(Role::Customer).await;
    app.order(&customer.token, &two_pints_and_a_negroni(&items))
        .await;
    let yesterday = day.checked_sub_days(Days::new(1)).unwrap();
    let path = format!("/api/admin/figures?day={}", yesterday.format("%Y-%m-%d"));
    let (status, figures) = app.get_auth(&path, &admin.token).await;
    assert_eq!(status, StatusCode::OK, "{figures}");
    let hours = figures["hours"].as_array().unwrap();
    assert_eq!(hours.len(), 24);
    assert!(hours
        .iter()
        .all(|h| h["orders"] == 0 && h["revenue_cents"] == 0));
    assert_eq!(figures["to_ready"]["count"], 0);
    assert!(figures["to_ready"]["p50_seconds"].is_null());
    assert!(figures["to_ready"]["p90_seconds"].is_null());
    assert_eq!(figures["to_ready"]["buckets"].as_array().unwrap().len(), 6);
    assert_eq!(figures["best_sellers"], json!([]));
}

#[tokio::test]
async fn only_admins_read_a_days_figures() {
    let app = spawn_app().await;
    for role in [Role::Customer, Role::Bartender] {
        let actor = app.actor(role).await;
        let (status, body) = app.get_auth("/api/admin/figures", &actor.token).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
}

#[tokio::test]
async fn a_malformed_future_or_too_old_day_is_refused() {
    let app = spawn_long_day_app().await;
    let today = start_tomorrow_at_ten(&app);
    let admin = app.actor(Role::Admin).await;
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let tomorrow = day(today.checked_add_days(Days::new(1)).unwrap());
    let too_old = day(today.checked_sub_days(Days::new(401)).unwrap());
    for bad in [
        "2026-13-01",
        "tomorrow",
        "2026-1-5",
        tomorrow.as_str(),
        too_old.as_str(),
    ] {
        let (status, body) = app
            .get_auth(&format!("/api/admin/figures?day={bad}"), &admin.token)
            .await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        );
    }
    let (status, body) = app
        .get_auth("/api/admin/figures?day=2026-13-01", &admin.token)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["message"], "Give the day as YYYY-MM-DD.");
    let oldest = day(today.checked_sub_days(Days::new(400)).unwrap());
    let (status, body) = app
        .get_auth(&format!("/api/admin/figures?day={oldest}"), &admin.token)
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "400 days back is still answered: {body}"
    );
}

#[tokio::test]
async fn a_weeks_figures_sum_each_day_and_each_hour_of_its_seven_days() {
    let app = spawn_long_day_app().await;
    let first = start_tomorrow_at_ten(&app);
    let (_, items) = app.small_menu().await;
    let (lager, negroni) = (&items[0], &items[1]);
    let customer = app.actor(Role::Customer).await;
    // Day one, 10:00: a Negroni (1,100).
    app.order(&customer.token, &lines(&[(negroni, 1)])).await;
    // Two days later, 10:20 and 21:00: 2 lagers (1,100), then a Negroni.
    let third = first.checked_add_days(Days::new(2)).unwrap();
    let start = local_day_start(third);
    set_time(&app, start, 10, 20);
    let customer = app.actor(Role::Customer).await;
    let admin = app.actor(Role::Admin).await;
    app.order(&customer.token, &lines(&[(lager, 2)])).await;
    set_time(&app, start, 21, 0);
    app.order(&customer.token, &lines(&[(negroni, 1)])).await;

    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let path = format!("/api/admin/figures?day={}&span=week", day(third));
    let (status, week) = app.get_auth(&path, &admin.token).await;
    assert_eq!(status, StatusCode::OK, "{week}");
    assert_eq!(week["span"], "week");
    assert_eq!(week["day"], day(third));
    let from = third.checked_sub_days(Days::new(6)).unwrap();
    assert_eq!(week["from"], day(from));
    let days = week["days"].as_array().unwrap();
    assert_eq!(days.len(), 7);
    for (i, totals) in days.iter().enumerate() {
        let date = from.checked_add_days(Days::new(i as u64)).unwrap();
        assert_eq!(totals["day"], day(date));
        let (orders, revenue) = match date {
            d if d == first => (1, 1100),
            d if d == third => (2, 1100 + 1100),
            _ => (0, 0),
        };
        assert_eq!(totals["orders"], orders, "{totals}");
        assert_eq!(totals["revenue_cents"], revenue, "{totals}");
    }
    let hours = week["hours"].as_array().unwrap();
    assert_eq!(hours.len(), 24);
    assert_eq!(hours[10]["orders"], 2, "10:00 of both days: {}", hours[10]);
    assert_eq!(hours[10]["revenue_cents"], 2200);
    assert_eq!(hours[21]["orders"], 1);
    let counted: i64 = hours.iter().map(|h| h["orders"].as_i64().unwrap()).sum();
    assert_eq!(counted, 3);
    assert_eq!(
        week["best_sellers"],
        json!([
            {"name": "House Lager", "quantity": 2, "revenue_cents": 1100},
            {"name": "Negroni", "quantity": 2, "revenue_cents": 2200},
        ])
    );

    // The day alone holds only its own orders, as a one-day span.
    let path = format!("/api/admin/figures?day={}", day(third));
    let (status, one) = app.get_auth(&path, &admin.token).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["span"], "day");
    assert_eq!(one["from"], day(third));
    assert_eq!(
        one["days"],
        json!([{"day": day(third), "orders": 2, "revenue_cents": 2200}])
    );

    // A week ending the day before misses the third day.
    let second = first.checked_add_days(Days::new(1)).unwrap();
    let path = format!("/api/admin/figures?day={}&span=week", day(second));
    let (status, earlier) = app.get_auth(&path, &admin.token).await;
    assert_eq!(status, StatusCode::OK, "{earlier}");
    let total: i64 = earlier["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["orders"].as_i64().unwrap())
        .sum();
    assert_eq!(total, 1);

    for bad in ["month", "7", ""] {
        let path = format!("/api/admin/figures?day={}&span={bad}", day(third));
        let (status, body) = app.get_auth(&path, &admin.token).await;
        assert!(status.is_client_error(), "span={bad}: {status} {body}");
        assert!(body["error"].is_string(), "span={bad}: {body}");
    }
}
