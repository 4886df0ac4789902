//! `/api/auth/sessions`: the signed-in user's devices.

use axum::extract::State;
use axum::routing::{delete, get};
use axum::{Json, Router};
use shared::api::{ErrorBody, MessageResponse, SessionsResponse};

use crate::error::AppError;
use crate::http::extract::{ApiPath, AuthUser, Client};
use crate::http::AppState;

/// The session routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/sessions", get(list))
        .route("/api/auth/sessions/{id}", delete(revoke))
}

/// Lists the user's active sessions, most recent activity first.
#[utoipa::path(get, path = "/api/auth/sessions", tag = "sessions", security(("bearer" = [])),
    responses(
        (status = 200, description = "Active sessions", body = SessionsResponse),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<Json<SessionsResponse>, AppError> {
    let sessions = state.sessions.list(&auth).await?;
    Ok(Json(SessionsResponse {
        total: sessions.len() as u64,
        sessions,
    }))
}

/// Signs out one of the user's own devices.
#[utoipa::path(delete, path = "/api/auth/sessions/{id}", tag = "sessions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "Session ended", body = MessageResponse),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such session of yours", body = ErrorBody),
    ))]
pub async fn revoke(
    State(state): State<AppState>,
    Client(client): Client,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<MessageResponse>, AppError> {
    if id.len() > 64 {
        return Err(AppError::NotFound(
            "No session of yours has this id.".to_owned(),
        ));
    }
    state.sessions.revoke_own(&auth, &id, &client).await?;
    Ok(Json(MessageResponse {
        message: "That device has been signed out.".to_owned(),
    }))
}
