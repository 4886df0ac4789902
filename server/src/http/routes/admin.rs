//! `/api/admin/*`: the admin console — users, every session, today's figures.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use shared::api::{ClientApp, ErrorBody, MessageResponse, Role};
use shared::bar::{
    AdminSessionsResponse, AdminUser, AdminUserAction, AdminUsersResponse, NewStaffRequest,
    ResetPasswordRequest, TodayStats,
};

use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::http::AppState;
use crate::services::admin::SessionQuery;

const ADMIN: &[Role] = &[Role::Admin];

/// The admin routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/admin/users", get(users).post(create_user))
        .route("/api/admin/users/{id}/deactivate", post(deactivate))
        .route("/api/admin/users/{id}/reactivate", post(reactivate))
        .route("/api/admin/users/{id}/password", post(reset_password))
        .route(
            "/api/admin/users/{id}/logout-all",
            post(sign_out_everywhere),
        )
        .route("/api/admin/sessions", get(sessions))
        .route("/api/admin/sessions/{id}", delete(revoke_session))
        .route("/api/admin/stats", get(stats))
}

/// Query of the user list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UsersQuery {
    /// Part of a name or e-mail address.
    #[serde(default)]
    pub q: Option<String>,
}

/// Users, newest first, with their active session counts (admin).
#[utoipa::path(get, path = "/api/admin/users", tag = "admin", security(("bearer" = [])),
    params(UsersQuery),
    responses(
        (status = 200, description = "Users", body = AdminUsersResponse),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ))]
pub async fn users(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiQuery(query): ApiQuery<UsersQuery>,
) -> Result<Json<AdminUsersResponse>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(
        state.admin.users(query.q.as_deref().unwrap_or("")).await?,
    ))
}

/// Creates an account with a role (admin).
#[utoipa::path(post, path = "/api/admin/users", tag = "admin", security(("bearer" = [])),
    request_body = NewStaffRequest,
    responses(
        (status = 201, description = "Created", body = AdminUser),
        (status = 409, description = "The e-mail address has an account", body = ErrorBody),
        (status = 422, description = "Invalid field", body = ErrorBody),
    ))]
pub async fn create_user(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(req): ApiJson<NewStaffRequest>,
) -> Result<(StatusCode, Json<AdminUser>), AppError> {
    auth.require(ADMIN)?;
    Ok((StatusCode::CREATED, Json(state.admin.create(req).await?)))
}

/// Deactivates a user and ends all their sessions at once (admin).
#[utoipa::path(post, path = "/api/admin/users/{id}/deactivate", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "Deactivated", body = AdminUserAction),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 409, description = "Your own account", body = ErrorBody),
    ))]
pub async fn deactivate(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AdminUserAction>, AppError> {
    require_admin(&auth)?;
    Ok(Json(state.admin.deactivate(&auth, &id).await?))
}

/// Reactivates a user (admin).
#[utoipa::path(post, path = "/api/admin/users/{id}/reactivate", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "Reactivated", body = AdminUserAction),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn reactivate(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AdminUserAction>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(state.admin.reactivate(&id).await?))
}

/// Sets a new password for a user and ends their sessions (admin).
#[utoipa::path(post, path = "/api/admin/users/{id}/password", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), request_body = ResetPasswordRequest,
    responses(
        (status = 200, description = "Password reset", body = AdminUserAction),
        (status = 404, description = "No such user", body = ErrorBody),
        (status = 422, description = "Password too weak", body = ErrorBody),
    ))]
pub async fn reset_password(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<ResetPasswordRequest>,
) -> Result<Json<AdminUserAction>, AppError> {
    require_admin(&auth)?;
    Ok(Json(
        state.admin.reset_password(&auth, &id, req.password).await?,
    ))
}

/// Ends every session of a user (admin).
#[utoipa::path(post, path = "/api/admin/users/{id}/logout-all", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "Signed out everywhere", body = AdminUserAction),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AdminUserAction>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(state.admin.sign_out_everywhere(&id).await?))
}

/// Query of the sessions console.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SessionsQuery {
    /// Only this user's sessions.
    #[serde(default)]
    pub user_id: Option<String>,
    /// `customer`, `bartender` or `admin`.
    #[serde(default)]
    pub app: Option<String>,
    /// `true` (default), `false` (ended) or `all`.
    #[serde(default)]
    pub active: Option<String>,
}

/// Sessions of every user, most recent activity first (admin).
#[utoipa::path(get, path = "/api/admin/sessions", tag = "admin", security(("bearer" = [])),
    params(SessionsQuery),
    responses(
        (status = 200, description = "Sessions", body = AdminSessionsResponse),
        (status = 400, description = "Unknown filter value", body = ErrorBody),
    ))]
pub async fn sessions(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiQuery(query): ApiQuery<SessionsQuery>,
) -> Result<Json<AdminSessionsResponse>, AppError> {
    auth.require(ADMIN)?;
    let bad = |message: &str| AppError::BadRequestCode {
        code: "invalid_query",
        message: message.to_owned(),
    };
    let app = match query.app.as_deref().filter(|a| !a.is_empty()) {
        None => None,
        Some(a) => Some(
            ClientApp::parse(a)
                .ok_or_else(|| bad("The app must be customer, bartender or admin."))?,
        ),
    };
    let active = match query.active.as_deref() {
        None | Some("true") => Some(true),
        Some("false") => Some(false),
        Some("all") => None,
        Some(_) => return Err(bad("`active` must be true, false or all.")),
    };
    let user_id = query.user_id.filter(|u| !u.is_empty());
    if user_id.as_ref().is_some_and(|u| u.len() > 64) {
        return Err(bad("The user id is too long."));
    }
    let q = SessionQuery {
        user_id,
        app,
        active,
    };
    Ok(Json(state.admin.sessions(&q).await?))
}

/// Ends one session of any user (admin).
#[utoipa::path(delete, path = "/api/admin/sessions/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 200, description = "Ended (or had already ended)", body = MessageResponse),
        (status = 404, description = "No such session", body = ErrorBody),
    ))]
pub async fn revoke_session(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<MessageResponse>, AppError> {
    auth.require(ADMIN)?;
    let ended = state.admin.revoke(&id).await?;
    Ok(Json(MessageResponse {
        message: if ended {
            "The session has been ended.".to_owned()
        } else {
            "The session had already ended.".to_owned()
        },
    }))
}

/// Today's figures (admin).
#[utoipa::path(get, path = "/api/admin/stats", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "Today's figures", body = TodayStats),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ))]
pub async fn stats(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<TodayStats>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(state.admin.today().await?))
}

fn require_admin(auth: &crate::services::sessions::AuthContext) -> Result<(), AppError> {
    if auth.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
