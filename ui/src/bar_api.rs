//! Calls to the bar's API (menu, orders, calls for staff, tabs, live-stream
//! tickets, settings, admin), all through this app's session manager like
//! [`crate::api`].

use serde::de::DeserializeOwned;
use shared::api::MessageResponse;
use shared::bar::{
    AdminSessionsResponse, AdminUser, AdminUserAction, AdminUsersResponse, AvailabilityRequest,
    BarSettings, CallKind, CategoryRequest, CloseTabRequest, DayFigures, DeleteResponse,
    FiguresSpan, MenuCategory, MenuItem, MenuResponse, NewCallRequest, NewItemRequest,
    NewOrderRequest, NewStaffRequest, Order, OrderStatus, OrdersResponse, RecallRequest,
    ReorderRequest, ResetPasswordRequest, Station, StationReadyRequest, StationRequest,
    StationsResponse, StatusChangeRequest, StreamTicket, Tab, TableCall, TableCallsResponse,
    TabsResponse, TicketTimers, TodayStats, UpdateItemRequest,
};
use shared::security::AdminActivityPage;
use shared::session::{HttpRequest, Method};

use crate::api::{call, execute, get, reads, send_json, ApiResult};
use crate::format::encode_component;
use crate::reauth::with_reauth;

/// `template` with each `{}` replaced by the next of `ids`, encoded as a
/// path segment.
fn path(template: &str, ids: &[&str]) -> String {
    debug_assert_eq!(template.matches("{}").count(), ids.len(), "{template}");
    let mut parts = template.split("{}");
    let first = parts.next().unwrap_or_default().to_owned();
    parts
        .zip(ids)
        .fold(first, |out, (part, id)| out + &encode_component(id) + part)
}

/// Sends a change; if the server wants the password confirmed first
/// (an admin's sensitive action), asks for it and sends again.
async fn send<B: serde::Serialize + ?Sized, R: DeserializeOwned>(
    method: Method,
    path: &str,
    body: &B,
) -> ApiResult<R> {
    with_reauth(|| send_json(HttpRequest::new(method, path), body)).await
}

/// [`send`] without a body.
async fn send_empty<R: DeserializeOwned>(method: Method, path: &str) -> ApiResult<R> {
    with_reauth(|| call(method, path)).await
}

/// Declares the changes without a body to one id's path, one a line with
/// its doc comment: `name -> Answer = Method "path/{}";` is
/// `pub async fn name(id: &str) -> ApiResult<Answer>`, through [`send_empty`].
macro_rules! changes {
    ($($(#[$doc:meta])* $name:ident -> $answer:ty = $method:ident $path:literal;)*) => {$(
        $(#[$doc])*
        pub async fn $name(id: &str) -> ApiResult<$answer> {
            send_empty(Method::$method, &path($path, &[id])).await
        }
    )*};
}

reads! {
    /// The whole menu: categories in order, each with its items.
    menu -> MenuResponse = "/api/menu";
    /// The signed-in customer's orders, newest first.
    my_orders -> OrdersResponse = "/api/orders/mine";
    /// Orders not yet served or cancelled, oldest first (staff).
    open_orders -> OrdersResponse = "/api/orders?scope=open";
    /// Every station, in order.
    stations -> StationsResponse = "/api/stations";
    /// The signed-in guest's calls: open ones and those answered lately.
    my_calls -> TableCallsResponse = "/api/calls/mine";
    /// Open calls, oldest first (staff).
    open_calls -> TableCallsResponse = "/api/calls";
    /// The signed-in guest's tabs: open ones and those paid lately, newest
    /// first.
    my_tabs -> TabsResponse = "/api/tabs/mine";
    /// Open tabs by table (staff).
    open_tabs -> TabsResponse = "/api/tabs";
    /// The bar's settings, such as when tickets turn amber and red (staff).
    bar_settings -> BarSettings = "/api/bar/settings";
    /// Today's figures (admin).
    today_stats -> TodayStats = "/api/admin/stats";
}

/// Places an order. `idempotency_key` stays the same for every retry of
/// one order, so a retried or double-tapped submit makes one order.
pub async fn place_order(request: &NewOrderRequest, idempotency_key: &str) -> ApiResult<Order> {
    let http = HttpRequest::new(Method::Post, "/api/orders")
        .with_header("Idempotency-Key", idempotency_key);
    send_json(http, request).await
}

/// One order (its customer or staff).
pub async fn order(id: &str) -> ApiResult<Order> {
    get(&path("/api/orders/{}", &[id])).await
}

/// Moves an order to `status`, naming the version the caller saw.
pub async fn change_status(
    id: &str,
    status: OrderStatus,
    version: i64,
    reason: Option<String>,
) -> ApiResult<Order> {
    let body = StatusChangeRequest {
        status,
        version,
        reason,
    };
    send(Method::Post, &path("/api/orders/{}/status", &[id]), &body).await
}

/// Takes back a bump: the order's last step, or with `station_id` only that
/// station's mark of its lines as ready (staff).
pub async fn recall_station(id: &str, version: i64, station_id: Option<&str>) -> ApiResult<Order> {
    let body = RecallRequest {
        version,
        station_id: station_id.map(str::to_owned),
    };
    send(Method::Post, &path("/api/orders/{}/recall", &[id]), &body).await
}

/// Marks a station's lines of an order ready, naming the version the
/// caller saw (staff).
pub async fn station_ready(id: &str, station_id: &str, version: i64) -> ApiResult<Order> {
    let url = path("/api/orders/{}/stations/{}/ready", &[id, station_id]);
    send(Method::Post, &url, &StationReadyRequest { version }).await
}

/// Adds a station (admin).
pub async fn create_station(name: &str) -> ApiResult<Station> {
    let body = StationRequest { name: name.into() };
    send(Method::Post, "/api/admin/stations", &body).await
}

/// Renames a station (admin).
pub async fn rename_station(id: &str, name: &str) -> ApiResult<Station> {
    let body = StationRequest { name: name.into() };
    send(Method::Patch, &path("/api/admin/stations/{}", &[id]), &body).await
}

/// Calls staff, or asks for the bill, at `table` (customers). A call of
/// that kind already open there answers instead: taps never pile up.
pub async fn call_staff(table: &str, kind: CallKind) -> ApiResult<TableCall> {
    let table = table.to_owned();
    send(Method::Post, "/api/calls", &NewCallRequest { table, kind }).await
}

/// One tab (its guest or staff).
pub async fn tab(id: &str) -> ApiResult<Tab> {
    get(&path("/api/tabs/{}", &[id])).await
}

/// Closes a tab as paid, whole or split (staff).
pub async fn close_tab(id: &str, request: &CloseTabRequest) -> ApiResult<Tab> {
    send(Method::Post, &path("/api/tabs/{}/close", &[id]), request).await
}

changes! {
    /// Deletes a station (admin).
    delete_station -> DeleteResponse = Delete "/api/admin/stations/{}";
    /// "On my way": acknowledges a call (staff).
    acknowledge_call -> TableCall = Post "/api/calls/{}/acknowledge";
    /// Deletes an empty category (admin).
    delete_category -> DeleteResponse = Delete "/api/menu/categories/{}";
    /// Deletes an item, or archives it when past orders name it (admin).
    delete_item -> DeleteResponse = Delete "/api/menu/items/{}";
    /// Deactivates a user; all their sessions end (admin).
    deactivate_user -> AdminUserAction = Post "/api/admin/users/{}/deactivate";
    /// Reactivates a user (admin).
    reactivate_user -> AdminUserAction = Post "/api/admin/users/{}/reactivate";
    /// Signs a user out everywhere (admin).
    sign_out_user -> AdminUserAction = Post "/api/admin/users/{}/logout-all";
    /// Ends any session (admin).
    revoke_any_session -> MessageResponse = Delete "/api/admin/sessions/{}";
}

/// A single-use ticket to open the live event stream with.
pub async fn stream_ticket() -> ApiResult<StreamTicket> {
    send_empty(Method::Post, "/api/events/ticket").await
}

/// Marks an item available or not (staff).
pub async fn set_availability(item_id: &str, available: bool) -> ApiResult<MenuItem> {
    let url = path("/api/menu/items/{}/availability", &[item_id]);
    send(Method::Put, &url, &AvailabilityRequest { available }).await
}

/// Marks one option of an item available or not, "no oat milk left"
/// (staff); answers the item with all its options.
pub async fn set_option_availability(
    item_id: &str,
    option_id: &str,
    available: bool,
) -> ApiResult<MenuItem> {
    let ids = [item_id, option_id];
    let url = path("/api/menu/items/{}/options/{}/availability", &ids);
    send(Method::Put, &url, &AvailabilityRequest { available }).await
}

/// A category's name and station, as its creation and renaming send them.
fn category(name: &str, station_id: Option<&str>) -> CategoryRequest {
    CategoryRequest {
        name: name.to_owned(),
        station_id: station_id.map(str::to_owned),
    }
}

/// Adds a category (admin), prepared at `station_id` (none: the first
/// station).
pub async fn create_category(name: &str, station_id: Option<&str>) -> ApiResult<MenuCategory> {
    let body = category(name, station_id);
    send(Method::Post, "/api/menu/categories", &body).await
}

/// Renames a category (admin), and moves it to `station_id` if given.
pub async fn rename_category(
    id: &str,
    name: &str,
    station_id: Option<&str>,
) -> ApiResult<MenuCategory> {
    let url = path("/api/menu/categories/{}", &[id]);
    send(Method::Patch, &url, &category(name, station_id)).await
}

/// Puts the categories in this order (admin).
pub async fn reorder_categories(ids: Vec<String>) -> ApiResult<MenuResponse> {
    let body = ReorderRequest { ids };
    send(Method::Put, "/api/menu/categories/order", &body).await
}

/// Puts a category's items in this order (admin).
pub async fn reorder_items(category_id: &str, ids: Vec<String>) -> ApiResult<MenuCategory> {
    let url = path("/api/menu/categories/{}/order", &[category_id]);
    send(Method::Put, &url, &ReorderRequest { ids }).await
}

/// Adds an item (admin).
pub async fn create_item(request: &NewItemRequest) -> ApiResult<MenuItem> {
    send(Method::Post, "/api/menu/items", request).await
}

/// Changes an item's fields (admin).
pub async fn update_item(id: &str, request: &UpdateItemRequest) -> ApiResult<MenuItem> {
    send(Method::Patch, &path("/api/menu/items/{}", &[id]), request).await
}

/// Users, optionally filtered by a search over name and e-mail (admin).
pub async fn users(query: &str) -> ApiResult<AdminUsersResponse> {
    match query.trim() {
        "" => get("/api/admin/users").await,
        query => get(&path("/api/admin/users?q={}", &[query])).await,
    }
}

/// Creates a staff account (admin).
pub async fn create_staff(request: &NewStaffRequest) -> ApiResult<AdminUser> {
    send(Method::Post, "/api/admin/users", request).await
}

/// Sets a new password for a user; their sessions end (admin).
pub async fn reset_password(id: &str, password: &str) -> ApiResult<AdminUserAction> {
    let password = password.to_owned();
    let url = path("/api/admin/users/{}/password", &[id]);
    send(Method::Post, &url, &ResetPasswordRequest { password }).await
}

/// Sessions of all users. `app` is `customer`, `bartender` or `admin`;
/// `active` is `true`, `false` or `all` (admin).
pub async fn all_sessions(
    user_id: Option<&str>,
    app: Option<&str>,
    active: &str,
) -> ApiResult<AdminSessionsResponse> {
    let filter = [
        ("user_id", user_id.unwrap_or_default().to_owned()),
        ("app", app.unwrap_or_default().to_owned()),
    ];
    get(&(path("/api/admin/sessions?active={}", &[active]) + &query(&filter))).await
}

/// Sets when tickets turn amber and red; answers the settings as they are
/// now (admin).
pub async fn set_ticket_timers(timers: &TicketTimers) -> ApiResult<BarSettings> {
    send(Method::Put, "/api/admin/settings/timers", timers).await
}

/// One local day's figures by hour, time to ready and best sellers, or
/// the week's ending with it; `day` as `YYYY-MM-DD` (admin).
pub async fn day_figures(day: &str, span: FiguresSpan) -> ApiResult<DayFigures> {
    let url = path("/api/admin/figures?day={}&span={}", &[day, span.as_str()]);
    get(&url).await
}

/// The admin's activity log: filters in the query string (`user_id`,
/// `kind`, `from`, `to`, dates as `YYYY-MM-DD`), a page older than `before`.
pub async fn admin_activity(
    filter: &[(&str, String)],
    before: Option<i64>,
) -> ApiResult<AdminActivityPage> {
    let before = before.map(|id| format!("&before={id}")).unwrap_or_default();
    let url = format!("/api/admin/activity?limit=50{}{before}", query(filter));
    get(&url).await
}

/// The same log as CSV text (admin).
pub async fn admin_activity_csv(filter: &[(&str, String)]) -> ApiResult<String> {
    let path = format!("/api/admin/activity.csv?limit=50{}", query(filter));
    Ok(execute(HttpRequest::new(Method::Get, path)).await?.body)
}

/// `&name=value` for each non-empty filter, encoded.
fn query(filter: &[(&str, String)]) -> String {
    filter
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("&{name}={}", encode_component(value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::path;

    #[test]
    fn ids_are_encoded_into_their_places() {
        assert_eq!(path("/api/orders/{}", &["a b"]), "/api/orders/a%20b");
        assert_eq!(
            path("/api/orders/{}/stations/{}/ready", &["o?1", "s"]),
            "/api/orders/o%3F1/stations/s/ready"
        );
        assert_eq!(path("/api/stations", &[]), "/api/stations");
    }
}
