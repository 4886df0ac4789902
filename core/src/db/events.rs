//! The `events` table (what live streams deliver, in order) and
//! `stream_tickets` (single-use tickets that open a stream).
//!
//! On PostgreSQL every transaction that writes an event first takes one
//! transaction-scoped advisory lock, so events commit in id order: a reader
//! that has seen id `n` has seen every id below it, and "everything after my
//! cursor" is a complete replay on any instance. The same transaction
//! notifies [`EVENTS_CHANNEL`], which other instances hear on commit.

use sqlx::FromRow;

use super::{on_pool, Db, DbError};

/// The channel on which instances learn that new events were committed.
pub const EVENTS_CHANNEL: &str = "taproom_events";

/// The advisory lock that orders event writers on PostgreSQL.
pub const EVENT_LOCK: i64 = 0x7461_7072_6f6f_6d01;

/// Most events one read returns; a reader asks again for the rest.
pub const PAGE: i64 = 500;

/// An event as stored.
#[derive(Clone, Debug, FromRow)]
pub struct EventRow {
    pub id: i64,
    pub kind: String,
    pub customer_id: Option<String>,
    pub payload: String,
    pub created_at: i64,
}

/// An event to write inside a store transaction.
pub struct NewEvent<'a> {
    pub kind: shared::events::StreamEvent,
    pub customer_id: Option<&'a str>,
    pub payload: String,
}

/// Takes the writers' lock (PostgreSQL) at the start of a transaction that
/// will write an event. SQLite has one writer connection already.
macro_rules! lock_events {
    ($db:expr, $tx:expr) => {
        if $db.is_postgres() {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind($crate::db::events::EVENT_LOCK)
                .execute(&mut *$tx)
                .await?;
        }
    };
}
pub(crate) use lock_events;

/// Writes an event inside the transaction `$tx` (which took [`lock_events!`])
/// and notifies other instances on commit; evaluates to its id.
macro_rules! write_event {
    ($db:expr, $tx:expr, $event:expr, $now:expr) => {{
        let event: &$crate::db::events::NewEvent<'_> = $event;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO events (kind, customer_id, payload, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(event.kind.as_str())
        .bind(event.customer_id)
        .bind(&event.payload)
        .bind($now)
        .fetch_one(&mut *$tx)
        .await?;
        if $db.is_postgres() {
            sqlx::query("SELECT pg_notify($1, '')")
                .bind($crate::db::events::EVENTS_CHANNEL)
                .execute(&mut *$tx)
                .await?;
        }
        id
    }};
}
pub(crate) use write_event;

/// Events after `after`, oldest first, at most [`PAGE`].
pub async fn after(db: &Db, after: i64) -> Result<Vec<EventRow>, DbError> {
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, EventRow>(
            "SELECT id, kind, customer_id, payload, created_at FROM events
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(PAGE)
        .fetch_all(pool)
        .await?
    }))
}

/// Writes an event that goes with no other change (an alert for one user's
/// streams), in order with every other event writer; returns its id.
pub async fn insert(db: &Db, event: &NewEvent<'_>, now: i64) -> Result<i64, DbError> {
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        lock_events!(db, tx);
        let id = write_event!(db, tx, event, now);
        tx.commit().await?;
        id
    }))
}

/// The newest event id (0 when there is none) and the oldest kept.
pub async fn bounds(db: &Db) -> Result<(i64, i64), DbError> {
    let (newest, oldest): (Option<i64>, Option<i64>) = on_pool!(db, read, |pool| {
        sqlx::query_as("SELECT MAX(id), MIN(id) FROM events")
            .fetch_one(pool)
            .await?
    });
    Ok((newest.unwrap_or(0), oldest.unwrap_or(0)))
}

/// Deletes events older than `before` but always keeps the newest one, so
/// that ids keep growing and cursors stay comparable.
pub async fn purge(db: &Db, before: i64) -> Result<u64, DbError> {
    Ok(on_pool!(db, write, |pool| {
        sqlx::query(
            "DELETE FROM events WHERE created_at < $1 AND id < (SELECT MAX(id) FROM events)",
        )
        .bind(before)
        .execute(pool)
        .await?
        .rows_affected()
    }))
}

/// Stores a ticket's hash for a session.
pub async fn insert_ticket(
    db: &Db,
    hash: &str,
    session_id: &str,
    expires_at: i64,
) -> Result<(), DbError> {
    on_pool!(db, write, |pool| {
        sqlx::query(
            "INSERT INTO stream_tickets (ticket_hash, session_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(hash)
        .bind(session_id)
        .bind(expires_at)
        .execute(pool)
        .await
        .map_err(DbError::classify)?;
    });
    Ok(())
}

/// Uses up a ticket: deletes it and returns its session if it had not
/// expired. A second use finds nothing.
pub async fn take_ticket(db: &Db, hash: &str, now: i64) -> Result<Option<String>, DbError> {
    let row: Option<(String, i64)> = on_pool!(db, write, |pool| {
        sqlx::query_as(
            "DELETE FROM stream_tickets WHERE ticket_hash = $1 RETURNING session_id, expires_at",
        )
        .bind(hash)
        .fetch_optional(pool)
        .await?
    });
    Ok(row.and_then(|(sid, expires_at)| (expires_at > now).then_some(sid)))
}

/// Deletes expired tickets.
pub async fn purge_tickets(db: &Db, now: i64) -> Result<u64, DbError> {
    Ok(on_pool!(db, write, |pool| {
        sqlx::query("DELETE FROM stream_tickets WHERE expires_at <= $1")
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
    }))
}

/// A connection that hears [`EVENTS_CHANNEL`] (PostgreSQL only).
pub struct EventListener(sqlx::postgres::PgListener);

impl EventListener {
    /// Connects and subscribes.
    pub async fn connect(db: &Db) -> Result<EventListener, DbError> {
        let Db::Postgres(pool) = db else {
            return Err(DbError::Sqlx(sqlx::Error::Configuration(
                "event notices need PostgreSQL".into(),
            )));
        };
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        listener.listen(EVENTS_CHANNEL).await?;
        Ok(EventListener(listener))
    }

    /// Waits for the next notice; `Ok(false)` when the connection dropped
    /// (notices may have been lost: read from the last id seen).
    pub async fn recv(&mut self) -> Result<bool, DbError> {
        Ok(self.0.try_recv().await?.is_some())
    }
}
