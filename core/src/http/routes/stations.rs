//! `/api/stations` and `/api/admin/stations`: where categories are
//! prepared. Anyone signed in reads the list; admins change it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use shared::api::{ErrorBody, Role};
use shared::bar::{DeleteResponse, Station, StationRequest, StationsResponse};

use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, AuthUser};
use crate::http::AppState;

const ADMIN: &[Role] = &[Role::Admin];

/// The station routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/stations", get(stations))
        .route("/api/admin/stations", post(create_station))
        .route(
            "/api/admin/stations/{id}",
            patch(rename_station).delete(delete_station),
        )
}

/// Every station, in order (anyone signed in).
#[utoipa::path(get, path = "/api/stations", tag = "stations", security(("bearer" = [])),
    responses((status = 200, description = "The stations, in order", body = StationsResponse)))]
pub async fn stations(
    State(state): State<AppState>,
    AuthUser(_auth): AuthUser,
) -> Result<Json<StationsResponse>, AppError> {
    Ok(Json(state.menu.stations().await?))
}

/// Adds a station at the end of the list (admin).
#[utoipa::path(post, path = "/api/admin/stations", tag = "stations", security(("bearer" = [])),
    request_body = StationRequest,
    responses(
        (status = 201, description = "Created", body = Station),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "A station has this name, ignoring case (`station_exists`), or the bar has as many stations as it may (`too_many_stations`)", body = ErrorBody),
        (status = 422, description = "Invalid name", body = ErrorBody),
    ))]
pub async fn create_station(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(req): ApiJson<StationRequest>,
) -> Result<(StatusCode, Json<Station>), AppError> {
    auth.require(ADMIN)?;
    Ok((
        StatusCode::CREATED,
        Json(state.menu.create_station(req).await?),
    ))
}

/// Renames a station (admin); orders already placed keep the old name.
#[utoipa::path(patch, path = "/api/admin/stations/{id}", tag = "stations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Station id")), request_body = StationRequest,
    responses(
        (status = 200, description = "Renamed", body = Station),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such station", body = ErrorBody),
        (status = 409, description = "Another station has this name (`station_exists`)", body = ErrorBody),
        (status = 422, description = "Invalid name", body = ErrorBody),
    ))]
pub async fn rename_station(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<StationRequest>,
) -> Result<Json<Station>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(state.menu.rename_station(&id, req).await?))
}

/// Deletes a station (admin) that no open order and no category needs.
#[utoipa::path(delete, path = "/api/admin/stations/{id}", tag = "stations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Station id")),
    responses(
        (status = 200, description = "Deleted", body = DeleteResponse),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such station", body = ErrorBody),
        (status = 409, description = "Open orders have lines there (`station_has_open_lines`), categories are prepared there (`station_in_use`), or it is the only one (`last_station`)", body = ErrorBody),
    ))]
pub async fn delete_station(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<DeleteResponse>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(state.menu.delete_station(&id).await?))
}
