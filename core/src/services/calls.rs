//! Calls for staff and for the bill: a guest taps at their table, staff see
//! every open call and acknowledge it ("On my way").
//!
//! One call of a kind is open at a table at a time, held by the database:
//! two taps, or two guests at once, make one call, and a tap while it is
//! open answers that call (the guest joins it if someone else opened it).
//! So repeated taps never add rows, and a guest can hold at most
//! [`OPEN_CALLS_PER_GUEST`] open calls: naming table after table is what
//! the rule alone would not stop. Every change reaches live streams: staff
//! see every call, a guest the calls they asked for.

use std::sync::Arc;
use std::time::Duration;

use shared::api::Role;
use shared::bar::{CallKind, NewCallRequest, TableCall, TableCallsResponse};
use shared::validate;

use crate::clock::{rfc3339, Clock};
use crate::db::calls::{self as store, Acknowledged, CallRow, NewCall, Opened};
use crate::db::{events, Db, DbError};
use crate::error::{AppError, AppResult};
use crate::services::events::EventHub;
use crate::services::orders::require_staff;
use crate::services::sessions::AuthContext;

/// Most open calls one guest may have asked for at once: both kinds at two
/// tables (a guest who moved) is plenty.
pub const OPEN_CALLS_PER_GUEST: i64 = 4;

/// How long a guest beyond [`OPEN_CALLS_PER_GUEST`] is told to wait: about
/// the time it takes staff to answer one of their calls.
const TOO_MANY_WAIT: Duration = Duration::from_secs(60);

/// How long an acknowledged call stays in a guest's own list, so a page
/// opened after the answer still says someone is coming.
pub const ANSWERED_FOR_MS: i64 = 15 * 60 * 1000;

/// Most calls one list returns.
const LIST_LIMIT: i64 = 200;

/// Whether a tap opened a call or answered with one already open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    New,
    Existing,
}

/// The calls service.
pub struct CallService {
    db: Db,
    clock: Arc<dyn Clock>,
    hub: Arc<EventHub>,
}

impl CallService {
    /// Builds the service.
    pub fn new(db: Db, clock: Arc<dyn Clock>, hub: Arc<EventHub>) -> CallService {
        CallService { db, clock, hub }
    }

    /// A guest calls staff, or asks for the bill, at a table: a new call,
    /// or the one of that kind already open there (as the guest sees it).
    pub async fn call(
        &self,
        auth: &AuthContext,
        req: NewCallRequest,
    ) -> AppResult<(TableCall, Made)> {
        if auth.role != Role::Customer {
            return Err(AppError::Forbidden);
        }
        let table = validate::table(&req.table).map_err(AppError::Validation)?;
        let id = uuid::Uuid::new_v4().to_string();
        let new = NewCall {
            id: &id,
            table_label: &table,
            kind: req.kind.as_str(),
            customer_id: &auth.user_id,
            max_open: OPEN_CALLS_PER_GUEST,
            now: self.clock.now_ms(),
        };
        let opened = match store::open(&self.db, &new, &payload).await {
            Ok(opened) => opened,
            // A twin tap got in first; looking again finds its call.
            Err(DbError::UniqueViolation) => store::open(&self.db, &new, &payload).await?,
            Err(e) => return Err(e.into()),
        };
        match opened {
            Opened::New(row) => {
                self.hub.poke();
                Ok((table_call(row), Made::New))
            }
            Opened::Joined(row) => {
                self.hub.poke();
                Ok((table_call(row), Made::Existing))
            }
            Opened::Repeated(row) => Ok((table_call(row), Made::Existing)),
            Opened::TooMany => Err(AppError::RateLimited {
                retry_after: TOO_MANY_WAIT,
            }),
        }
    }

    /// The calls the guest asked for: open ones, and those acknowledged in
    /// the last [`ANSWERED_FOR_MS`], oldest first.
    pub async fn mine(&self, auth: &AuthContext) -> AppResult<TableCallsResponse> {
        let (cursor, _) = events::bounds(&self.db).await?;
        let since = self.clock.now_ms() - ANSWERED_FOR_MS;
        let rows = store::list_mine(&self.db, &auth.user_id, since, LIST_LIMIT).await?;
        Ok(TableCallsResponse {
            calls: rows.into_iter().map(table_call).collect(),
            cursor,
        })
    }

    /// Open calls, oldest first, for staff.
    pub async fn open(&self, auth: &AuthContext) -> AppResult<TableCallsResponse> {
        require_staff(auth)?;
        let (cursor, _) = events::bounds(&self.db).await?;
        let rows = store::list_open(&self.db, LIST_LIMIT).await?;
        Ok(TableCallsResponse {
            calls: rows.into_iter().map(table_call).collect(),
            cursor,
        })
    }

    /// Staff acknowledge a call: someone is on their way. Of several staff
    /// at once exactly one succeeds; the others, and anyone later, get a
    /// conflict that names who did.
    pub async fn acknowledge(&self, auth: &AuthContext, id: &str) -> AppResult<TableCall> {
        require_staff(auth)?;
        if id.is_empty() || id.len() > 64 {
            return Err(no_call());
        }
        let now = self.clock.now_ms();
        match store::acknowledge(&self.db, id, &auth.user_id, now, &payload).await? {
            Acknowledged::Done(row) => {
                self.hub.poke();
                Ok(table_call(row))
            }
            Acknowledged::Already(row) => Err(AppError::Conflict {
                code: "already_acknowledged",
                message: format!(
                    "{} is already on the way to table {}.",
                    row.acknowledged_by_name.as_deref().unwrap_or("Someone"),
                    row.table_label
                ),
            }),
            Acknowledged::NotFound => Err(no_call()),
        }
    }
}

fn no_call() -> AppError {
    AppError::NotFound("There is no such call.".to_owned())
}

/// The API's call.
pub fn table_call(row: CallRow) -> TableCall {
    TableCall {
        kind: CallKind::parse(&row.kind).unwrap_or(CallKind::Staff),
        id: row.id,
        table: row.table_label,
        customer_name: row.customer_name,
        created_at: rfc3339(row.created_at),
        acknowledged_at: row.acknowledged_at.map(rfc3339),
        acknowledged_by: row.acknowledged_by_name,
    }
}

fn payload(row: &CallRow) -> String {
    serde_json::to_string(&table_call(row.clone())).unwrap_or_default()
}
