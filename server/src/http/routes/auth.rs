//! `/api/auth/*`: login, sign-up, refresh, logout, the current user and
//! password change.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use shared::api::{
    ChangePasswordRequest, ErrorBody, LoginRequest, MessageResponse, RefreshRequest,
    RegisterRequest, RevokedResponse, TokenResponse, UserInfo,
};

use crate::error::AppError;
use crate::http::extract::{ApiJson, AuthUser, Client};
use crate::http::AppState;

/// The auth routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/auth/register", post(register))
        .route("/api/auth/refresh", post(refresh))
        .route("/api/auth/logout", post(logout))
        .route("/api/auth/logout-all", post(logout_all))
        .route("/api/auth/me", get(me))
        .route("/api/auth/password", post(change_password))
}

/// Signs in with e-mail and password and opens a session.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 401, description = "Wrong e-mail or password", body = ErrorBody),
        (status = 422, description = "Invalid field", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    Ok(Json(state.sessions.login(req, &client).await?))
}

/// Creates a customer account and signs it in.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = TokenResponse),
        (status = 403, description = "Sign-up is closed", body = ErrorBody),
        (status = 409, description = "The e-mail address has an account", body = ErrorBody),
        (status = 422, description = "Invalid field", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody),
    ))]
pub async fn register(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<TokenResponse>), AppError> {
    let tokens = state.sessions.register(req, &client).await?;
    Ok((StatusCode::CREATED, Json(tokens)))
}

/// Exchanges a refresh token for a new access and refresh token.
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 401, description = "Token invalid, expired, reused, or session ended", body = ErrorBody),
        (status = 429, description = "Too many refreshes", body = ErrorBody),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<TokenResponse>, AppError> {
    Ok(Json(
        state.sessions.refresh(&req.refresh_token, &client).await?,
    ))
}

/// Ends the session of a refresh token. Idempotent.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "Signed out", body = MessageResponse),
        (status = 401, description = "Not a refresh token of ours", body = ErrorBody),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<MessageResponse>, AppError> {
    state.sessions.logout(&req.refresh_token).await?;
    Ok(Json(MessageResponse {
        message: "Signed out.".to_owned(),
    }))
}

/// Ends every session of the signed-in user.
#[utoipa::path(post, path = "/api/auth/logout-all", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "All sessions ended", body = RevokedResponse),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn logout_all(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<Json<RevokedResponse>, AppError> {
    let revoked = state.sessions.logout_all(&auth).await?;
    Ok(Json(RevokedResponse {
        message: format!(
            "Signed out everywhere ({revoked} session{}).",
            if revoked == 1 { "" } else { "s" }
        ),
        revoked,
    }))
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The user", body = UserInfo),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn me(State(state): State<AppState>, AuthUser(auth): AuthUser) -> Json<UserInfo> {
    Json(state.sessions.me(&auth))
}

/// Changes the password and ends every other session.
#[utoipa::path(post, path = "/api/auth/password", tag = "auth", security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Changed; other sessions ended", body = RevokedResponse),
        (status = 401, description = "Not signed in, or wrong current password", body = ErrorBody),
        (status = 422, description = "New password not acceptable", body = ErrorBody),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> Result<Json<RevokedResponse>, AppError> {
    let revoked = state.sessions.change_password(&auth, req).await?;
    Ok(Json(RevokedResponse {
        message: "Password changed; your other devices have been signed out.".to_owned(),
        revoked,
    }))
}
