//! `/api/events`: the live stream (server-sent events) and the tickets that
//! open it.
//!
//! Browsers' `EventSource` cannot send an `Authorization` header, so a
//! client first exchanges its access token for a single-use ticket valid
//! for 30 s and opens `/api/events?ticket=…`. Other clients may send the
//! bearer token instead. Events carry their id; reconnecting with
//! `Last-Event-ID` or `?since=` replays what was missed. Each stream checks
//! every [`CHECK_EVERY`] that its session is still active and ends with a
//! `session_ended` event when it is not.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::channel::mpsc;
use futures::{SinkExt, StreamExt};
use serde::Deserialize;
use shared::api::ErrorBody;
use shared::bar::StreamTicket;
use tokio::sync::broadcast::error::RecvError;

use crate::db::events::{self as store, EventRow};
use crate::error::AppError;
use crate::http::extract::{ApiQuery, AuthUser};
use crate::http::AppState;
use crate::services::events::{visible_to, EventHub};
use crate::services::sessions::{AuthContext, SessionService};

/// How often a stream checks that its session is still active.
pub const CHECK_EVERY: Duration = Duration::from_secs(2);

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
/// `ready` (`{"cursor": n}`, once the replay is done), `reset` (the cursor
/// is older than the kept events: reload lists), `session_ended` (the
/// session was revoked; the stream closes).
#[utoipa::path(get, path = "/api/events", tag = "events", security(("bearer" = [])),
    params(StreamQuery, ("Last-Event-ID" = Option<i64>, Header, description = "Replay events after this id")),
    responses(
        (status = 200, description = "Server-sent events", content_type = "text/event-stream"),
        (status = 401, description = "No valid ticket or token", body = ErrorBody),
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
    // Subscribed before the replay is read, so nothing falls in between.
    let receiver = state.hub.subscribe();
    let start = state.hub.delivered();
    let (tx, rx) = mpsc::channel::<Event>(64);
    tokio::spawn(run_stream(
        state.hub.clone(),
        state.sessions.clone(),
        auth,
        since,
        start,
        receiver,
        tx,
    ));
    let body = rx.map(Ok::<Event, Infallible>);
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

/// Why a stream stopped writing.
enum Stop {
    /// The client went away or the server is shutting down.
    Gone,
}

async fn run_stream(
    hub: Arc<EventHub>,
    sessions: Arc<SessionService>,
    auth: AuthContext,
    since: Option<i64>,
    start: i64,
    mut receiver: tokio::sync::broadcast::Receiver<Arc<EventRow>>,
    mut tx: mpsc::Sender<Event>,
) {
    let mut closing = hub.closing();
    if *closing.borrow_and_update() {
        return;
    }
    let outcome: Result<(), Stop> = async {
        let mut cursor = match since {
            Some(since) => replay(&hub, &auth, since, &mut tx).await?,
            None => start,
        };
        send(&mut tx, Event::default().event("ready").data(format!("{{\"cursor\":{cursor}}}"))).await?;
        let mut check = tokio::time::interval(CHECK_EVERY);
        check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                received = receiver.recv() => match received {
                    Ok(event) => {
                        if event.id <= cursor {
                            continue;
                        }
                        cursor = event.id;
                        if visible_to(&event, &auth.user_id, auth.role) {
                            send(&mut tx, to_sse(&event)).await?;
                        }
                    }
                    // Too slow for the buffer: catch up from the database.
                    Err(RecvError::Lagged(_)) => cursor = replay(&hub, &auth, cursor, &mut tx).await?,
                    Err(RecvError::Closed) => return Err(Stop::Gone),
                },
                _ = check.tick() => {
                    if tx.is_closed() {
                        return Err(Stop::Gone);
                    }
                    match sessions.is_alive(&auth.session_id, &auth.user_id).await {
                        Ok(true) => {}
                        Ok(false) => {
                            let _ = send(&mut tx, Event::default().event("session_ended").data("{}")).await;
                            return Ok(());
                        }
                        Err(e) => tracing::warn!(error = %e, "could not check a stream's session"),
                    }
                }
                // Any change (or a dropped hub) means the server is stopping.
                _ = closing.changed() => return Err(Stop::Gone),
            }
        }
    }
    .await;
    let _ = outcome;
}

/// Sends the events after `since` that the user may see; answers the new cursor.
async fn replay(
    hub: &EventHub,
    auth: &AuthContext,
    since: i64,
    tx: &mut mpsc::Sender<Event>,
) -> Result<i64, Stop> {
    let (newest, oldest) = match store::bounds(hub.db()).await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, "could not read event bounds for a replay");
            return Err(Stop::Gone);
        }
    };
    // Older than what is kept, or from another database: start afresh.
    if since > newest || (oldest > 0 && since < oldest - 1) {
        send(
            tx,
            Event::default()
                .event("reset")
                .data(format!("{{\"cursor\":{newest}}}")),
        )
        .await?;
        return Ok(newest);
    }
    let mut cursor = since;
    loop {
        let page = match store::after(hub.db(), cursor).await {
            Ok(page) => page,
            Err(e) => {
                tracing::warn!(error = %e, "could not read events for a replay");
                return Err(Stop::Gone);
            }
        };
        let full = page.len() as i64 >= store::PAGE;
        for event in page {
            cursor = event.id;
            if visible_to(&event, &auth.user_id, auth.role) {
                send(tx, to_sse(&event)).await?;
            }
        }
        if !full {
            return Ok(cursor);
        }
    }
}

fn to_sse(event: &EventRow) -> Event {
    Event::default()
        .id(event.id.to_string())
        .event(event.kind.as_str())
        .data(event.payload.as_str())
}

async fn send(tx: &mut mpsc::Sender<Event>, event: Event) -> Result<(), Stop> {
    tx.send(event).await.map_err(|_| Stop::Gone)
}
