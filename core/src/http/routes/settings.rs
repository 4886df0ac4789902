//! The bar's settings: staff read them at `/api/bar/settings`; admins
//! change the ticket timers at `/api/admin/settings/timers`.

use axum::extract::State;
use axum::routing::{get, put};
use axum::{Json, Router};
use shared::api::{ErrorBody, Role};
use shared::bar::{BarSettings, TicketTimers};

use crate::error::AppError;
use crate::http::extract::{ApiJson, AuthUser};
use crate::http::AppState;

const ADMIN: &[Role] = &[Role::Admin];
const STAFF: &[Role] = &[Role::Bartender, Role::Admin];

/// The settings routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/bar/settings", get(bar_settings))
        .route("/api/admin/settings/timers", put(set_timers))
}

/// The bar's settings: when tickets turn amber and red (bartenders and admins).
#[utoipa::path(get, path = "/api/bar/settings", tag = "settings", security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings; the defaults until an admin changes them", body = BarSettings),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not staff", body = ErrorBody),
    ))]
pub async fn bar_settings(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<BarSettings>, AppError> {
    auth.require(STAFF)?;
    Ok(Json(state.bar_settings.get().await?))
}

/// Sets when tickets turn amber and red; open bartender screens follow at once (admin).
#[utoipa::path(put, path = "/api/admin/settings/timers", tag = "settings", security(("bearer" = [])),
    request_body = TicketTimers,
    responses(
        (status = 200, description = "Changed; the settings as they are now", body = BarSettings),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON (Content-Type must be application/json)", body = ErrorBody),
        (status = 422, description = "A timer under a minute or over 24 hours, amber not before red, or a field missing or not a whole number of seconds", body = ErrorBody),
    ))]
pub async fn set_timers(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(req): ApiJson<TicketTimers>,
) -> Result<Json<BarSettings>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(state.bar_settings.set_timers(req).await?))
}
