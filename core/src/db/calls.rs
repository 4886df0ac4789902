//! The `table_calls` table (a guest calling staff or asking for the bill)
//! and `table_call_callers` (every guest who asked for one call). Each
//! change writes its events in the same transaction, so a live stream
//! never misses one.
//!
//! A call's events go to two audiences, each with its own copy: staff get
//! one without a customer (every call, with the name of the guest who
//! asked first), and each guest who asked gets one addressed to them
//! (with their own name). A guest never learns who else asked.

use sqlx::FromRow;

use super::events::{lock_events, write_event, NewEvent};
use super::{on_pool, Db, DbError};

/// A call as stored, with names for people.
#[derive(Clone, Debug, FromRow)]
pub struct CallRow {
    pub id: String,
    pub table_label: String,
    pub kind: String,
    /// The guest who asked first.
    pub customer_id: String,
    /// Staff reads: the guest who asked first. A guest's own reads: theirs.
    pub customer_name: String,
    pub created_at: i64,
    pub acknowledged_at: Option<i64>,
    /// The name of who acknowledged it.
    pub acknowledged_by_name: Option<String>,
}

impl CallRow {
    /// The row as `name`, one of the guests who asked, may see it.
    fn seen_by(mut self, name: &str) -> CallRow {
        name.clone_into(&mut self.customer_name);
        self
    }
}

/// Builds an event's payload from the call as its audience sees it.
pub type Payload<'a> = &'a (dyn Fn(&CallRow) -> String + Sync);

const COLUMNS: &str = "c.id, c.table_label, c.kind, c.customer_id, u.name AS customer_name, \
     c.created_at, c.acknowledged_at, s.name AS acknowledged_by_name";

/// Calls with the guest who asked first (`u`) and who acknowledged (`s`).
const FROM: &str = "table_calls c JOIN users u ON u.id = c.customer_id \
     LEFT JOIN users s ON s.id = c.acknowledged_by";

/// Calls a guest asked for, with that guest as `u`.
const FROM_CALLER: &str = "table_calls c \
     JOIN table_call_callers cc ON cc.call_id = c.id \
     JOIN users u ON u.id = cc.customer_id \
     LEFT JOIN users s ON s.id = c.acknowledged_by";

/// A guest's tap on "Call staff" or "Ask for the bill".
pub struct NewCall<'a> {
    /// The id a new call gets (unused when one is open already).
    pub id: &'a str,
    pub table_label: &'a str,
    pub kind: &'a str,
    pub customer_id: &'a str,
    /// Open calls the guest may have asked for at once, this one included.
    pub max_open: i64,
    pub now: i64,
}

/// What a tap did.
#[derive(Debug)]
pub enum Opened {
    /// A new call, the guest its only caller.
    New(CallRow),
    /// Another guest's open call, which this guest joined.
    Joined(CallRow),
    /// The guest had asked for this open call already: nothing changed.
    Repeated(CallRow),
    /// The guest has [`NewCall::max_open`] open calls already: nothing changed.
    TooMany,
}

/// Opens a call, or joins the one of its kind open at the table, as the
/// guest who tapped sees it. The rows returned carry that guest's name.
///
/// Writers of events run one at a time (see `db::events`), so the look for
/// an open call and the insert cannot interleave with another tap's; the
/// partial unique index holds the rule anyway: a second open call would be
/// [`DbError::UniqueViolation`].
pub async fn open(db: &Db, call: &NewCall<'_>, payload: Payload<'_>) -> Result<Opened, DbError> {
    let find_open = format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE c.table_label = $1 AND c.kind = $2 AND c.acknowledged_at IS NULL"
    );
    let select = format!("SELECT {COLUMNS} FROM {FROM} WHERE c.id = $1");
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        lock_events!(db, tx);
        let (caller_name,): (String,) = sqlx::query_as("SELECT name FROM users WHERE id = $1")
            .bind(call.customer_id)
            .fetch_one(&mut *tx)
            .await?;
        let open = sqlx::query_as::<_, CallRow>(&find_open)
            .bind(call.table_label)
            .bind(call.kind)
            .fetch_optional(&mut *tx)
            .await?;
        let asked = match &open {
            Some(row) => {
                let (n,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM table_call_callers WHERE call_id = $1 AND customer_id = $2",
                )
                .bind(&row.id)
                .bind(call.customer_id)
                .fetch_one(&mut *tx)
                .await?;
                n > 0
            }
            None => false,
        };
        match open {
            // Nothing to write: the transaction ends unused.
            Some(row) if asked => Opened::Repeated(row.seen_by(&caller_name)),
            open => {
                let (held,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM table_call_callers cc
                     JOIN table_calls c ON c.id = cc.call_id
                     WHERE cc.customer_id = $1 AND c.acknowledged_at IS NULL",
                )
                .bind(call.customer_id)
                .fetch_one(&mut *tx)
                .await?;
                if held >= call.max_open {
                    Opened::TooMany
                } else if let Some(row) = open {
                    sqlx::query(
                        "INSERT INTO table_call_callers (call_id, customer_id, asked_at)
                         VALUES ($1, $2, $3)",
                    )
                    .bind(&row.id)
                    .bind(call.customer_id)
                    .bind(call.now)
                    .execute(&mut *tx)
                    .await
                    .map_err(DbError::classify)?;
                    // Staff see nothing new; the guest's other pages do.
                    let mine = row.seen_by(&caller_name);
                    let event = NewEvent {
                        kind: shared::events::StreamEvent::TableCall,
                        customer_id: Some(call.customer_id),
                        payload: payload(&mine),
                    };
                    write_event!(db, tx, &event, call.now);
                    tx.commit().await?;
                    Opened::Joined(mine)
                } else {
                    sqlx::query(
                        "INSERT INTO table_calls (id, table_label, kind, customer_id, created_at)
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(call.id)
                    .bind(call.table_label)
                    .bind(call.kind)
                    .bind(call.customer_id)
                    .bind(call.now)
                    .execute(&mut *tx)
                    .await
                    .map_err(DbError::classify)?;
                    sqlx::query(
                        "INSERT INTO table_call_callers (call_id, customer_id, asked_at)
                         VALUES ($1, $2, $3)",
                    )
                    .bind(call.id)
                    .bind(call.customer_id)
                    .bind(call.now)
                    .execute(&mut *tx)
                    .await?;
                    let row = sqlx::query_as::<_, CallRow>(&select)
                        .bind(call.id)
                        .fetch_one(&mut *tx)
                        .await?;
                    let for_staff = NewEvent {
                        kind: shared::events::StreamEvent::TableCall,
                        customer_id: None,
                        payload: payload(&row),
                    };
                    write_event!(db, tx, &for_staff, call.now);
                    let for_caller = NewEvent {
                        kind: shared::events::StreamEvent::TableCall,
                        customer_id: Some(call.customer_id),
                        payload: payload(&row),
                    };
                    write_event!(db, tx, &for_caller, call.now);
                    tx.commit().await?;
                    Opened::New(row)
                }
            }
        }
    }))
}

/// What acknowledging did.
#[derive(Debug)]
pub enum Acknowledged {
    /// Acknowledged now, by the caller of [`acknowledge`].
    Done(CallRow),
    /// Someone acknowledged it before (the row says who).
    Already(CallRow),
    NotFound,
}

/// Acknowledges an open call (a compare-and-swap on `acknowledged_at`, so
/// of two staff at once exactly one wins) and writes its events: one for
/// staff, one for each guest who asked. Rows as staff see them.
pub async fn acknowledge(
    db: &Db,
    id: &str,
    staff_id: &str,
    now: i64,
    payload: Payload<'_>,
) -> Result<Acknowledged, DbError> {
    let select = format!("SELECT {COLUMNS} FROM {FROM} WHERE c.id = $1");
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        lock_events!(db, tx);
        let changed = sqlx::query(
            "UPDATE table_calls SET acknowledged_at = $2, acknowledged_by = $3
             WHERE id = $1 AND acknowledged_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .bind(staff_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let row = sqlx::query_as::<_, CallRow>(&select)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        match row {
            None => Acknowledged::NotFound,
            Some(row) if changed == 0 => Acknowledged::Already(row),
            Some(row) => {
                let for_staff = NewEvent {
                    kind: shared::events::StreamEvent::TableCall,
                    customer_id: None,
                    payload: payload(&row),
                };
                write_event!(db, tx, &for_staff, now);
                let callers: Vec<(String, String)> = sqlx::query_as(
                    "SELECT cc.customer_id, u.name FROM table_call_callers cc
                     JOIN users u ON u.id = cc.customer_id
                     WHERE cc.call_id = $1 ORDER BY cc.asked_at, cc.customer_id",
                )
                .bind(id)
                .fetch_all(&mut *tx)
                .await?;
                for (customer_id, name) in &callers {
                    let theirs = row.clone().seen_by(name);
                    let event = NewEvent {
                        kind: shared::events::StreamEvent::TableCall,
                        customer_id: Some(customer_id.as_str()),
                        payload: payload(&theirs),
                    };
                    write_event!(db, tx, &event, now);
                }
                tx.commit().await?;
                Acknowledged::Done(row)
            }
        }
    }))
}

/// Open calls, oldest first, at most `limit`, as staff see them.
pub async fn list_open(db: &Db, limit: i64) -> Result<Vec<CallRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE c.acknowledged_at IS NULL
         ORDER BY c.created_at, c.id LIMIT $1"
    );
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, CallRow>(&sql)
            .bind(limit)
            .fetch_all(pool)
            .await?
    }))
}

/// The calls a guest asked for that are open or were acknowledged at or
/// after `answered_since`, oldest first, at most `limit`, as they see them.
pub async fn list_mine(
    db: &Db,
    customer_id: &str,
    answered_since: i64,
    limit: i64,
) -> Result<Vec<CallRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM_CALLER}
         WHERE cc.customer_id = $1 AND (c.acknowledged_at IS NULL OR c.acknowledged_at >= $2)
         ORDER BY c.created_at, c.id LIMIT $3"
    );
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, CallRow>(&sql)
            .bind(customer_id)
            .bind(answered_since)
            .bind(limit)
            .fetch_all(pool)
            .await?
    }))
}
