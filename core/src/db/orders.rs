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
    /// The tab the order joined; none for orders placed before tabs.
    pub tab_id: Option<String>,
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
    /// The station that prepares it, copied when ordered; `''` for none.
    pub station_id: String,
    pub station_name: String,
    /// When its station marked it ready.
    pub ready_at: Option<i64>,
}

/// An order with its lines.
pub type FullOrder = (OrderRow, Vec<LineRow>);

/// Builds an event's payload from the order as stored.
pub type Payload<'a> = &'a (dyn Fn(&OrderRow, &[LineRow]) -> String + Sync);

pub(crate) const COLUMNS: &str =
    "o.id, o.number, o.customer_id, u.name AS customer_name, o.table_label, o.note, \
     o.status, o.version, o.total_cents, o.cancel_reason, o.request_hash, o.created_at, \
     o.updated_at, o.ready_at, o.tab_id";

pub(crate) const LINE_COLUMNS: &str =
    "order_id, position, item_id, name, unit_price_cents, quantity, note, allergens, options, \
     COALESCE(station_id, '') AS station_id, station_name, ready_at";

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
    /// The id a new tab gets if the guest has none open at the table.
    pub new_tab_id: &'a str,
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
    /// The station of the item's category, id and name.
    pub station_id: String,
    pub station_name: String,
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
/// event, on the guest's open tab at its table (opening one if they have
/// none), whose version it bumps. The order's event names its tab, and the
/// apps showing the tab read it again: a tab event is written only when
/// it is paid, so that placing an order costs the same on a tab of one
/// order or of twenty. A second order under the same key is
/// [`DbError::UniqueViolation`], and then nothing is written, tabs
/// included.
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
        // The guest's open tab at this table, opened by this order if they
        // have none, its version bumped: one statement (every order takes
        // the event lock in turn, so each statement here counts), which the
        // partial unique index keeps to one open tab per guest and table.
        let (tab_id,): (String,) = sqlx::query_as(
            "INSERT INTO tabs (id, customer_id, table_label, version, opened_at)
             VALUES ($1, $2, $3, 1, $4)
             ON CONFLICT (customer_id, table_label) WHERE closed_at IS NULL
             DO UPDATE SET version = tabs.version + 1
             RETURNING id",
        )
        .bind(order.new_tab_id)
        .bind(order.customer_id)
        .bind(order.table_label)
        .bind(order.now)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO orders (id, number, customer_id, table_label, note, status, version,
                 total_cents, idempotency_key, request_hash, created_at, updated_at, tab_id)
             VALUES ($1, (SELECT COALESCE(MAX(number), 0) + 1 FROM orders), $2, $3, $4,
                 'received', 1, $5, $6, $7, $8, $8, $9)",
        )
        .bind(order.id)
        .bind(order.customer_id)
        .bind(order.table_label)
        .bind(order.note)
        .bind(order.total_cents)
        .bind(order.idempotency_key)
        .bind(order.request_hash)
        .bind(order.now)
        .bind(&tab_id)
        .execute(&mut *tx)
        .await
        .map_err(DbError::classify)?;
        let mut lines = Vec::with_capacity(order.lines.len());
        for (position, line) in order.lines.iter().enumerate() {
            sqlx::query(
                "INSERT INTO order_lines (order_id, position, item_id, name, unit_price_cents, quantity, note,
                     allergens, options, station_id, station_name)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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
            .bind(&line.station_id)
            .bind(&line.station_name)
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
                station_id: line.station_id.clone(),
                station_name: line.station_name.clone(),
                ready_at: None,
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
/// compare-and-swap) and writes its event; `None` when it did not match,
/// or when it cancels an order whose tab was closed meanwhile (nothing is
/// written then). A cancellation on an open tab bumps the tab's version
/// (its total changed) and writes the tab's events.
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
    change_lines(db, change, None, payload).await
}

/// One station's lines of an order, marked ready or taken back.
pub struct StationLines<'a> {
    pub station_id: &'a str,
    /// True marks them ready (at the change's time), false takes that back.
    pub ready: bool,
}

/// [`change_status`], and the lines follow in the same transaction: with
/// `station`, that station's lines are marked ready or not; without, the
/// whole order's status decides (reaching ready marks every line not yet
/// ready; going back before ready takes every line back).
pub async fn change_lines(
    db: &Db,
    change: &StatusChange<'_>,
    station: Option<&StationLines<'_>>,
    payload: Payload<'_>,
) -> Result<Option<FullOrder>, DbError> {
    // The statement that moves the lines: $1 the order, $2 the new
    // `ready_at`, $3 the station.
    let lines_change: Option<(&str, Option<i64>, &str)> = match station {
        Some(s) => Some((
            "UPDATE order_lines SET ready_at = $2 WHERE order_id = $1 AND station_id = $3",
            s.ready.then_some(change.now),
            s.station_id,
        )),
        None if change.status == "ready" => Some((
            "UPDATE order_lines SET ready_at = $2
             WHERE order_id = $1 AND ready_at IS NULL AND $3 = ''",
            Some(change.now),
            "",
        )),
        None if matches!(change.status, "received" | "preparing") => Some((
            "UPDATE order_lines SET ready_at = $2 WHERE order_id = $1 AND $3 = ''",
            None,
            "",
        )),
        // Served and cancelled leave the lines as they are.
        None => None,
    };
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
            if let Some((sql, ready_at, station_id)) = lines_change {
                sqlx::query(sql)
                    .bind(change.id)
                    .bind(ready_at)
                    .bind(station_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let row = sqlx::query_as::<_, OrderRow>(&select)
                .bind(change.id)
                .fetch_one(&mut *tx)
                .await?;
            let tab_id = row.tab_id.clone().filter(|_| change.status == "cancelled");
            let tab_open =
                match &tab_id {
                    Some(tab_id) => sqlx::query(
                        "UPDATE tabs SET version = version + 1 WHERE id = $1 AND closed_at IS NULL",
                    )
                    .bind(tab_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        > 0,
                    None => true,
                };
            if tab_open {
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
            } else {
                // A paid tab's orders stay as they were paid: the
                // transaction ends unapplied.
                None
            }
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
pub async fn figures(db: &Db, since: i64) -> Result<(Figures, OpenNow), DbError> {
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
        let (tabs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tabs WHERE closed_at IS NULL")
            .fetch_one(pool)
            .await?;
        let (tabs_cents,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(o.total_cents), 0) AS BIGINT)
             FROM tabs t JOIN orders o ON o.tab_id = t.id
             WHERE t.closed_at IS NULL AND o.status <> 'cancelled'",
        )
        .fetch_one(pool)
        .await?;
        let now = OpenNow {
            orders: open,
            tabs,
            tabs_cents,
        };
        (figures, now)
    }))
}

/// What is open right now, whatever the day.
#[derive(Debug, Clone, Copy)]
pub struct OpenNow {
    /// Orders neither served nor cancelled.
    pub orders: i64,
    /// Tabs not yet paid, and what their orders come to.
    pub tabs: i64,
    pub tabs_cents: i64,
}

/// One hour's orders and revenue; `hour` counts hours from the window's
/// start.
#[derive(Debug, Clone, Copy, FromRow)]
pub struct HourRow {
    pub hour: i64,
    pub orders: i64,
    pub revenue_cents: i64,
}

/// One item's sales by the name on its lines.
#[derive(Debug, Clone, FromRow)]
pub struct SellerRow {
    pub name: String,
    pub quantity: i64,
    pub revenue_cents: i64,
}

/// A day's figures as the store aggregates them, cancelled orders left out.
#[derive(Debug, Clone)]
pub struct DayRows {
    /// Only hours with orders, in no particular order.
    pub hours: Vec<HourRow>,
    /// Orders ready within 2, 5, 10, 15 and 20 minutes (each after the
    /// bound before), then the rest: as `READY_BUCKETS_SQL` numbers them.
    pub ready_buckets: [i64; 6],
    pub p50_ms: Option<i64>,
    pub p90_ms: Option<i64>,
    /// Top five by quantity, then name.
    pub best_sellers: Vec<SellerRow>,
}

/// The bucket of an order's time to ready, 0 to 5: within 2, 5, 10, 15
/// and 20 minutes (`shared::bar::READY_BUCKET_MINUTES`), then longer.
const READY_BUCKETS_SQL: &str = "CASE WHEN ready_at - created_at <= 120000 THEN 0
                 WHEN ready_at - created_at <= 300000 THEN 1
                 WHEN ready_at - created_at <= 600000 THEN 2
                 WHEN ready_at - created_at <= 900000 THEN 3
                 WHEN ready_at - created_at <= 1200000 THEN 4
                 ELSE 5 END";

/// The offset of the nearest-rank `percent` percentile among `count`
/// sorted values (`count` > 0): ceil(p × count) − 1, which for whole
/// percents is floor((percent × count − 1) / 100).
fn rank_offset(count: i64, percent: i64) -> i64 {
    ((count * percent - 1) / 100).max(0)
}

/// Aggregates orders placed in `[since, until)`: per hour from `since`,
/// time to ready (buckets and nearest-rank p50/p90) and the best sellers.
/// Every figure is an aggregate in SQL; no order is loaded.
pub async fn day_figures(db: &Db, since: i64, until: i64) -> Result<DayRows, DbError> {
    let buckets_sql = format!(
        "SELECT CAST({READY_BUCKETS_SQL} AS BIGINT) AS bucket, COUNT(*) AS orders
         FROM orders
         WHERE created_at >= $1 AND created_at < $2 AND status <> 'cancelled'
               AND ready_at IS NOT NULL
         GROUP BY 1"
    );
    Ok(on_pool!(db, read, |pool| {
        let hours = sqlx::query_as::<_, HourRow>(
            "SELECT CAST((created_at - $1) / 3600000 AS BIGINT) AS hour,
                    COUNT(*) AS orders,
                    CAST(COALESCE(SUM(total_cents), 0) AS BIGINT) AS revenue_cents
             FROM orders
             WHERE created_at >= $1 AND created_at < $2 AND status <> 'cancelled'
             GROUP BY 1",
        )
        .bind(since)
        .bind(until)
        .fetch_all(pool)
        .await?;
        let counted: Vec<(i64, i64)> = sqlx::query_as(&buckets_sql)
            .bind(since)
            .bind(until)
            .fetch_all(pool)
            .await?;
        let mut ready_buckets = [0_i64; 6];
        for (bucket, orders) in counted {
            let slot = usize::try_from(bucket).unwrap_or(5).min(5);
            ready_buckets[slot] += orders;
        }
        let count: i64 = ready_buckets.iter().sum();
        // Nearest rank, the same on both backends: PostgreSQL's
        // `percentile_cont` has no SQLite counterpart.
        let mut percentiles = [None, None];
        if count > 0 {
            for (slot, percent) in percentiles.iter_mut().zip([50, 90]) {
                let found: Option<(i64,)> = sqlx::query_as(
                    "SELECT ready_at - created_at AS d
                     FROM orders
                     WHERE created_at >= $1 AND created_at < $2 AND status <> 'cancelled'
                           AND ready_at IS NOT NULL
                     ORDER BY d LIMIT 1 OFFSET $3",
                )
                .bind(since)
                .bind(until)
                .bind(rank_offset(count, percent))
                .fetch_optional(pool)
                .await?;
                *slot = found.map(|(d,)| d);
            }
        }
        let best_sellers = sqlx::query_as::<_, SellerRow>(
            "SELECT l.name AS name,
                    CAST(SUM(l.quantity) AS BIGINT) AS quantity,
                    CAST(SUM(l.quantity * l.unit_price_cents) AS BIGINT) AS revenue_cents
             FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.created_at >= $1 AND o.created_at < $2 AND o.status <> 'cancelled'
             GROUP BY l.name
             ORDER BY 2 DESC, 1
             LIMIT 5",
        )
        .bind(since)
        .bind(until)
        .fetch_all(pool)
        .await?;
        let [p50_ms, p90_ms] = percentiles;
        DayRows {
            hours,
            ready_buckets,
            p50_ms,
            p90_ms,
            best_sellers,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::rank_offset;

    #[test]
    fn nearest_rank_offsets_round_up() {
        assert_eq!(rank_offset(1, 50), 0);
        assert_eq!(rank_offset(1, 90), 0);
        assert_eq!(rank_offset(3, 50), 1);
        assert_eq!(rank_offset(3, 90), 2);
        assert_eq!(rank_offset(10, 50), 4);
        assert_eq!(rank_offset(10, 90), 8);
        assert_eq!(rank_offset(11, 90), 9);
    }
}
