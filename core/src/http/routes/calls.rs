//! `/api/calls`: a guest calls staff or asks for the bill; staff list the
//! open calls and acknowledge them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use shared::api::ErrorBody;
use shared::bar::{NewCallRequest, TableCall, TableCallsResponse};

use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, AuthUser};
use crate::http::AppState;
use crate::services::calls::Made;

/// The call routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/calls", post(call).get(open))
        .route("/api/calls/mine", get(mine))
        .route("/api/calls/{id}/acknowledge", post(acknowledge))
}

/// Calls staff, or asks for the bill, at a table (customers). One call of
/// a kind is open at a table: a tap while it is open answers that call
/// (200) instead of making another (201), so taps never pile up. The
/// answer is the caller's own view of the call: whether it is still open.
#[utoipa::path(post, path = "/api/calls", tag = "calls", security(("bearer" = [])),
    request_body = NewCallRequest,
    responses(
        (status = 201, description = "A new call", body = TableCall),
        (status = 200, description = "The call of this kind already open at the table", body = TableCall),
        (status = 403, description = "Only customers call staff", body = ErrorBody),
        (status = 422, description = "Missing, too long or multi-line table, or an unknown kind", body = ErrorBody),
        (status = 429, description = "The guest has 4 calls open already (Retry-After)", body = ErrorBody),
    ))]
pub async fn call(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiJson(req): ApiJson<NewCallRequest>,
) -> Result<(StatusCode, Json<TableCall>), AppError> {
    let (call, made) = state.calls.call(&auth, req).await?;
    let status = match made {
        Made::New => StatusCode::CREATED,
        Made::Existing => StatusCode::OK,
    };
    Ok((status, Json(call)))
}

/// Open calls, oldest first (bartenders and admins).
#[utoipa::path(get, path = "/api/calls", tag = "calls", security(("bearer" = [])),
    responses(
        (status = 200, description = "Open calls", body = TableCallsResponse),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub async fn open(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<Json<TableCallsResponse>, AppError> {
    Ok(Json(state.calls.open(&auth).await?))
}

/// The signed-in guest's calls: open ones and those acknowledged in the
/// last 15 minutes, oldest first (empty for staff, who never call).
#[utoipa::path(get, path = "/api/calls/mine", tag = "calls", security(("bearer" = [])),
    responses((status = 200, description = "Your calls", body = TableCallsResponse)))]
pub async fn mine(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<Json<TableCallsResponse>, AppError> {
    Ok(Json(state.calls.mine(&auth).await?))
}

/// "On my way": acknowledges an open call (bartenders and admins). Of
/// several staff at once exactly one succeeds.
#[utoipa::path(post, path = "/api/calls/{id}/acknowledge", tag = "calls", security(("bearer" = [])),
    params(("id" = String, Path, description = "Call id")),
    responses(
        (status = 200, description = "Acknowledged", body = TableCall),
        (status = 400, description = "An id that cannot be read", body = ErrorBody),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such call", body = ErrorBody),
        (status = 409, description = "Already acknowledged (`already_acknowledged`), by whom the message says", body = ErrorBody),
    ))]
pub async fn acknowledge(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<TableCall>, AppError> {
    Ok(Json(state.calls.acknowledge(&auth, &id).await?))
}
