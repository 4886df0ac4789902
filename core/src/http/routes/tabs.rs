//! `/api/tabs`: a guest reads their tabs; staff list the open ones and
//! close them as paid, whole or split.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use shared::api::ErrorBody;
use shared::bar::{CloseTabRequest, Tab, TabsResponse};

use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, AuthUser};
use crate::http::AppState;

/// The tab routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/tabs", get(open))
        .route("/api/tabs/mine", get(mine))
        .route("/api/tabs/{id}", get(one))
        .route("/api/tabs/{id}/close", post(close))
}

/// The signed-in guest's tabs: open ones and those paid in the last 12
/// hours, newest first (empty for staff).
#[utoipa::path(get, path = "/api/tabs/mine", tag = "tabs", security(("bearer" = [])),
    responses((status = 200, description = "Your tabs", body = TabsResponse)))]
pub async fn mine(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<Json<TabsResponse>, AppError> {
    Ok(Json(state.tabs.mine(&auth).await?))
}

/// Open tabs by table (bartenders and admins).
#[utoipa::path(get, path = "/api/tabs", tag = "tabs", security(("bearer" = [])),
    responses(
        (status = 200, description = "Open tabs, by table", body = TabsResponse),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub async fn open(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<Json<TabsResponse>, AppError> {
    Ok(Json(state.tabs.open(&auth).await?))
}

/// One tab, for staff or the guest whose tab it is.
#[utoipa::path(get, path = "/api/tabs/{id}", tag = "tabs", security(("bearer" = [])),
    params(("id" = String, Path, description = "Tab id")),
    responses(
        (status = 200, description = "The tab", body = Tab),
        (status = 404, description = "No such tab of yours", body = ErrorBody),
    ))]
pub async fn one(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Tab>, AppError> {
    Ok(Json(state.tabs.get(&auth, &id).await?))
}

/// Closes a tab as paid, whole, in equal parts or by line (bartenders and
/// admins). Of several devices at once exactly one succeeds.
#[utoipa::path(post, path = "/api/tabs/{id}/close", tag = "tabs", security(("bearer" = [])),
    params(("id" = String, Path, description = "Tab id")),
    request_body = CloseTabRequest,
    responses(
        (status = 200, description = "Closed as paid, with its payments", body = Tab),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such tab", body = ErrorBody),
        (status = 409, description = "Already closed (`tab_closed`, by whom and when the message says), changed since it was shown (`stale_version`, with the tab as it is now in `current`), or orders still open without `confirm_open_orders` (`open_orders`)", body = ErrorBody),
        (status = 422, description = "A split that does not fit the tab: `invalid_parts`, `empty_part`, `unknown_line`, `cancelled_line`, `repeated_line`, `missing_line`", body = ErrorBody),
    ))]
pub async fn close(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<CloseTabRequest>,
) -> Result<Json<Tab>, AppError> {
    Ok(Json(state.tabs.close(&auth, &id, req).await?))
}
