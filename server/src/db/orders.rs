//! The `orders` and `order_lines` tables. Every change writes its event in
//! the same transaction, so a live stream never misses one.

use std::collections::HashMap;

use shared::bar::ChosenOption;
use sqlx::FromRow;

use super::events::{lock_events, write_event, NewEvent};
use super::{on_pool, Db, DbError};

/// An order as stored, with its customer's name.
#[derive(Clone, Debug, FromRow)]
pub struct OrderRow {
    pub id: String,
    pub number: i64,
    pub customer_id: String,
    pub customer_name: String,
    pub table_label: String,
    pub note: Option<String>,
    pub status: String,
    pub version: i64,
    pub total_cents: i64,
    pub cancel_reason: Option<String>,
    pub request_hash: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub ready_at: Option<i64>,
}

/// One line as stored.
#[derive(Clone, Debug, FromRow)]
pub struct LineRow {
    pub order_id: String,
    pub position: i64,
    pub item_id: String,
    pub name: String,
    pub unit_price_cents: i64,
    pub quantity: i64,
    pub note: Option<String>,
    /// As `menu::encode_allergens` wrote it, copied from the item.
    pub allergens: String,
    /// As [`encode_options`] wrote it: the options chosen, copied.
    pub options: String,
}

/// An order with its lines.
pub type FullOrder = (OrderRow, Vec<LineRow>);

/// Builds an event's payload from the order as stored.
pub type Payload<'a> = &'a (dyn Fn(&OrderRow, &[LineRow]) -> String + Sync);

const COLUMNS: &str =
    "o.id, o.number, o.customer_id, u.name AS customer_name, o.table_label, o.note, \
     o.status, o.version, o.total_cents, o.cancel_reason, o.request_hash, o.created_at, \
     o.updated_at, o.ready_at";

const LINE_COLUMNS: &str =
    "order_id, position, item_id, name, unit_price_cents, quantity, note, allergens, options";

/// Chosen options as stored in `order_lines.options`: their JSON, `[]` for
/// none.
pub fn encode_options(options: &[ChosenOption]) -> String {
    serde_json::to_string(options).unwrap_or_else(|_| "[]".to_owned())
}

/// The options of a stored line. Only [`encode_options`] writes the
/// column; text it cannot have written (an edit by hand) is logged and
/// read as none, as unknown allergens are skipped, rather than failing
/// every read of the orders that hold it.
pub fn decode_options(stored: &str) -> Vec<ChosenOption> {
    serde_json::from_str(stored).unwrap_or_else(|err| {
        tracing::warn!(error = %err, "unreadable order line options in the database; read as none");
        Vec::new()
    })
}

/// A new order.
pub struct NewOrder<'a> {
    pub id: &'a str,
    pub customer_id: &'a str,
    pub table_label: &'a str,
    pub note: Option<&'a str>,
    pub total_cents: i64,
    pub idempotency_key: &'a str,
    pub request_hash: &'a str,
    pub lines: &'a [NewLine],
    pub now: i64,
}

/// A line of a new order, priced from the menu.
pub struct NewLine {
    pub item_id: String,
    pub name: String,
    pub unit_price_cents: i64,
    pub quantity: i64,
    pub note: Option<String>,
    /// The item's allergens as stored in `menu_items`.
    pub allergens: String,
    /// The options chosen, as [`encode_options`] writes them.
    pub options: String,
}

/// The order placed by a customer under an idempotency key, if any.
pub async fn find_by_key(
    db: &Db,
    customer_id: &str,
    key: &str,
) -> Result<Option<FullOrder>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM orders o JOIN users u ON u.id = o.customer_id
         WHERE o.customer_id = $1 AND o.idempotency_key = $2"
    );
    let row = on_pool!(db, read, |pool| {
        sqlx::query_as::<_, OrderRow>(&sql)
            .bind(customer_id)
            .bind(key)
            .fetch_optional(pool)
            .await?
    });
    with_lines(db, row.into_iter().collect())
        .await
        .map(|mut v| v.pop())
}

/// Inserts an order, numbered after the last one, with its lines and its
/// event. A second order under the same key is [`DbError::UniqueViolation`].
pub async fn insert(
    db: &Db,
    order: &NewOrder<'_>,
    payload: Payload<'_>,
) -> Result<FullOrder, DbError> {
    let select = format!(
        "SELECT {COLUMNS} FROM orders o JOIN users u ON u.id = o.customer_id WHERE o.id = $1"
    );
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        lock_events!(db, tx);
        sqlx::query(
            "INSERT INTO orders (id, number, customer_id, table_label, note, status, version,
                 total_cents, idempotency_key, request_hash, created_at, updated_at)
             VALUES ($1, (SELECT COALESCE(MAX(number), 0) + 1 FROM orders), $2, $3, $4,
                 'received', 1, $5, $6, $7, $8, $8)",
        )
        .bind(order.id)
        .bind(order.customer_id)
        .bind(order.table_label)
        .bind(order.note)
        .bind(order.total_cents)
        .bind(order.idempotency_key)
        .bind(order.request_hash)
        .bind(order.now)
        .execute(&mut *tx)
        .await
        .map_err(DbError::classify)?;
        let mut lines = Vec::with_capacity(order.lines.len());
        for (position, line) in order.lines.iter().enumerate() {
            sqlx::query(
                "INSERT INTO order_lines (order_id, position, item_id, name, unit_price_cents, quantity, note,
                     allergens, options)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(order.id)
            .bind(position as i64)
            .bind(&line.item_id)
            .bind(&line.name)
            .bind(line.unit_price_cents)
            .bind(line.quantity)
            .bind(line.note.as_deref())
            .bind(&line.allergens)
            .bind(&line.options)
            .execute(&mut *tx)
            .await?;
            lines.push(LineRow {
                order_id: order.id.to_owned(),
                position: position as i64,
                item_id: line.item_id.clone(),
                name: line.name.clone(),
                unit_price_cents: line.unit_price_cents,
                quantity: line.quantity,
                note: line.note.clone(),
                allergens: line.allergens.clone(),
                options: line.options.clone(),
            });
        }
        let row = sqlx::query_as::<_, OrderRow>(&select)
            .bind(order.id)
            .fetch_one(&mut *tx)
            .await?;
        let event = NewEvent {
            kind: shared::events::StreamEvent::Order,
            customer_id: Some(order.customer_id),
            payload: payload(&row, &lines),
        };
        write_event!(db, tx, &event, order.now);
        tx.commit().await?;
        (row, lines)
    }))
}

/// One order with its lines.
pub async fn get(db: &Db, id: &str) -> Result<Option<FullOrder>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM orders o JOIN users u ON u.id = o.customer_id WHERE o.id = $1"
    );
    let row = on_pool!(db, read, |pool| {
        sqlx::query_as::<_, OrderRow>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await?
    });
    with_lines(db, row.into_iter().collect())
        .await
        .map(|mut v| v.pop())
}

/// Which orders to list.
pub enum Filter<'a> {
    /// A customer's, newest first.
    Customer(&'a str),
    /// Not served or cancelled, oldest first.
    Open,
    /// Placed at or after a time, newest first.
    Since(i64),
}

/// Orders with their lines, at most `limit`.
pub async fn list(db: &Db, filter: Filter<'_>, limit: i64) -> Result<Vec<FullOrder>, DbError> {
    let (condition, order) = match filter {
        Filter::Customer(_) => ("o.customer_id = $1", "o.created_at DESC, o.number DESC"),
        Filter::Open => (
            "o.status IN ('received', 'preparing', 'ready') AND $1 = ''",
            "o.created_at, o.number",
        ),
        Filter::Since(_) => ("o.created_at >= $1", "o.created_at DESC, o.number DESC"),
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM orders o JOIN users u ON u.id = o.customer_id
         WHERE {condition} ORDER BY {order} LIMIT $2"
    );
    let rows = on_pool!(db, read, |pool| {
        let query = sqlx::query_as::<_, OrderRow>(&sql);
        let query = match filter {
            Filter::Customer(id) => query.bind(id.to_owned()),
            Filter::Open => query.bind(String::new()),
            Filter::Since(t) => query.bind(t),
        };
        query.bind(limit).fetch_all(pool).await?
    });
    with_lines(db, rows).await
}

async fn with_lines(db: &Db, rows: Vec<OrderRow>) -> Result<Vec<FullOrder>, DbError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = (1..=rows.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {LINE_COLUMNS}
         FROM order_lines WHERE order_id IN ({placeholders}) ORDER BY order_id, position"
    );
    let lines = on_pool!(db, read, |pool| {
        let mut query = sqlx::query_as::<_, LineRow>(&sql);
        for row in &rows {
            query = query.bind(&row.id);
        }
        query.fetch_all(pool).await?
    });
    let mut by_order: HashMap<String, Vec<LineRow>> = HashMap::new();
    for line in lines {
        by_order
            .entry(line.order_id.clone())
            .or_default()
            .push(line);
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let lines = by_order.remove(&row.id).unwrap_or_default();
            (row, lines)
        })
        .collect())
}

/// A status change to apply if the order is still at `version`.
pub struct StatusChange<'a> {
    pub id: &'a str,
    pub version: i64,
    pub status: &'a str,
    pub reason: Option<&'a str>,
    pub now: i64,
}

/// Applies a status change when the stored version still matches (a
/// compare-and-swap) and writes its event; `None` when it did not match.
///
/// The same statement takes a step forward and, for a recall, a step back,
/// so the times follow the status it lands on: `ready_at` is set on
/// reaching ready, kept through served, and cleared on going back before
/// ready; `finished_at` is set by served or cancelled and cleared otherwise
/// (only a recall from served leaves a finished status).
pub async fn change_status(
    db: &Db,
    change: &StatusChange<'_>,
    payload: Payload<'_>,
) -> Result<Option<FullOrder>, DbError> {
    let select = format!(
        "SELECT {COLUMNS} FROM orders o JOIN users u ON u.id = o.customer_id WHERE o.id = $1"
    );
    let select_lines =
        format!("SELECT {LINE_COLUMNS} FROM order_lines WHERE order_id = $1 ORDER BY position");
    let changed = on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        lock_events!(db, tx);
        let rows = sqlx::query(
            "UPDATE orders SET status = $3, version = version + 1, updated_at = $4,
                 cancel_reason = COALESCE($5, cancel_reason),
                 ready_at = CASE WHEN $3 = 'ready' THEN COALESCE(ready_at, $4)
                                 WHEN $3 IN ('received', 'preparing') THEN NULL
                                 ELSE ready_at END,
                 finished_at = CASE WHEN $3 IN ('served', 'cancelled') THEN $4 ELSE NULL END
             WHERE id = $1 AND version = $2",
        )
        .bind(change.id)
        .bind(change.version)
        .bind(change.status)
        .bind(change.now)
        .bind(change.reason)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if rows == 0 {
            None
        } else {
            let row = sqlx::query_as::<_, OrderRow>(&select)
                .bind(change.id)
                .fetch_one(&mut *tx)
                .await?;
            let lines = sqlx::query_as::<_, LineRow>(&select_lines)
                .bind(change.id)
                .fetch_all(&mut *tx)
                .await?;
            let event = NewEvent {
                kind: shared::events::StreamEvent::Order,
                customer_id: Some(&row.customer_id),
                payload: payload(&row, &lines),
            };
            write_event!(db, tx, &event, change.now);
            tx.commit().await?;
            Some((row, lines))
        }
    });
    Ok(changed)
}

/// Today's figures over orders placed since `since`.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct Figures {
    pub orders: i64,
    pub cancelled: i64,
    pub revenue_cents: i64,
    pub avg_ms_to_ready: Option<f64>,
}

/// Counts orders, cancellations, revenue and time to ready since a time.
pub async fn figures(db: &Db, since: i64) -> Result<(Figures, i64), DbError> {
    Ok(on_pool!(db, read, |pool| {
        let figures = sqlx::query_as::<_, Figures>(
            "SELECT COUNT(*) AS orders,
                    CAST(COALESCE(SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END), 0) AS BIGINT) AS cancelled,
                    CAST(COALESCE(SUM(CASE WHEN status = 'cancelled' THEN 0 ELSE total_cents END), 0) AS BIGINT) AS revenue_cents,
                    CAST(AVG(CASE WHEN ready_at IS NULL THEN NULL ELSE ready_at - created_at END) AS DOUBLE PRECISION) AS avg_ms_to_ready
             FROM orders WHERE created_at >= $1",
        )
        .bind(since)
        .fetch_one(pool)
        .await?;
        let (open,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM orders WHERE status IN ('received', 'preparing', 'ready')",
        )
        .fetch_one(pool)
        .await?;
        (figures, open)
    }))
}
