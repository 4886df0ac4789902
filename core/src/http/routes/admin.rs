//! `/api/admin/*`: the admin console — users, every session, today's
//! figures and a day's figures by hour.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use shared::api::{ClientApp, ErrorBody, MessageResponse, Role};
use shared::bar::{
    AdminSessionsResponse, AdminUser, AdminUserAction, AdminUsersResponse, DayFigures, FiguresSpan,
    NewStaffRequest, ResetPasswordRequest, TodayStats,
};

use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::http::AppState;
use crate::services::activity::AdminFilter;
use crate::services::admin::SessionQuery;
use shared::security::{ActivityKind, AdminActivityPage};

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
        .route("/api/admin/figures", get(figures))
        .route("/api/admin/activity", get(activity))
        .route("/api/admin/activity.csv", get(activity_csv))
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
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or `reauth_required`: confirm the password (POST /api/auth/reauth) and repeat", body = ErrorBody),
        (status = 201, description = "Created", body = AdminUser),
        (status = 409, description = "The e-mail address has an account", body = ErrorBody),
        (status = 422, description = "Invalid field", body = ErrorBody),
    ))]
pub async fn create_user(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiJson(req): ApiJson<NewStaffRequest>,
) -> Result<(StatusCode, Json<AdminUser>), AppError> {
    require_admin(&auth)?;
    Ok((
        StatusCode::CREATED,
        Json(state.admin.create(&auth, req).await?),
    ))
}

/// Deactivates a user and ends all their sessions at once (admin).
#[utoipa::path(post, path = "/api/admin/users/{id}/deactivate", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "Deactivated", body = AdminUserAction),
        (status = 403, description = "Not an admin, or `reauth_required`: confirm the password (POST /api/auth/reauth) and repeat", body = ErrorBody),
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
        (status = 403, description = "Not an admin, or `reauth_required`: confirm the password (POST /api/auth/reauth) and repeat", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn reactivate(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AdminUserAction>, AppError> {
    require_admin(&auth)?;
    Ok(Json(state.admin.reactivate(&auth, &id).await?))
}

/// Sets a new password for a user and ends their sessions (admin).
#[utoipa::path(post, path = "/api/admin/users/{id}/password", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "User id")), request_body = ResetPasswordRequest,
    responses(
        (status = 200, description = "Password reset", body = AdminUserAction),
        (status = 403, description = "Not an admin, or `reauth_required`: confirm the password (POST /api/auth/reauth) and repeat", body = ErrorBody),
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
        (status = 403, description = "Not an admin, or `reauth_required`: confirm the password (POST /api/auth/reauth) and repeat", body = ErrorBody),
        (status = 404, description = "No such user", body = ErrorBody),
    ))]
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<AdminUserAction>, AppError> {
    require_admin(&auth)?;
    Ok(Json(state.admin.sign_out_everywhere(&auth, &id).await?))
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
        (status = 403, description = "Not an admin", body = ErrorBody),
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
    Ok(Json(state.admin.sessions(&q, &auth.0.session_id).await?))
}

/// Ends one session of any user (admin).
#[utoipa::path(delete, path = "/api/admin/sessions/{id}", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin, or `reauth_required`: confirm the password (POST /api/auth/reauth) and repeat", body = ErrorBody),
        (status = 200, description = "Ended (or had already ended)", body = MessageResponse),
        (status = 404, description = "No such session", body = ErrorBody),
    ))]
pub async fn revoke_session(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<MessageResponse>, AppError> {
    require_admin(&auth)?;
    let ended = state.admin.revoke(&auth, &id).await?;
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

/// Query of a day's figures.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FiguresQuery {
    /// The local day, `YYYY-MM-DD`, from today back 400 days; today if absent.
    #[serde(default)]
    pub day: Option<String>,
    /// `day` (the default) or `week`: the seven days ending with `day`.
    #[serde(default)]
    pub span: FiguresSpan,
}

/// One day's (or one week's) figures by hour and day, time to ready and
/// best sellers (admin).
#[utoipa::path(get, path = "/api/admin/figures", tag = "admin", security(("bearer" = [])),
    params(FiguresQuery),
    responses(
        (status = 200, description = "The day's or the week's figures", body = DayFigures),
        (status = 400, description = "An unreadable query string", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "A malformed day, a future one or one too long ago", body = ErrorBody),
    ))]
pub async fn figures(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiQuery(query): ApiQuery<FiguresQuery>,
) -> Result<Json<DayFigures>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(
        state
            .admin
            .day_figures(query.day.as_deref(), query.span)
            .await?,
    ))
}

fn require_admin(auth: &crate::services::sessions::AuthContext) -> Result<(), AppError> {
    if auth.role == Role::Admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Filters of the admin's activity log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ActivityQuery {
    /// Only this user's entries.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Only entries of this kind (e.g. `new_device`).
    #[serde(default)]
    pub kind: Option<String>,
    /// From this day (`YYYY-MM-DD`, UTC), inclusive.
    #[serde(default)]
    pub from: Option<String>,
    /// To this day (`YYYY-MM-DD`, UTC), inclusive.
    #[serde(default)]
    pub to: Option<String>,
    /// Entries older than this id (the previous page's `next_before`).
    #[serde(default)]
    pub before: Option<i64>,
    /// Entries per page, 1 to 100 (default 50).
    #[serde(default)]
    pub limit: Option<i64>,
}

impl ActivityQuery {
    fn filter(&self) -> Result<AdminFilter, AppError> {
        let bad = |message: String| AppError::BadRequestCode {
            code: "invalid_query",
            message,
        };
        let day = |text: &Option<String>, name: &str| -> Result<Option<i64>, AppError> {
            match text.as_deref().filter(|t| !t.is_empty()) {
                None => Ok(None),
                Some(t) => chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
                    .map(|d| Some(d.and_utc().timestamp_millis()))
                    .ok_or_else(|| bad(format!("`{name}` must be a date like 2026-11-30."))),
            }
        };
        let kind = match self.kind.as_deref().filter(|k| !k.is_empty()) {
            None => None,
            Some(k) => Some(
                ActivityKind::parse(k)
                    .ok_or_else(|| bad(format!("There is no activity kind {k:?}.")))?,
            ),
        };
        let user_id = self.user_id.clone().filter(|u| !u.is_empty());
        if user_id.as_ref().is_some_and(|u| u.len() > 64) {
            return Err(bad("The user id is too long.".to_owned()));
        }
        let from = day(&self.from, "from")?;
        // A whole day: up to the next midnight.
        let to = day(&self.to, "to")?.map(|t| t.saturating_add(86_400_000));
        if let (Some(from), Some(to)) = (from, to) {
            if from >= to {
                return Err(bad("`from` must not be after `to`.".to_owned()));
            }
        }
        Ok(AdminFilter {
            user_id,
            kind,
            from,
            to,
        })
    }
}

/// The security activity of every user, newest first, filtered (admin).
#[utoipa::path(get, path = "/api/admin/activity", tag = "admin", security(("bearer" = [])),
    params(ActivityQuery),
    responses(
        (status = 200, description = "A page of entries", body = AdminActivityPage),
        (status = 400, description = "An unreadable filter", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "A limit out of range", body = ErrorBody),
    ))]
pub async fn activity(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiQuery(query): ApiQuery<ActivityQuery>,
) -> Result<Json<AdminActivityPage>, AppError> {
    auth.require(ADMIN)?;
    let filter = query.filter()?;
    Ok(Json(
        state
            .sessions
            .activity()
            .search(&filter, query.before, query.limit)
            .await?,
    ))
}

/// The same entries as CSV, newest first, at most 50,000 (admin).
#[utoipa::path(get, path = "/api/admin/activity.csv", tag = "admin", security(("bearer" = [])),
    params(ActivityQuery),
    responses(
        (status = 200, description = "CSV with a header row", content_type = "text/csv"),
        (status = 400, description = "An unreadable filter", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    ))]
pub async fn activity_csv(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiQuery(query): ApiQuery<ActivityQuery>,
) -> Result<impl IntoResponse, AppError> {
    auth.require(ADMIN)?;
    let filter = query.filter()?;
    let csv = state.sessions.activity().export_csv(&filter).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"taproom-activity.csv\"",
            ),
        ],
        csv,
    ))
}
