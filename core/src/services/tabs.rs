//! Tabs: a guest's orders at a table in one visit gather on one tab
//! (`db::orders::insert` opens it with the first order), which staff close
//! as paid, in cash or by card at the bar, whole or split.
//!
//! A close names the version of the tab whose total staff showed, so an
//! order placed or cancelled meanwhile is never paid for unseen; a tab
//! closes once (of two devices at once exactly one succeeds); and orders
//! still open need staff to confirm. Every change reaches live streams:
//! staff see every tab, a guest their own.

use std::sync::Arc;

use shared::api::Role;
use shared::bar::{
    CloseTabRequest, OrderStatus, PaymentMethod, Tab, TabPayment, TabStatus, TabsResponse,
};
use shared::validate;

use crate::clock::{rfc3339, Clock};
use crate::db::tabs::{self as store, Close, Filter, FullTab, NewPayment};
use crate::db::{events, Db};
use crate::error::{AppError, AppResult};
use crate::services::events::EventHub;
use crate::services::orders::{order, require_staff};
use crate::services::sessions::AuthContext;

/// How long a paid tab stays in its guest's own list, so the "Paid, thank
/// you" is still there when they look again on their way out.
pub const PAID_FOR_MS: i64 = 12 * 60 * 60 * 1000;

/// Most tabs one list returns.
const LIST_LIMIT: i64 = 200;

/// The tabs service.
pub struct TabService {
    db: Db,
    clock: Arc<dyn Clock>,
    hub: Arc<EventHub>,
}

impl TabService {
    /// Builds the service.
    pub fn new(db: Db, clock: Arc<dyn Clock>, hub: Arc<EventHub>) -> TabService {
        TabService { db, clock, hub }
    }

    /// The caller's tabs: open ones and those paid in the last
    /// [`PAID_FOR_MS`], newest first (empty for staff, who order nothing).
    pub async fn mine(&self, auth: &AuthContext) -> AppResult<TabsResponse> {
        let (cursor, _) = events::bounds(&self.db).await?;
        let filter = Filter::Mine {
            customer_id: &auth.user_id,
            closed_since: self.clock.now_ms() - PAID_FOR_MS,
        };
        let rows = store::list(&self.db, filter, LIST_LIMIT).await?;
        Ok(TabsResponse {
            tabs: rows.into_iter().map(tab).collect(),
            cursor,
        })
    }

    /// Open tabs by table, for staff.
    pub async fn open(&self, auth: &AuthContext) -> AppResult<TabsResponse> {
        require_staff(auth)?;
        let (cursor, _) = events::bounds(&self.db).await?;
        let rows = store::list(&self.db, Filter::Open, LIST_LIMIT).await?;
        Ok(TabsResponse {
            tabs: rows.into_iter().map(tab).collect(),
            cursor,
        })
    }

    /// One tab, for staff or its guest; anyone else learns nothing, not
    /// even that it exists.
    pub async fn get(&self, auth: &AuthContext, id: &str) -> AppResult<Tab> {
        Ok(tab(self.visible(auth, id).await?))
    }

    async fn visible(&self, auth: &AuthContext, id: &str) -> AppResult<FullTab> {
        let full = if !id.is_empty() && id.len() <= 64 {
            store::get(&self.db, id).await?
        } else {
            None
        };
        match full {
            Some(full) if auth.role != Role::Customer || full.tab.customer_id == auth.user_id => {
                Ok(full)
            }
            _ => Err(no_tab()),
        }
    }

    /// Staff close a tab as paid, whole or split. Refused when it is
    /// closed already (naming who closed it and when), when it changed
    /// since the caller's screen showed it, when orders are still open and
    /// the caller did not confirm, and when the split does not fit it.
    pub async fn close(
        &self,
        auth: &AuthContext,
        id: &str,
        req: CloseTabRequest,
    ) -> AppResult<Tab> {
        require_staff(auth)?;
        let current = tab(self.visible(auth, id).await?);
        if !current.is_open() {
            return Err(closed(&current));
        }
        if req.version != current.version {
            return Err(stale(&current));
        }
        if current.open_orders > 0 && !req.confirm_open_orders {
            return Err(AppError::Conflict {
                code: "open_orders",
                message: format!(
                    "{} still open on this tab (not served or cancelled). Close it anyway?",
                    orders_phrase(current.open_orders)
                ),
            });
        }
        let payments =
            validate::tab_split(&current, &req.split).map_err(|err| AppError::Unprocessable {
                code: err.code(),
                message: err.message(),
            })?;
        let payments: Vec<NewPayment> = payments
            .iter()
            .map(|p| NewPayment {
                amount_cents: p.amount_cents,
                method: p.method.as_str(),
                lines: store::encode_lines(&p.lines),
            })
            .collect();
        let close = Close {
            id,
            version: req.version,
            staff_id: &auth.user_id,
            payments: &payments,
            now: self.clock.now_ms(),
        };
        match store::close(&self.db, &close, &payload).await? {
            Some(full) => {
                self.hub.poke();
                Ok(tab(full))
            }
            // Someone closed it, or an order changed it, since it was read.
            None => match store::get(&self.db, id).await?.map(tab) {
                Some(now) if !now.is_open() => Err(closed(&now)),
                Some(now) => Err(stale(&now)),
                None => Err(no_tab()),
            },
        }
    }
}

fn no_tab() -> AppError {
    AppError::NotFound("There is no such tab.".to_owned())
}

fn closed(tab: &Tab) -> AppError {
    AppError::Conflict {
        code: "tab_closed",
        message: format!(
            "{} already closed this tab as paid at {}.",
            tab.closed_by_name.as_deref().unwrap_or("Someone"),
            tab.closed_at.as_deref().unwrap_or("an earlier time")
        ),
    }
}

/// The tab changed since the caller's screen showed it; the answer
/// carries it as it is now (`current`), to show before closing again.
fn stale(now: &Tab) -> AppError {
    AppError::ConflictWithCurrent {
        code: "stale_version",
        message: format!(
            "The tab changed since it was shown (an order was placed or cancelled): its total is now {}. Check the amounts and close it again.",
            shared::bar::format_price(now.total_cents)
        ),
        current: serde_json::to_value(now).unwrap_or_default(),
    }
}

fn orders_phrase(n: u32) -> String {
    if n == 1 {
        "1 order is".to_owned()
    } else {
        format!("{n} orders are")
    }
}

/// The API's tab.
pub fn tab(full: FullTab) -> Tab {
    let FullTab {
        tab: row,
        orders,
        payments,
    } = full;
    let orders: Vec<_> = orders.into_iter().map(order).collect();
    let total_cents = orders
        .iter()
        .filter(|o| o.status != OrderStatus::Cancelled)
        .map(|o| o.total_cents)
        .sum();
    let open_orders = orders.iter().filter(|o| !o.status.is_final()).count();
    Tab {
        status: if row.closed_at.is_some() {
            TabStatus::Paid
        } else {
            TabStatus::Open
        },
        id: row.id,
        table: row.table_label,
        customer_id: row.customer_id,
        customer_name: row.customer_name,
        version: row.version,
        orders,
        total_cents,
        open_orders: u32::try_from(open_orders).unwrap_or(u32::MAX),
        opened_at: rfc3339(row.opened_at),
        closed_at: row.closed_at.map(rfc3339),
        closed_by_name: row.closed_by_name,
        payments: payments
            .into_iter()
            .map(|p| TabPayment {
                amount_cents: p.amount_cents,
                method: PaymentMethod::parse(&p.method).unwrap_or(PaymentMethod::Card),
                lines: store::decode_lines(&p.lines),
            })
            .collect(),
    }
}

fn payload(full: &FullTab) -> String {
    serde_json::to_string(&tab(full.clone())).unwrap_or_default()
}
