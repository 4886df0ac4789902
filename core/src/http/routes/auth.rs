//! `/api/auth/*`: login, sign-up, refresh, logout, the current user,
//! password change, re-authentication, the user's activity log and
//! new-device alerts. In cookie mode the refresh token of a browser app
//! travels in a cookie (see `http::cookies`).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use shared::api::{
    ChangePasswordRequest, ClientApp, ErrorBody, LoginRequest, MessageResponse, RefreshRequest,
    RegisterRequest, RevokedResponse, TokenResponse, UserInfo,
};
use shared::security::{ActivityPage, AlertsResponse, ReauthRequest, ReauthResponse};

use crate::clock::rfc3339;
use crate::error::AppError;
use crate::http::cookies::{self, AppHeader};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, AuthUser, Client, OptionalJson};
use crate::http::AppState;
use crate::services::sessions::ClientInfo;

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
        .route("/api/auth/reauth", post(reauth))
        .route("/api/auth/activity", get(activity))
        .route("/api/auth/alerts", get(alerts))
        .route("/api/auth/alerts/{id}/dismiss", post(dismiss_alert))
}

/// Signs in with e-mail and password and opens a session.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    params(("X-Taproom-App" = Option<String>, Header, description = "The browser app signing in; in cookie mode its refresh token is set as a cookie and left out of the body")),
    responses(
        (status = 200, description = "Signed in", body = TokenResponse),
        (status = 400, description = "Malformed JSON or X-Taproom-App", body = ErrorBody),
        (status = 401, description = "Wrong e-mail or password", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid field", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody),
    ))]
pub async fn login(
    State(state): State<AppState>,
    Client(client): Client,
    AppHeader(app): AppHeader,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, AppError> {
    let tokens = state.sessions.login(req, &client).await?;
    Ok(tokens_answer(&state, app, &client, tokens, StatusCode::OK))
}

/// Creates a customer account and signs it in.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = RegisterRequest,
    params(("X-Taproom-App" = Option<String>, Header, description = "As for login")),
    responses(
        (status = 201, description = "Account created and signed in", body = TokenResponse),
        (status = 400, description = "Malformed JSON or X-Taproom-App", body = ErrorBody),
        (status = 403, description = "Sign-up is closed", body = ErrorBody),
        (status = 409, description = "The e-mail address has an account", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid field", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody),
    ))]
pub async fn register(
    State(state): State<AppState>,
    Client(client): Client,
    AppHeader(app): AppHeader,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<Response, AppError> {
    let tokens = state.sessions.register(req, &client).await?;
    Ok(tokens_answer(
        &state,
        app,
        &client,
        tokens,
        StatusCode::CREATED,
    ))
}

/// Exchanges a refresh token for a new access and refresh token. The token
/// comes in the body, or (cookie mode, from our own pages) in the app's cookie.
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", request_body = RefreshRequest,
    params(("X-Taproom-App" = Option<String>, Header, description = "The browser app: with no token in the body, its cookie is read (cookie mode)")),
    responses(
        (status = 200, description = "New tokens", body = TokenResponse),
        (status = 400, description = "Malformed JSON or X-Taproom-App", body = ErrorBody),
        (status = 401, description = "Token missing, invalid, expired, reused, or session ended", body = ErrorBody),
        (status = 403, description = "A cookie sent from a page that is not ours (`cross_site_request`)", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Wrong shape", body = ErrorBody),
        (status = 429, description = "Too many refreshes", body = ErrorBody),
    ))]
pub async fn refresh(
    State(state): State<AppState>,
    Client(client): Client,
    AppHeader(app): AppHeader,
    headers: HeaderMap,
    OptionalJson(req): OptionalJson<RefreshRequest>,
) -> Response {
    let token = match presented_token(&state, app, &headers, req) {
        Ok(token) => token,
        Err(e) => return e.into_response(),
    };
    match state.sessions.refresh(&token, &client).await {
        Ok(tokens) => tokens_answer(&state, app, &client, tokens, StatusCode::OK),
        Err(e) => {
            // A refused token is dead: its cookie goes too.
            let clear = matches!(
                e,
                AppError::InvalidToken(_) | AppError::SessionEnded | AppError::TokenReused
            );
            with_cleared_cookie(&state, app, &client, clear, e.into_response())
        }
    }
}

/// Ends the session of a refresh token (in the body, or the app's cookie).
/// Idempotent.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", request_body = RefreshRequest,
    params(("X-Taproom-App" = Option<String>, Header, description = "As for refresh; the app's cookie is cleared")),
    responses(
        (status = 200, description = "Signed out", body = MessageResponse),
        (status = 400, description = "Malformed JSON or X-Taproom-App", body = ErrorBody),
        (status = 401, description = "Not a refresh token of ours, or none", body = ErrorBody),
        (status = 403, description = "A cookie sent from a page that is not ours", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Wrong shape", body = ErrorBody),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    Client(client): Client,
    AppHeader(app): AppHeader,
    headers: HeaderMap,
    OptionalJson(req): OptionalJson<RefreshRequest>,
) -> Response {
    let outcome = match presented_token(&state, app, &headers, req) {
        Ok(token) => state.sessions.logout(&token, &client).await,
        Err(e) => Err(e),
    };
    let answer = match outcome {
        Ok(()) => Json(MessageResponse {
            message: "Signed out.".to_owned(),
        })
        .into_response(),
        Err(e) => e.into_response(),
    };
    with_cleared_cookie(&state, app, &client, true, answer)
}

/// Ends every session of the signed-in user. Needs a recent proof of the password.
#[utoipa::path(post, path = "/api/auth/logout-all", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "All sessions ended", body = RevokedResponse),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "`reauth_required`: confirm the password (POST /api/auth/reauth) and repeat", body = ErrorBody),
    ))]
pub async fn logout_all(
    State(state): State<AppState>,
    Client(client): Client,
    AppHeader(app): AppHeader,
    AuthUser(auth): AuthUser,
) -> Result<Response, AppError> {
    let revoked = state.sessions.logout_all(&auth, &client).await?;
    let answer = Json(RevokedResponse {
        message: format!(
            "Signed out everywhere ({revoked} session{}).",
            if revoked == 1 { "" } else { "s" }
        ),
        revoked,
    })
    .into_response();
    Ok(with_cleared_cookie(&state, app, &client, true, answer))
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
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or wrong current password", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "New password not acceptable", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords", body = ErrorBody),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    Client(client): Client,
    AuthUser(auth): AuthUser,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> Result<Json<RevokedResponse>, AppError> {
    let revoked = state.sessions.change_password(&auth, req, &client).await?;
    Ok(Json(RevokedResponse {
        message: "Password changed; your other devices have been signed out.".to_owned(),
        revoked,
    }))
}

/// Proves the password again, for the sensitive actions of the next minutes.
#[utoipa::path(post, path = "/api/auth/reauth", tag = "auth", security(("bearer" = [])),
    request_body = ReauthRequest,
    responses(
        (status = 200, description = "Confirmed", body = ReauthResponse),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not signed in, or wrong password", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "No password", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords", body = ErrorBody),
    ))]
pub async fn reauth(
    State(state): State<AppState>,
    Client(client): Client,
    AuthUser(auth): AuthUser,
    ApiJson(req): ApiJson<ReauthRequest>,
) -> Result<Json<ReauthResponse>, AppError> {
    let until = state.sessions.reauth(&auth, req.password, &client).await?;
    Ok(Json(ReauthResponse {
        message: "Password confirmed.".to_owned(),
        valid_until: rfc3339(until),
    }))
}

/// A page of the user's security activity.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ActivityQuery {
    /// Entries older than this id (the previous page's `next_before`).
    #[serde(default)]
    pub before: Option<i64>,
    /// Entries per page, 1 to 100 (default 50).
    #[serde(default)]
    pub limit: Option<i64>,
}

/// The signed-in user's security activity, newest first.
#[utoipa::path(get, path = "/api/auth/activity", tag = "auth", security(("bearer" = [])),
    params(ActivityQuery),
    responses(
        (status = 200, description = "A page of entries", body = ActivityPage),
        (status = 400, description = "Unreadable query", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 422, description = "A limit out of range", body = ErrorBody),
    ))]
pub async fn activity(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiQuery(query): ApiQuery<ActivityQuery>,
) -> Result<Json<ActivityPage>, AppError> {
    Ok(Json(
        state
            .sessions
            .activity()
            .for_user(&auth.user_id, query.before, query.limit)
            .await?,
    ))
}

/// Sign-ins from new devices that happened while none of the user's
/// sessions was open, not answered yet (shown as "while you were away").
#[utoipa::path(get, path = "/api/auth/alerts", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "Open alerts, newest first", body = AlertsResponse),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ))]
pub async fn alerts(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<Json<AlertsResponse>, AppError> {
    let alerts = state.sessions.waiting_alerts(&auth).await?;
    Ok(Json(AlertsResponse { alerts }))
}

/// Answers a new-device alert ("It was me"; signing the device out answers it too).
#[utoipa::path(post, path = "/api/auth/alerts/{id}/dismiss", tag = "auth", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The alert's id")),
    responses(
        (status = 200, description = "Answered", body = MessageResponse),
        (status = 400, description = "Not an alert id", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No alert of yours", body = ErrorBody),
    ))]
pub async fn dismiss_alert(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<MessageResponse>, AppError> {
    state.sessions.activity().dismiss(&auth.user_id, id).await?;
    Ok(Json(MessageResponse {
        message: "Thanks; the alert is closed.".to_owned(),
    }))
}

/// The refresh token of a refresh or logout: from the body when given,
/// else (cookie mode, our own pages) from the app's cookie.
fn presented_token(
    state: &AppState,
    app: Option<ClientApp>,
    headers: &HeaderMap,
    body: Option<RefreshRequest>,
) -> Result<String, AppError> {
    if let Some(token) = body.as_ref().and_then(|b| b.refresh_token.clone()) {
        return Ok(token);
    }
    let Some(app) = app.filter(|_| state.refresh_cookie) else {
        // Without cookies the token must come in the body, as it always has.
        return Err(match body {
            None => AppError::BadRequestCode {
                code: "invalid_json",
                message: "The request body is not valid JSON.".to_owned(),
            },
            Some(_) => AppError::Validation(
                "The request body has the wrong shape: missing field `refresh_token`.".to_owned(),
            ),
        });
    };
    if !cookies::from_our_pages(headers) {
        return Err(AppError::CrossSite);
    }
    cookies::read(headers, app).ok_or(AppError::MissingToken)
}

/// The answer to a login, sign-up or refresh: in cookie mode, for a
/// browser app, the refresh token goes in its cookie and not in the body.
fn tokens_answer(
    state: &AppState,
    app: Option<ClientApp>,
    client: &ClientInfo,
    mut tokens: TokenResponse,
    status: StatusCode,
) -> Response {
    match app.filter(|_| state.refresh_cookie) {
        Some(app) => {
            let cookie = cookies::set(
                app,
                &tokens.refresh_token,
                state.sessions.refresh_ttl_secs(),
                client.https,
            );
            tokens.refresh_token.clear();
            (status, [(header::SET_COOKIE, cookie)], Json(tokens)).into_response()
        }
        None => (status, Json(tokens)).into_response(),
    }
}

/// Adds a `Set-Cookie` that removes the app's refresh cookie, in cookie mode.
fn with_cleared_cookie(
    state: &AppState,
    app: Option<ClientApp>,
    client: &ClientInfo,
    clear: bool,
    mut response: Response,
) -> Response {
    if let Some(app) = app.filter(|_| state.refresh_cookie && clear) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, cookies::clear(app, client.https));
    }
    response
}
