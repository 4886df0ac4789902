//! Orders: placing (idempotent, priced on the server from the menu),
//! reading, and the status machine with optimistic versions. Every change
//! reaches live streams.

use std::collections::HashMap;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use shared::api::Role;
use shared::bar::{
    format_price, NewOrderRequest, Order, OrderLine, OrderStatus, OrdersResponse, RecallRequest,
    StationReadyRequest, StatusChangeRequest, IDEMPOTENCY_KEY_MAX_LEN, LINE_NOTE_MAX_LEN,
    OPTIONS_PER_GROUP_MAX, OPTION_GROUPS_MAX, ORDER_MAX_LINES, ORDER_NOTE_MAX_LEN, QUANTITY_MAX,
    RECALL_WINDOW_SECS,
};
use shared::validate::{self, ChoiceError};

use crate::clock::{rfc3339, Clock};
use crate::crypto::hex;
use crate::db::orders::{self as store, Filter, FullOrder, LineRow, NewLine, NewOrder, OrderRow};
use crate::db::{events, menu, stations, tabs, Db, DbError};
use crate::error::{AppError, AppResult};
use crate::services::events::EventHub;
use crate::services::sessions::AuthContext;

/// Most orders one list returns.
const LIST_LIMIT: i64 = 200;

/// Most option ids one line may name: every option of the largest item.
const LINE_OPTIONS_MAX: usize = OPTION_GROUPS_MAX * OPTIONS_PER_GROUP_MAX;

/// Longest option id a line may name (ids are UUIDs).
const OPTION_ID_MAX_LEN: usize = 64;

/// Whether an order was just placed or an earlier answer is replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    New,
    Replayed,
}

/// Which orders staff list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Open,
    Today,
}

/// The orders service.
pub struct OrderService {
    db: Db,
    clock: Arc<dyn Clock>,
    hub: Arc<EventHub>,
}

impl OrderService {
    /// Builds the service.
    pub fn new(db: Db, clock: Arc<dyn Clock>, hub: Arc<EventHub>) -> OrderService {
        OrderService { db, clock, hub }
    }

    /// Places an order for a customer. The same idempotency key with the
    /// same body answers with the order it made; with another body, 422.
    pub async fn place(
        &self,
        auth: &AuthContext,
        idempotency_key: Option<&str>,
        req: NewOrderRequest,
    ) -> AppResult<(Order, Placed)> {
        if auth.role != Role::Customer {
            return Err(AppError::Forbidden);
        }
        let key = check_key(idempotency_key)?;
        let req = normalize(req)?;
        let hash = request_hash(&req);
        if let Some(existing) = store::find_by_key(&self.db, &auth.user_id, key).await? {
            return replay(existing, &hash);
        }
        let lines = self.price(&req).await?;
        let total_cents = lines.iter().map(|l| l.unit_price_cents * l.quantity).sum();
        let id = uuid::Uuid::new_v4().to_string();
        let new_tab_id = uuid::Uuid::new_v4().to_string();
        let new = NewOrder {
            id: &id,
            new_tab_id: &new_tab_id,
            customer_id: &auth.user_id,
            table_label: &req.table,
            note: req.note.as_deref(),
            total_cents,
            idempotency_key: key,
            request_hash: &hash,
            lines: &lines,
            now: self.clock.now_ms(),
        };
        match store::insert(&self.db, &new, &payload).await {
            Ok(full) => {
                self.hub.poke();
                Ok((order(full), Placed::New))
            }
            // A twin request with the same key won the race.
            Err(DbError::UniqueViolation) => {
                match store::find_by_key(&self.db, &auth.user_id, key).await? {
                    Some(existing) => replay(existing, &hash),
                    None => Err(AppError::Internal(anyhow::anyhow!(
                        "order insert conflicted but no order has the key"
                    ))),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Prices the lines from the menu, options included; refuses unknown and
    /// unavailable items by name, options that do not fit their item, and a
    /// price the guest was shown that the menu no longer says.
    async fn price(&self, req: &NewOrderRequest) -> AppResult<Vec<NewLine>> {
        let mut ids: Vec<&str> = req.lines.iter().map(|l| l.item_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let items: HashMap<String, menu::ItemRow> = menu::items_by_ids(&self.db, &ids)
            .await?
            .into_iter()
            .map(|i| (i.id.clone(), i))
            .collect();
        let unknown: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| items.get(*id).is_none_or(|i| i.archived))
            .collect();
        if !unknown.is_empty() {
            let shown: Vec<String> = unknown
                .iter()
                .take(5)
                .map(|id| format!("\"{}\"", id.chars().take(40).collect::<String>()))
                .collect();
            return Err(AppError::Unprocessable {
                code: "unknown_items",
                message: format!(
                    "These items are not on the menu: {}. Reload the menu and try again.",
                    shown.join(", ")
                ),
            });
        }
        let mut sold_out: Vec<&str> = ids
            .iter()
            .filter_map(|id| items.get(*id))
            .filter(|i| !i.available)
            .map(|i| i.name.as_str())
            .collect();
        if !sold_out.is_empty() {
            sold_out.sort_unstable();
            return Err(AppError::Unprocessable {
                code: "items_unavailable",
                message: format!(
                    "Sold out right now: {}. Remove {} from your order and try again.",
                    sold_out.join(", "),
                    if sold_out.len() == 1 { "it" } else { "them" }
                ),
            });
        }
        let mut categories: Vec<&str> = items.values().map(|i| i.category_id.as_str()).collect();
        categories.sort_unstable();
        categories.dedup();
        let stations = stations::of_categories(&self.db, &categories).await?;
        let mut lines = Vec::with_capacity(req.lines.len());
        for (i, l) in req.lines.iter().enumerate() {
            // Every id was found above.
            let Some(row) = items.get(&l.item_id) else {
                continue;
            };
            let item = crate::services::menu::item(row.clone());
            let choice = validate::choose(&item, &l.options).map_err(|err| {
                let message = format!("Line {}: {}", i + 1, err.message(&item.name));
                let code = match err {
                    ChoiceError::SoldOut(_) => "options_unavailable",
                    _ => "invalid_options",
                };
                AppError::Unprocessable { code, message }
            })?;
            // Charging a price the guest never saw would be worse than
            // asking them to look again.
            if let Some(shown) = l
                .unit_price_cents
                .filter(|shown| *shown != choice.unit_price_cents)
            {
                return Err(AppError::Conflict {
                    code: "price_changed",
                    message: format!(
                        "The price of {} changed from {} to {} since you opened the menu. Check your order and send it again.",
                        item.name,
                        format_price(shown),
                        format_price(choice.unit_price_cents)
                    ),
                });
            }
            lines.push(NewLine {
                item_id: row.id.clone(),
                name: row.name.clone(),
                unit_price_cents: choice.unit_price_cents,
                quantity: i64::from(l.quantity),
                note: l.note.clone(),
                // Copied as stored, like the name and the price: the
                // ticket shows what the item held when it was ordered.
                allergens: row.allergens.clone(),
                // Copied with their group's name and their price, so the
                // line reads the same after the menu changes.
                options: store::encode_options(&choice.options),
                // The station's name too: renaming it later changes no
                // ticket already made.
                station_id: stations
                    .get(&row.category_id)
                    .map(|(id, _)| id.clone())
                    .unwrap_or_default(),
                station_name: stations
                    .get(&row.category_id)
                    .map(|(_, name)| name.clone())
                    .unwrap_or_default(),
            });
        }
        Ok(lines)
    }

    /// The caller's own orders, newest first.
    pub async fn mine(&self, auth: &AuthContext) -> AppResult<OrdersResponse> {
        let (cursor, _) = events::bounds(&self.db).await?;
        let rows = store::list(&self.db, Filter::Customer(&auth.user_id), LIST_LIMIT).await?;
        Ok(OrdersResponse {
            orders: rows.into_iter().map(order).collect(),
            cursor,
        })
    }

    /// Open orders (oldest first) or today's (newest first), for staff.
    pub async fn list(&self, auth: &AuthContext, scope: Scope) -> AppResult<OrdersResponse> {
        require_staff(auth)?;
        let (cursor, _) = events::bounds(&self.db).await?;
        let filter = match scope {
            Scope::Open => Filter::Open,
            Scope::Today => Filter::Since(local_midnight(self.clock.now_ms())),
        };
        let rows = store::list(&self.db, filter, LIST_LIMIT).await?;
        Ok(OrdersResponse {
            orders: rows.into_iter().map(order).collect(),
            cursor,
        })
    }

    /// One order, for its customer or staff.
    pub async fn get(&self, auth: &AuthContext, id: &str) -> AppResult<Order> {
        let full = self.visible(auth, id).await?;
        Ok(order(full))
    }

    async fn visible(&self, auth: &AuthContext, id: &str) -> AppResult<FullOrder> {
        let full = if id.len() <= 64 {
            store::get(&self.db, id).await?
        } else {
            None
        };
        match full {
            Some(full) if auth.role != Role::Customer || full.0.customer_id == auth.user_id => {
                Ok(full)
            }
            _ => Err(AppError::NotFound(
                "There is no such order of yours.".to_owned(),
            )),
        }
    }

    /// Moves an order to another status if the caller saw its current
    /// version. Customers may only cancel their own, and only while received.
    pub async fn change_status(
        &self,
        auth: &AuthContext,
        id: &str,
        req: StatusChangeRequest,
    ) -> AppResult<Order> {
        let (current, _) = self.visible(auth, id).await?;
        let from = parse_status(&current.status)?;
        if auth.role == Role::Customer && req.status != OrderStatus::Cancelled {
            return Err(AppError::Forbidden);
        }
        let reason = match (req.status, req.reason.as_deref().map(str::trim)) {
            (OrderStatus::Cancelled, r) => {
                Some(validate::cancel_reason(r.unwrap_or_default()).map_err(AppError::Validation)?)
            }
            (_, Some(r)) if !r.is_empty() => {
                return Err(AppError::Validation(
                    "A reason is given only when cancelling.".to_owned(),
                ))
            }
            _ => None,
        };
        if req.version != current.version {
            return Err(stale(from));
        }
        if req.status == OrderStatus::Cancelled {
            if let Some(tab_id) = current.tab_id.as_deref() {
                if let Some(tab) = tabs::get(&self.db, tab_id).await? {
                    if tab.tab.closed_at.is_some() {
                        return Err(tab_paid());
                    }
                }
            }
        }
        if auth.role == Role::Customer && from != OrderStatus::Received {
            return Err(AppError::Conflict {
                code: "cannot_cancel",
                message: format!(
                    "This order is already {}; ask at the bar if something is wrong.",
                    from.label().to_lowercase()
                ),
            });
        }
        if !from.can_become(req.status) {
            return Err(AppError::Conflict {
                code: "invalid_transition",
                message: format!(
                    "An order that is {} cannot become {}.",
                    from.label().to_lowercase(),
                    req.status.label().to_lowercase()
                ),
            });
        }
        let change = store::StatusChange {
            id,
            version: req.version,
            status: req.status.as_str(),
            reason: reason.as_deref(),
            now: self.clock.now_ms(),
        };
        self.commit(&change, None, from).await
    }

    /// Takes back an order's last step (a mistaken bump on the board) for
    /// staff, if the caller saw its current version and that step was made
    /// within [`RECALL_WINDOW_SECS`]. It is a status change like any other
    /// (a new version, an event), only one step backwards.
    pub async fn recall(
        &self,
        auth: &AuthContext,
        id: &str,
        req: RecallRequest,
    ) -> AppResult<Order> {
        require_staff(auth)?;
        let (current, lines) = self.visible(auth, id).await?;
        let from = parse_status(&current.status)?;
        if let Some(station_id) = req.station_id.as_deref() {
            check_station_lines(&lines, station_id)?;
        }
        // The version first: a recall aimed at a change someone has since
        // built on must never undo theirs.
        if req.version != current.version {
            return Err(stale(from));
        }
        if let Some(station_id) = req.station_id.as_deref() {
            return self
                .recall_station(&current, &lines, station_id, from)
                .await;
        }
        let Some(to) = from.previous() else {
            return Err(AppError::Conflict {
                code: "nothing_to_recall",
                message: if from == OrderStatus::Cancelled {
                    "This order was cancelled; a cancellation cannot be recalled.".to_owned()
                } else {
                    format!(
                        "This order is {}: there is no earlier step to go back to.",
                        from.label().to_lowercase()
                    )
                },
            });
        };
        let now = self.clock.now_ms();
        if now.saturating_sub(current.updated_at) > RECALL_WINDOW_SECS * 1000 {
            let minutes = RECALL_WINDOW_SECS / 60;
            return Err(AppError::Conflict {
                code: "recall_expired",
                message: format!(
                    "It was moved on more than {minutes} minutes ago; a bump can be recalled only within {minutes} minutes."
                ),
            });
        }
        let change = store::StatusChange {
            id,
            version: req.version,
            status: to.as_str(),
            reason: None,
            now,
        };
        self.commit(&change, None, from).await
    }

    /// Marks a station's lines of an order ready (staff), if the caller saw
    /// its current version. A received order starts preparing; once every
    /// station has marked its lines, the order is ready. A change like any
    /// other: a new version and one event.
    pub async fn station_ready(
        &self,
        auth: &AuthContext,
        id: &str,
        station_id: &str,
        req: StationReadyRequest,
    ) -> AppResult<Order> {
        require_staff(auth)?;
        let (current, lines) = self.visible(auth, id).await?;
        let from = parse_status(&current.status)?;
        check_station_lines(&lines, station_id)?;
        if req.version != current.version {
            return Err(stale(from));
        }
        if from.is_final() {
            return Err(closed(from));
        }
        if lines
            .iter()
            .filter(|l| l.station_id == station_id)
            .all(|l| l.ready_at.is_some())
        {
            return Err(AppError::Conflict {
                code: "already_ready",
                message: "This station has already marked its part of the order ready.".to_owned(),
            });
        }
        let all_ready = lines
            .iter()
            .all(|l| l.station_id == station_id || l.ready_at.is_some());
        let to = if all_ready {
            OrderStatus::Ready
        } else {
            OrderStatus::Preparing
        };
        let change = store::StatusChange {
            id,
            version: req.version,
            status: to.as_str(),
            reason: None,
            now: self.clock.now_ms(),
        };
        let station = store::StationLines {
            station_id,
            ready: true,
        };
        self.commit(&change, Some(&station), from).await
    }

    /// Takes back a station's mark of its lines as ready (a recall naming
    /// the station), within [`RECALL_WINDOW_SECS`] of it; a ready order goes
    /// back to preparing. The version was checked by the caller.
    async fn recall_station(
        &self,
        current: &OrderRow,
        lines: &[LineRow],
        station_id: &str,
        from: OrderStatus,
    ) -> AppResult<Order> {
        if from.is_final() {
            return Err(closed(from));
        }
        let Some(marked_at) = lines
            .iter()
            .filter(|l| l.station_id == station_id)
            .filter_map(|l| l.ready_at)
            .max()
        else {
            return Err(AppError::Conflict {
                code: "nothing_to_recall",
                message: "This station has not marked its part of the order ready: there is nothing to take back."
                    .to_owned(),
            });
        };
        let now = self.clock.now_ms();
        if now.saturating_sub(marked_at) > RECALL_WINDOW_SECS * 1000 {
            let minutes = RECALL_WINDOW_SECS / 60;
            return Err(AppError::Conflict {
                code: "recall_expired",
                message: format!(
                    "It was marked ready more than {minutes} minutes ago; a bump can be recalled only within {minutes} minutes."
                ),
            });
        }
        let to = if from == OrderStatus::Ready {
            OrderStatus::Preparing
        } else {
            from
        };
        let change = store::StatusChange {
            id: &current.id,
            version: current.version,
            status: to.as_str(),
            reason: None,
            now,
        };
        let station = store::StationLines {
            station_id,
            ready: false,
        };
        self.commit(&change, Some(&station), from).await
    }

    /// Applies a checked change if the order is still at the version the
    /// checks read, and tells the live streams; a change that lost the race
    /// is a stale version, naming the status the order has now.
    async fn commit(
        &self,
        change: &store::StatusChange<'_>,
        station: Option<&store::StationLines<'_>>,
        from: OrderStatus,
    ) -> AppResult<Order> {
        match store::change_lines(&self.db, change, station, &payload).await? {
            Some(full) => {
                self.hub.poke();
                Ok(order(full))
            }
            None => {
                let now = store::get(&self.db, change.id).await?;
                if change.status == OrderStatus::Cancelled.as_str() {
                    if let Some(tab_id) = now.as_ref().and_then(|(o, _)| o.tab_id.as_deref()) {
                        if let Some(paid) = tabs::get(&self.db, tab_id).await? {
                            if paid.tab.closed_at.is_some() {
                                return Err(tab_paid());
                            }
                        }
                    }
                }
                let status = now
                    .as_ref()
                    .and_then(|(o, _)| OrderStatus::parse(&o.status))
                    .unwrap_or(from);
                Err(stale(status))
            }
        }
    }
}

/// 422 `no_lines_at_station` unless the order has lines at the station.
fn check_station_lines(lines: &[LineRow], station_id: &str) -> AppResult<()> {
    if station_id.is_empty() || !lines.iter().any(|l| l.station_id == station_id) {
        return Err(AppError::Unprocessable {
            code: "no_lines_at_station",
            message: "This order has nothing to prepare at that station.".to_owned(),
        });
    }
    Ok(())
}

/// 409 `order_closed`: a served or cancelled order's lines never change.
fn closed(status: OrderStatus) -> AppError {
    AppError::Conflict {
        code: "order_closed",
        message: format!(
            "This order is already {}; its lines can no longer change.",
            status.label().to_lowercase()
        ),
    }
}

fn tab_paid() -> AppError {
    AppError::Conflict {
        code: "tab_paid",
        message: "This order's tab is already paid; it can no longer be cancelled.".to_owned(),
    }
}

fn stale(now: OrderStatus) -> AppError {
    AppError::Conflict {
        code: "stale_version",
        message: format!(
            "Someone changed this order meanwhile (it is now {}). Reload and try again.",
            now.label().to_lowercase()
        ),
    }
}

/// Refuses anyone but bartenders and admins.
pub(crate) fn require_staff(auth: &AuthContext) -> AppResult<()> {
    if matches!(auth.role, Role::Bartender | Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn check_key(key: Option<&str>) -> AppResult<&str> {
    let key = key.map(str::trim).unwrap_or_default();
    if key.is_empty() {
        return Err(AppError::BadRequestCode {
            code: "missing_idempotency_key",
            message: "Send an Idempotency-Key header (any unique string per order) so a retry never makes two orders.".to_owned(),
        });
    }
    if key.len() > IDEMPOTENCY_KEY_MAX_LEN || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::BadRequestCode {
            code: "invalid_idempotency_key",
            message: format!(
                "The Idempotency-Key must be 1 to {IDEMPOTENCY_KEY_MAX_LEN} visible ASCII characters."
            ),
        });
    }
    Ok(key)
}

/// Checks every field and trims notes; empty notes become none.
fn normalize(mut req: NewOrderRequest) -> AppResult<NewOrderRequest> {
    req.table = validate::table(&req.table).map_err(AppError::Validation)?;
    if req.lines.is_empty() {
        return Err(AppError::Validation(
            "The order is empty: add at least one item.".to_owned(),
        ));
    }
    if req.lines.len() > ORDER_MAX_LINES {
        return Err(AppError::Validation(format!(
            "An order has at most {ORDER_MAX_LINES} lines; this one has {}.",
            req.lines.len()
        )));
    }
    for (i, line) in req.lines.iter_mut().enumerate() {
        if !(1..=QUANTITY_MAX).contains(&line.quantity) {
            return Err(AppError::Validation(format!(
                "Line {}: the quantity must be between 1 and {QUANTITY_MAX}.",
                i + 1
            )));
        }
        if line.item_id.is_empty() || line.item_id.len() > 64 {
            return Err(AppError::Validation(format!(
                "Line {}: the item id is missing or too long.",
                i + 1
            )));
        }
        line.note = note(
            line.note.take(),
            LINE_NOTE_MAX_LEN,
            &format!("Line {}: the note", i + 1),
        )?;
        // Whether they fit the item is checked with the menu at hand
        // (`validate::choose`); this only bounds what is read.
        if line.options.len() > LINE_OPTIONS_MAX {
            return Err(AppError::Validation(format!(
                "Line {}: at most {LINE_OPTIONS_MAX} options can be chosen.",
                i + 1
            )));
        }
        if line
            .options
            .iter()
            .any(|id| id.is_empty() || id.chars().count() > OPTION_ID_MAX_LEN)
        {
            return Err(AppError::Validation(format!(
                "Line {}: an option id is missing or too long.",
                i + 1
            )));
        }
        if line.unit_price_cents.is_some_and(|p| p < 0) {
            return Err(AppError::Validation(format!(
                "Line {}: the price shown cannot be negative.",
                i + 1
            )));
        }
    }
    req.note = note(req.note.take(), ORDER_NOTE_MAX_LEN, "The order note")?;
    Ok(req)
}

fn note(raw: Option<String>, max: usize, what: &str) -> AppResult<Option<String>> {
    let Some(raw) = raw else { return Ok(None) };
    let text = raw.trim();
    if text.chars().count() > max {
        return Err(AppError::Validation(format!(
            "{what} must be at most {max} characters."
        )));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::Validation(format!(
            "{what} contains characters that cannot be shown."
        )));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

fn request_hash(req: &NewOrderRequest) -> String {
    let json = serde_json::to_string(req).unwrap_or_default();
    hex(&Sha256::digest(json.as_bytes()))
}

fn replay(existing: FullOrder, hash: &str) -> AppResult<(Order, Placed)> {
    use subtle::ConstantTimeEq;
    if bool::from(existing.0.request_hash.as_bytes().ct_eq(hash.as_bytes())) {
        Ok((order(existing), Placed::Replayed))
    } else {
        Err(AppError::Unprocessable {
            code: "idempotency_key_reused",
            message: "This Idempotency-Key was already used for a different order. Use a new key for a new order."
                .to_owned(),
        })
    }
}

fn parse_status(s: &str) -> AppResult<OrderStatus> {
    OrderStatus::parse(s).ok_or_else(|| {
        AppError::Internal(anyhow::anyhow!("unknown order status {s:?} in the store"))
    })
}

/// The API's order.
pub fn order((row, lines): FullOrder) -> Order {
    Order {
        status: OrderStatus::parse(&row.status).unwrap_or(OrderStatus::Received),
        lines: lines.into_iter().map(line).collect(),
        id: row.id,
        number: row.number,
        customer_id: row.customer_id,
        customer_name: row.customer_name,
        table: row.table_label,
        version: row.version,
        note: row.note,
        total_cents: row.total_cents,
        cancel_reason: row.cancel_reason,
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
        ready_at: row.ready_at.map(rfc3339),
        tab_id: row.tab_id,
    }
}

fn line(row: LineRow) -> OrderLine {
    let quantity = u32::try_from(row.quantity).unwrap_or(0);
    OrderLine {
        line_total_cents: row.unit_price_cents * row.quantity,
        allergens: menu::decode_allergens(&row.allergens),
        options: store::decode_options(&row.options),
        ready: row.ready_at.is_some(),
        station_id: row.station_id,
        station_name: row.station_name,
        item_id: row.item_id,
        name: row.name,
        unit_price_cents: row.unit_price_cents,
        quantity,
        note: row.note,
    }
}

fn payload(row: &OrderRow, lines: &[LineRow]) -> String {
    serde_json::to_string(&order((row.clone(), lines.to_vec()))).unwrap_or_default()
}

/// The last local midnight at or before `now_ms` (the server's time zone).
pub fn local_midnight(now_ms: i64) -> i64 {
    use chrono::{Local, TimeZone};
    let Some(now) = Local.timestamp_millis_opt(now_ms).single() else {
        return now_ms - now_ms.rem_euclid(86_400_000);
    };
    now.date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|midnight| Local.from_local_datetime(&midnight).earliest())
        .map_or(now_ms - now_ms.rem_euclid(86_400_000), |m| {
            m.timestamp_millis()
        })
}

/// The local day (the server's time zone) that `now_ms` falls on.
pub fn local_date(now_ms: i64) -> chrono::NaiveDate {
    use chrono::{Local, TimeZone};
    match Local.timestamp_millis_opt(now_ms).single() {
        Some(now) => now.date_naive(),
        None => chrono::DateTime::from_timestamp_millis(now_ms)
            .unwrap_or_default()
            .date_naive(),
    }
}

/// The first instant of a local day, in Unix milliseconds: its midnight,
/// or where a clock change skips midnight, the first whole hour that
/// exists (as [`local_midnight`] would answer on that day).
pub fn local_day_start(day: chrono::NaiveDate) -> i64 {
    use chrono::{Local, NaiveTime, TimeZone};
    (0..3)
        .find_map(|hour| {
            let time = NaiveTime::from_hms_opt(hour, 0, 0)?;
            Local.from_local_datetime(&day.and_time(time)).earliest()
        })
        .map_or_else(
            || day.and_time(NaiveTime::MIN).and_utc().timestamp_millis(),
            |start| start.timestamp_millis(),
        )
}
