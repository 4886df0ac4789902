//! The `tabs` table (a guest's orders at a table in one visit) and
//! `tab_payments` (how a closed tab was paid). Orders join a tab when they
//! are placed (`db::orders::insert`), whose event names the tab; closing a
//! tab writes its events in the same transaction, so a live stream never
//! misses one.
//!
//! A tab's events go to two audiences, each with its own copy: staff get
//! one without a customer, the tab's guest one addressed to them.

use sqlx::FromRow;

use super::events::lock_events;
use super::orders::{FullOrder, LineRow, OrderRow};
use super::{on_pool, Db, DbError};

/// A tab as stored, with names for people.
#[derive(Clone, Debug, FromRow)]
pub struct TabRow {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub table_label: String,
    pub version: i64,
    pub opened_at: i64,
    pub closed_at: Option<i64>,
    /// The name of who closed it.
    pub closed_by_name: Option<String>,
}

/// One payment of a closed tab as stored.
#[derive(Clone, Debug, FromRow)]
pub struct PaymentRow {
    pub position: i64,
    pub amount_cents: i64,
    pub method: String,
    /// The JSON list of the line references a by-line part paid for.
    pub lines: String,
}

/// A tab with its orders (oldest first, with their lines) and payments.
#[derive(Clone, Debug)]
pub struct FullTab {
    pub tab: TabRow,
    pub orders: Vec<FullOrder>,
    pub payments: Vec<PaymentRow>,
}

/// Builds an event's payload from the tab as stored.
pub type Payload<'a> = &'a (dyn Fn(&FullTab) -> String + Sync);

/// The columns of [`TabRow`] over [`FROM`].
pub(crate) const COLUMNS: &str = "t.id, t.customer_id, u.name AS customer_name, t.table_label, \
     t.version, t.opened_at, t.closed_at, s.name AS closed_by_name";

/// Tabs with their guest (`u`) and who closed them (`s`).
pub(crate) const FROM: &str = "tabs t JOIN users u ON u.id = t.customer_id \
     LEFT JOIN users s ON s.id = t.closed_by";

/// Reads a whole tab by id inside the transaction (or connection) `$tx`;
/// evaluates to `Option<FullTab>`. A macro, like `write_event!`, so one
/// text serves both backends' transactions.
macro_rules! load_tab {
    ($tx:expr, $id:expr) => {{
        let id: &str = $id;
        let select = format!(
            "SELECT {} FROM {} WHERE t.id = $1",
            $crate::db::tabs::COLUMNS,
            $crate::db::tabs::FROM
        );
        let row = sqlx::query_as::<_, $crate::db::tabs::TabRow>(&select)
            .bind(id)
            .fetch_optional(&mut *$tx)
            .await?;
        match row {
            None => None,
            Some(tab) => {
                let orders_sql = format!(
                    "SELECT {} FROM orders o JOIN users u ON u.id = o.customer_id
                     WHERE o.tab_id = $1 ORDER BY o.created_at, o.number",
                    $crate::db::orders::COLUMNS
                );
                let orders = sqlx::query_as::<_, $crate::db::orders::OrderRow>(&orders_sql)
                    .bind(id)
                    .fetch_all(&mut *$tx)
                    .await?;
                let lines_sql = format!(
                    "SELECT {} FROM order_lines
                     WHERE order_id IN (SELECT id FROM orders WHERE tab_id = $1)
                     ORDER BY order_id, position",
                    $crate::db::orders::LINE_COLUMNS
                );
                let lines = sqlx::query_as::<_, $crate::db::orders::LineRow>(&lines_sql)
                    .bind(id)
                    .fetch_all(&mut *$tx)
                    .await?;
                let payments = sqlx::query_as::<_, $crate::db::tabs::PaymentRow>(
                    "SELECT position, amount_cents, method, lines FROM tab_payments
                     WHERE tab_id = $1 ORDER BY position",
                )
                .bind(id)
                .fetch_all(&mut *$tx)
                .await?;
                Some($crate::db::tabs::assemble(tab, orders, lines, payments))
            }
        }
    }};
}

/// Writes a tab's two events (staff's copy and its guest's) inside the
/// transaction `$tx`, which took `lock_events!`.
macro_rules! write_tab_events {
    ($db:expr, $tx:expr, $full:expr, $payload:expr, $now:expr) => {{
        let full: &$crate::db::tabs::FullTab = $full;
        let payload: $crate::db::tabs::Payload<'_> = $payload;
        let data = payload(full);
        let for_staff = $crate::db::events::NewEvent {
            kind: shared::events::StreamEvent::Tab,
            customer_id: None,
            payload: data.clone(),
        };
        $crate::db::events::write_event!($db, $tx, &for_staff, $now);
        let for_guest = $crate::db::events::NewEvent {
            kind: shared::events::StreamEvent::Tab,
            customer_id: Some(full.tab.customer_id.as_str()),
            payload: data,
        };
        $crate::db::events::write_event!($db, $tx, &for_guest, $now);
    }};
}

/// Puts a tab's rows together; `lines` may hold the lines of all its
/// orders in any order.
pub fn assemble(
    tab: TabRow,
    orders: Vec<OrderRow>,
    lines: Vec<LineRow>,
    payments: Vec<PaymentRow>,
) -> FullTab {
    let mut by_order: std::collections::HashMap<String, Vec<LineRow>> =
        std::collections::HashMap::new();
    for line in lines {
        by_order
            .entry(line.order_id.clone())
            .or_default()
            .push(line);
    }
    let orders = orders
        .into_iter()
        .map(|row| {
            let mut lines = by_order.remove(&row.id).unwrap_or_default();
            lines.sort_by_key(|l| l.position);
            (row, lines)
        })
        .collect();
    FullTab {
        tab,
        orders,
        payments,
    }
}

/// One tab.
pub async fn get(db: &Db, id: &str) -> Result<Option<FullTab>, DbError> {
    Ok(on_pool!(db, read, |pool| {
        // One snapshot for the tab, its orders and its payments.
        let mut tx = pool.begin().await?;
        let full = load_tab!(tx, id);
        tx.commit().await?;
        full
    }))
}

/// Which tabs to list.
pub enum Filter<'a> {
    /// Open ones, by table label, then oldest first.
    Open,
    /// A guest's open ones and those closed at or after a time, newest
    /// first.
    Mine {
        customer_id: &'a str,
        closed_since: i64,
    },
}

/// Tabs with their orders and payments, at most `limit`.
pub async fn list(db: &Db, filter: Filter<'_>, limit: i64) -> Result<Vec<FullTab>, DbError> {
    let (condition, order) = match filter {
        Filter::Open => (
            "t.closed_at IS NULL AND $1 = '' AND $2 = 0",
            "t.table_label, t.opened_at, t.id",
        ),
        Filter::Mine { .. } => (
            "t.customer_id = $1 AND (t.closed_at IS NULL OR t.closed_at >= $2)",
            "t.opened_at DESC, t.id",
        ),
    };
    let sql = format!("SELECT t.id FROM {FROM} WHERE {condition} ORDER BY {order} LIMIT $3");
    let (customer_id, since) = match filter {
        Filter::Open => ("", 0_i64),
        Filter::Mine {
            customer_id,
            closed_since,
        } => (customer_id, closed_since),
    };
    Ok(on_pool!(db, read, |pool| {
        let mut tx = pool.begin().await?;
        let ids: Vec<(String,)> = sqlx::query_as(&sql)
            .bind(customer_id)
            .bind(since)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        let mut tabs = Vec::with_capacity(ids.len());
        for (id,) in &ids {
            if let Some(full) = load_tab!(tx, id.as_str()) {
                tabs.push(full);
            }
        }
        tx.commit().await?;
        tabs
    }))
}

/// A payment to store with a close.
pub struct NewPayment {
    pub amount_cents: i64,
    /// A wire name of `shared::bar::PaymentMethod`.
    pub method: &'static str,
    /// As `encode_lines` wrote them.
    pub lines: String,
}

/// Line references as stored in `tab_payments.lines`: their JSON.
pub fn encode_lines(lines: &[shared::bar::LineRef]) -> String {
    serde_json::to_string(lines).unwrap_or_else(|_| "[]".to_owned())
}

/// The line references of a stored payment. Only [`encode_lines`] writes
/// the column; text it cannot have written is logged and read as none.
pub fn decode_lines(stored: &str) -> Vec<shared::bar::LineRef> {
    serde_json::from_str(stored).unwrap_or_else(|err| {
        tracing::warn!(error = %err, "unreadable tab payment lines in the database; read as none");
        Vec::new()
    })
}

/// A close to apply if the tab is still open at `version`.
pub struct Close<'a> {
    pub id: &'a str,
    pub version: i64,
    pub staff_id: &'a str,
    pub payments: &'a [NewPayment],
    pub now: i64,
}

/// Closes an open tab as paid when its stored version still matches (a
/// compare-and-swap, so of two closes at once exactly one wins), stores
/// its payments and writes its events; `None` when it did not match (the
/// caller reads the tab again to say why).
pub async fn close(
    db: &Db,
    close: &Close<'_>,
    payload: Payload<'_>,
) -> Result<Option<FullTab>, DbError> {
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        lock_events!(db, tx);
        let changed = sqlx::query(
            "UPDATE tabs SET closed_at = $3, closed_by = $4, version = version + 1
             WHERE id = $1 AND version = $2 AND closed_at IS NULL",
        )
        .bind(close.id)
        .bind(close.version)
        .bind(close.now)
        .bind(close.staff_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            None
        } else {
            for (position, payment) in close.payments.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO tab_payments (tab_id, position, amount_cents, method, lines)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(close.id)
                .bind(position as i64)
                .bind(payment.amount_cents)
                .bind(payment.method)
                .bind(&payment.lines)
                .execute(&mut *tx)
                .await?;
            }
            match load_tab!(tx, close.id) {
                Some(full) => {
                    write_tab_events!(db, tx, &full, payload, close.now);
                    tx.commit().await?;
                    Some(full)
                }
                // Updated a moment ago in this transaction: not reached.
                None => None,
            }
        }
    }))
}
