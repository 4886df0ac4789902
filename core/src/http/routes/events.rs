//! `/api/events`: the live stream (server-sent events) and the tickets that
//! open it.
//!
//! Browsers' `EventSource` cannot send an `Authorization` header, so a
//! client first exchanges its access token for a single-use ticket valid
//! for 30 s and opens `/api/events?ticket=…`. Other clients may send the
//! bearer token instead. Events carry their id; reconnecting with
//! `Last-Event-ID` or `?since=` replays what was missed. A stream ends with
//! a `session_ended` event the moment its session ends. What a stream
//! sends, and when it stops, is `services::events`; this module only
//! speaks SSE.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::StreamExt;
use serde::Deserialize;
use shared::api::ErrorBody;
use shared::bar::StreamTicket;
use shared::events::StreamEvent;

use crate::error::AppError;
use crate::http::extract::{ApiQuery, AuthUser};
use crate::http::AppState;
use crate::services::events::StreamItem;
use crate::services::sessions::{AuthContext, SessionService};

/// The event routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/events", get(stream))
        .route("/api/events/ticket", post(ticket))
}

/// Exchanges the access token for a single-use stream ticket (30 s).
#[utoipa::path(post, path = "/api/events/ticket", tag = "events", security(("bearer" = [])),
    responses(
        (status = 200, description = "A ticket for GET /api/events", body = StreamTicket),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 429, description = "Too many tickets asked for by this session", body = ErrorBody),
    ))]
pub async fn ticket(
    State(state): State<AppState>,
    AuthUser(auth): AuthUser,
) -> Result<Json<StreamTicket>, AppError> {
    Ok(Json(state.sessions.issue_stream_ticket(&auth).await?))
}

/// Query of the stream.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// A ticket from `POST /api/events/ticket` (instead of a bearer token).
    #[serde(default)]
    pub ticket: Option<String>,
    /// Replay events after this id (like `Last-Event-ID`).
    #[serde(default)]
    pub since: Option<i64>,
}

/// The live stream (`text/event-stream`). Events: `order` (an `Order`;
/// customers get their own, staff all), `menu_item` (a `MenuItemEvent`),
/// `bar_settings` (the `BarSettings` after an admin's change; staff only),
/// `table_call` (a `TableCall` opened or acknowledged; customers get the
/// calls they asked for, staff all), `new_sign_in` (an alert about the
/// user's own account), `ready` (`{"cursor": n}`, once the replay is done),
/// `reset` (the cursor is older than the kept events: reload lists),
/// `session_ended` (the session was revoked; the stream closes).
#[utoipa::path(get, path = "/api/events", tag = "events", security(("bearer" = [])),
    params(StreamQuery, ("Last-Event-ID" = Option<i64>, Header, description = "Replay events after this id")),
    responses(
        (status = 200, description = "Server-sent events", content_type = "text/event-stream"),
        (status = 400, description = "An unreadable query or Last-Event-ID", body = ErrorBody),
        (status = 401, description = "No valid ticket or token", body = ErrorBody),
        (status = 429, description = "Too many streams open for this session or user", body = ErrorBody),
    ))]
pub async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<StreamQuery>,
) -> Result<impl IntoResponse, AppError> {
    let auth = match &query.ticket {
        Some(ticket) => state.sessions.redeem_stream_ticket(ticket).await?,
        None => bearer(&state.sessions, &headers).await?,
    };
    let since = match query.since {
        Some(since) => Some(since),
        None => headers
            .get("last-event-id")
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| AppError::BadRequestCode {
                        code: "invalid_last_event_id",
                        message: "Last-Event-ID must be an event id (a number).".to_owned(),
                    })
            })
            .transpose()?,
    };
    let items = state.hub.open(&state.sessions, auth, since)?;
    let body = items.map(|item| Ok::<Event, Infallible>(to_sse(&item)));
    Ok((
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Sse::new(body).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))),
    ))
}

async fn bearer(sessions: &SessionService, headers: &HeaderMap) -> Result<AuthContext, AppError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(AppError::MissingToken)?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or(AppError::MissingToken)?;
    sessions.authenticate(token).await
}

/// A stream item as a server-sent event.
fn to_sse(item: &StreamItem) -> Event {
    match item {
        StreamItem::Event(event) => Event::default()
            .id(event.id.to_string())
            .event(event.kind.as_str())
            .data(event.payload.as_str()),
        StreamItem::Ready { cursor } => Event::default()
            .event(StreamEvent::Ready.as_str())
            .data(format!("{{\"cursor\":{cursor}}}")),
        StreamItem::Reset { cursor } => Event::default()
            .event(StreamEvent::Reset.as_str())
            .data(format!("{{\"cursor\":{cursor}}}")),
        StreamItem::SessionEnded => Event::default()
            .event(StreamEvent::SessionEnded.as_str())
            .data("{}"),
    }
}
