//! Metrics in Prometheus' text format, through the `metrics` facade and its
//! Prometheus exporter: the services count what happens (logins, refreshes,
//! revocations, refusals, hashing waits, event delivery) with `metrics`'
//! macros, [`track`] counts and times every request by route and status,
//! and a scrape reads the figures that are states rather than events
//! (active sessions, open streams, the hashing queue, the database pool).
//!
//! `/metrics` is served only on its own address (`TAPROOM_METRICS_BIND`),
//! never on the public listener: it tells an attacker how busy the
//! service is and how often its limits refuse.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::crypto::password::PasswordHasher;
use crate::db::Db;
use crate::services::events::EventHub;
use crate::services::sessions::SessionService;

/// Bucket bounds for every `_seconds` histogram: from a cached GET to a
/// slow database or a queue of password checks.
const SECONDS_BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Bucket bounds for the number of refresh rotations committed together.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs this process's recorder (once) and returns its handle; `None`
/// if it cannot be installed. Until it is, the services' counting is a
/// no-op.
pub fn install() -> Option<PrometheusHandle> {
    RECORDER
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), SECONDS_BUCKETS)
                .ok()?
                .set_buckets_for_metric(
                    Matcher::Full("taproom_rotation_batch_size".to_owned()),
                    BATCH_BUCKETS,
                )
                .ok()?
                .install_recorder()
                .map_err(|e| tracing::warn!(error = %e, "metrics are off: no recorder"))
                .ok()?;
            describe();
            Some(handle)
        })
        .clone()
}

/// Help texts, and the counters a dashboard expects to see from the
/// start at zero.
fn describe() {
    describe_counter!(
        "taproom_http_requests_total",
        "HTTP requests answered, by method, route and status."
    );
    describe_histogram!(
        "taproom_http_request_duration_seconds",
        Unit::Seconds,
        "Time to answer an HTTP request (to the response head for streams), by method, route and status."
    );
    describe_gauge!(
        "taproom_sessions_active",
        "Sessions that are active and unexpired, across all users and instances."
    );
    describe_counter!(
        "taproom_logins_total",
        "Sign-ins with a password, by outcome: ok, failed (wrong e-mail or password), locked (refused while locked out)."
    );
    describe_counter!(
        "taproom_refreshes_total",
        "Refresh tokens exchanged, by outcome: rotated, or grace (a just-rotated token presented again)."
    );
    describe_histogram!(
        "taproom_rotation_batch_size",
        "Refresh-token rotations committed together in one statement (group commit)."
    );
    describe_counter!(
        "taproom_refresh_reuse_detected_total",
        "Rotated-away refresh tokens presented again: the session was revoked as stolen."
    );
    describe_counter!(
        "taproom_sessions_revoked_total",
        "Sessions ended before their expiry by this instance (sign-out, admin, reuse, password change, session cap)."
    );
    describe_counter!(
        "taproom_rate_limit_refusals_total",
        "Requests refused by a rate limit, by limit."
    );
    describe_gauge!(
        "taproom_event_streams_open",
        "Live event streams open on this instance."
    );
    describe_histogram!(
        "taproom_event_delivery_delay_seconds",
        Unit::Seconds,
        "Time from an event's write to its hand-out to this instance's live streams."
    );
    describe_gauge!(
        "taproom_password_hash_queue_depth",
        "Password hashes and checks waiting for a hashing thread."
    );
    describe_gauge!(
        "taproom_password_hash_threads_busy",
        "Hashing threads at work."
    );
    describe_histogram!(
        "taproom_password_hash_wait_seconds",
        Unit::Seconds,
        "Time a password hash or check waited for a hashing thread."
    );
    describe_gauge!(
        "taproom_db_pool_connections",
        "Database connections by pool and state (idle or in_use)."
    );
    for outcome in ["ok", "failed", "locked"] {
        metrics::counter!("taproom_logins_total", "outcome" => outcome).absolute(0);
    }
    for outcome in ["rotated", "grace"] {
        metrics::counter!("taproom_refreshes_total", "outcome" => outcome).absolute(0);
    }
    metrics::counter!("taproom_refresh_reuse_detected_total").absolute(0);
    metrics::counter!("taproom_sessions_revoked_total").absolute(0);
}

/// Counts and times a request under its route (the pattern, never the
/// path: ids and query strings would make endless series).
pub async fn track(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = match *req.method() {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let response = next.run(req).await;
    let labels = [
        ("method", method.to_owned()),
        ("route", route),
        ("status", response.status().as_u16().to_string()),
    ];
    metrics::counter!("taproom_http_requests_total", &labels).increment(1);
    metrics::histogram!("taproom_http_request_duration_seconds", &labels)
        .record(start.elapsed().as_secs_f64());
    response
}

/// What a scrape reads besides the counters.
pub struct Scrape {
    pub handle: PrometheusHandle,
    pub db: Db,
    pub sessions: Arc<SessionService>,
    pub hub: Arc<EventHub>,
    pub hasher: PasswordHasher,
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
async fn scrape(State(s): State<Arc<Scrape>>) -> Response {
    match s.sessions.count_active().await {
        Ok(n) => metrics::gauge!("taproom_sessions_active").set(n as f64),
        Err(e) => tracing::warn!(error = %e, "metrics: could not count active sessions"),
    }
    metrics::gauge!("taproom_event_streams_open").set(s.hub.open_count() as f64);
    metrics::gauge!("taproom_password_hash_queue_depth").set(s.hasher.waiting() as f64);
    metrics::gauge!("taproom_password_hash_threads_busy").set(s.hasher.busy_threads() as f64);
    for pool in s.db.pool_stats() {
        let idle = pool.idle as f64;
        let in_use = f64::from(pool.size) - idle;
        metrics::gauge!("taproom_db_pool_connections", "pool" => pool.name, "state" => "idle")
            .set(idle);
        metrics::gauge!("taproom_db_pool_connections", "pool" => pool.name, "state" => "in_use")
            .set(in_use.max(0.0));
    }
    s.handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.handle.render(),
    )
        .into_response()
}

async fn not_found() -> StatusCode {
    StatusCode::NOT_FOUND
}

/// Serves `GET /metrics` on its own listener until the task is aborted.
pub async fn serve(listener: tokio::net::TcpListener, scrape_state: Arc<Scrape>) {
    let router = Router::new()
        .route("/metrics", get(scrape))
        .fallback(not_found)
        .with_state(scrape_state);
    if let Err(e) = axum::serve(listener, router).await {
        tracing::warn!(error = %e, "the metrics listener failed");
    }
}

/// Binds the metrics listener; its address is real even for port 0.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<(tokio::net::TcpListener, SocketAddr)> {
    use anyhow::Context as _;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("could not listen for metrics on {addr}"))?;
    let local = listener.local_addr()?;
    Ok((listener, local))
}

/// How often histograms are folded when nobody scrapes.
pub const UPKEEP_EVERY: Duration = Duration::from_secs(5);
