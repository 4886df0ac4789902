//! `/api/orders`: placing orders (idempotent), reading them, moving them
//! through their statuses, and recalling a mistaken step.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use shared::api::ErrorBody;
use shared::bar::{
    NewOrderRequest, Order, OrdersResponse, RecallRequest, StationReadyRequest, StatusChangeRequest,
};

use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::http::AppState;
use crate::services::orders::{Placed, Scope};

const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The order routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/orders", post(place).get(list))
        .route("/api/orders/mine", get(mine))
        .route("/api/orders/{id}", get(one))
        .route("/api/orders/{id}/status", post(change_status))
        .route("/api/orders/{id}/recall", post(recall))
        .route(
            "/api/orders/{id}/stations/{station_id}/ready",
            post(station_ready),
        )
}

/// Places an order (customers). Send an `Idempotency-Key` header: the same
/// key and body answer with the same order (`Idempotent-Replayed: true`),
/// so a retry or a double tap never makes two.
#[utoipa::path(post, path = "/api/orders", tag = "orders", security(("bearer" = [])),
    request_body = NewOrderRequest,
    params(("Idempotency-Key" = String, Header, description = "Unique per order; 1 to 100 visible ASCII characters")),
    responses(
        (status = 201, description = "Placed (or replayed)", body = Order),
        (status = 400, description = "Missing or invalid Idempotency-Key", body = ErrorBody),
        (status = 403, description = "Only customers order", body = ErrorBody),
        (status = 409, description = "A line's `unit_price_cents` is not the menu's price now (`price_changed`)", body = ErrorBody),
        (status = 422, description = "Invalid order, unknown or sold-out items, options that do not fit their item (`invalid_options`) or sold out (`options_unavailable`), or a key reused with another body", body = ErrorBody),
    ))]
pub async fn place(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    headers: HeaderMap,
    ApiJson(req): ApiJson<NewOrderRequest>,
) -> Result<Response, AppError> {
    let key = match headers.get(IDEMPOTENCY_KEY) {
        Some(value) => Some(value.to_str().map_err(|_| AppError::BadRequestCode {
            code: "invalid_idempotency_key",
            message: "The Idempotency-Key must be visible ASCII characters.".to_owned(),
        })?),
        None => None,
    };
    let (order, placed) = state.orders.place(&auth, key, req).await?;
    let mut response = (StatusCode::CREATED, Json(order)).into_response();
    if placed == Placed::Replayed {
        response
            .headers_mut()
            .insert(REPLAYED, HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// Query of the staff order list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `open` (default: not yet served or cancelled, oldest first) or
    /// `today` (placed since midnight, newest first).
    #[serde(default)]
    pub scope: Option<String>,
}

/// Open orders or today's orders (bartenders and admins).
#[utoipa::path(get, path = "/api/orders", tag = "orders", security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "Orders", body = OrdersResponse),
        (status = 400, description = "Unknown scope", body = ErrorBody),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<OrdersResponse>, AppError> {
    let scope = match query.scope.as_deref() {
        None | Some("open") => Scope::Open,
        Some("today") => Scope::Today,
        Some(_) => {
            return Err(AppError::BadRequestCode {
                code: "invalid_query",
                message: "The scope must be `open` or `today`.".to_owned(),
            })
        }
    };
    Ok(Json(state.orders.list(&auth, scope).await?))
}

/// The signed-in customer's orders, newest first.
#[utoipa::path(get, path = "/api/orders/mine", tag = "orders", security(("bearer" = [])),
    responses((status = 200, description = "Your orders", body = OrdersResponse)))]
pub async fn mine(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<Json<OrdersResponse>, AppError> {
    Ok(Json(state.orders.mine(&auth).await?))
}

/// One order (its customer, or staff).
#[utoipa::path(get, path = "/api/orders/{id}", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 404, description = "No such order of yours", body = ErrorBody),
    ))]
pub async fn one(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Order>, AppError> {
    Ok(Json(state.orders.get(&auth, &id).await?))
}

/// Moves an order to a new status, naming the version the caller saw.
/// Staff: received → preparing → ready → served, or cancelled (with a
/// reason) from any open status. Customers: cancel their own while received.
#[utoipa::path(post, path = "/api/orders/{id}/status", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")), request_body = StatusChangeRequest,
    responses(
        (status = 200, description = "Changed", body = Order),
        (status = 403, description = "Not allowed for this role", body = ErrorBody),
        (status = 404, description = "No such order of yours", body = ErrorBody),
        (status = 409, description = "Stale version, impossible change, or too late to cancel", body = ErrorBody),
        (status = 422, description = "Missing or invalid reason", body = ErrorBody),
    ))]
pub async fn change_status(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<StatusChangeRequest>,
) -> Result<Json<Order>, AppError> {
    Ok(Json(state.orders.change_status(&auth, &id, req).await?))
}

/// Takes an order back one step (a mistaken bump) within five minutes of
/// its last change, naming the version the caller saw (bartenders and admins).
#[utoipa::path(post, path = "/api/orders/{id}/recall", tag = "orders", security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")), request_body = RecallRequest,
    responses(
        (status = 200, description = "Back one step: preparing → received, ready → preparing, served → ready; with `station_id`, that station's lines are no longer ready (a ready order goes back to preparing)", body = Order),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 409, description = "Stale version (`stale_version`), a received or cancelled order or a station that has not marked its lines ready (`nothing_to_recall`), last changed more than 5 minutes ago (`recall_expired`), or with `station_id` an order already served or cancelled (`order_closed`)", body = ErrorBody),
        (status = 422, description = "Missing or mistyped version, an unknown field, or a `station_id` the order has no lines at (`no_lines_at_station`)", body = ErrorBody),
    ))]
pub async fn recall(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<RecallRequest>,
) -> Result<Json<Order>, AppError> {
    Ok(Json(state.orders.recall(&auth, &id, req).await?))
}

/// Marks one station's lines of an order ready, naming the version the
/// caller saw (bartenders and admins). A received order starts preparing;
/// when every station has marked its lines, the order is ready.
#[utoipa::path(post, path = "/api/orders/{id}/stations/{station_id}/ready", tag = "orders", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Order id"),
        ("station_id" = String, Path, description = "Station id"),
    ),
    request_body = StationReadyRequest,
    responses(
        (status = 200, description = "Marked; the order is preparing, or ready once every station is", body = Order),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such order", body = ErrorBody),
        (status = 409, description = "Stale version (`stale_version`), an order already served or cancelled (`order_closed`), or the station's lines already ready (`already_ready`)", body = ErrorBody),
        (status = 422, description = "Missing or mistyped version, or the order has no lines at this station (`no_lines_at_station`)", body = ErrorBody),
    ))]
pub async fn station_ready(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath((id, station_id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<StationReadyRequest>,
) -> Result<Json<Order>, AppError> {
    Ok(Json(
        state
            .orders
            .station_ready(&auth, &id, &station_id, req)
            .await?,
    ))
}
