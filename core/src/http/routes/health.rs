//! `/healthz` (the process answers) and `/readyz` (the database answers).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use shared::api::HealthResponse;

use crate::http::AppState;

/// The health routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// Liveness: answers as long as the process serves requests.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "Alive", body = HealthResponse)))]
pub async fn healthz() -> Json<HealthResponse> {
    Json(HealthResponse {
        status: "ok".to_owned(),
    })
}

/// Readiness: answers 200 only while the database answers.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "Ready", body = HealthResponse),
        (status = 503, description = "Database unreachable", body = HealthResponse),
    ))]
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<HealthResponse>) {
    if state.health.ready().await {
        let body = HealthResponse {
            status: "ready".to_owned(),
        };
        (StatusCode::OK, Json(body))
    } else {
        let body = HealthResponse {
            status: "database unavailable".to_owned(),
        };
        (StatusCode::SERVICE_UNAVAILABLE, Json(body))
    }
}
