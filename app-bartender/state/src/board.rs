//! What the queue holds, without the page around it: the open orders, the
//! tables calling, and how an update (from the live stream, a tap, or a
//! reload) changes them.
//!
//! Updates can arrive out of order (a tap's answer after the live event it
//! caused, a reload that started before an event), so every order carries
//! its version and an older one never replaces a newer one (a served order
//! comes back only as a newer version: a recall); a call only goes from
//! open to acknowledged, and an acknowledged one never comes back.

use std::collections::{HashMap, HashSet};

use shared::bar::{Order, OrderStatus, TableCall};

use crate::stations::{shows_at, StationView};

/// The open orders, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Board {
    pub orders: Vec<Order>,
    /// Orders seen served or cancelled, with the version that finished
    /// them: a reload answered from before they finished must not bring
    /// them back. Only a newer version does (a served order recalled).
    finished: HashMap<String, i64>,
}

/// What [`Board::apply`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// An order the board did not hold.
    Added,
    Updated,
    /// Served or cancelled: off the board.
    Removed,
    /// A served order recalled to ready: back on the board, not new.
    Restored,
    /// Older than, or the same as, what the board holds; or already finished.
    Ignored,
}

impl Board {
    /// The orders in `status` that a screen showing `view` lists, oldest
    /// first: a station's screen only those with its lines still to make.
    pub fn column_for(&self, status: OrderStatus, view: &StationView) -> Vec<Order> {
        let station = view.station_id();
        let shown = |o: &&Order| o.status == status && station.is_none_or(|s| shows_at(o, s));
        self.orders.iter().filter(shown).cloned().collect()
    }

    /// The newest version of an order the board has seen, open or
    /// finished.
    pub fn version_of(&self, id: &str) -> Option<i64> {
        let finished = self.finished.get(id).copied();
        let open = self.orders.iter().find(|o| o.id == id);
        open.map(|o| o.version).max(finished)
    }

    /// Whether `order` is a copy from before the board saw it finish.
    fn finished_since(&self, order: &Order) -> bool {
        self.finished.get(&order.id) >= Some(&order.version)
    }

    /// Takes in one order as the server now has it.
    pub fn apply(&mut self, order: Order) -> Applied {
        if self.finished_since(&order) {
            return Applied::Ignored;
        }
        let held = self.orders.iter().position(|o| o.id == order.id);
        if held.is_some_and(|index| !order.replaces(&self.orders[index])) {
            return Applied::Ignored;
        }
        if order.status.is_final() {
            self.finished.insert(order.id.clone(), order.version);
            return held.map_or(Applied::Ignored, |index| {
                self.orders.remove(index);
                Applied::Removed
            });
        }
        let restored = self.finished.remove(&order.id).is_some();
        if let Some(index) = held {
            self.orders[index] = order;
            return Applied::Updated;
        }
        self.orders.push(order);
        self.sort();
        if restored {
            Applied::Restored
        } else {
            Applied::Added
        }
    }

    /// Replaces the orders with a fresh list of the open ones.
    pub fn replace(&mut self, mut open: Vec<Order>) {
        open.retain(|o| !o.status.is_final() && !self.finished_since(o));
        self.orders = open;
        self.sort();
    }

    fn sort(&mut self) {
        self.orders
            .sort_by(|a, b| a.placed_key().cmp(&b.placed_key()));
    }
}

/// The open calls for staff and for the bill, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallStrip {
    pub calls: Vec<TableCall>,
    /// Calls seen acknowledged: a reload answered from before must not
    /// bring them back.
    answered: HashSet<String>,
}

impl CallStrip {
    /// Takes in one call as the server now has it.
    pub fn apply(&mut self, call: TableCall) -> Applied {
        if self.answered.contains(&call.id) {
            return Applied::Ignored;
        }
        let held = self.calls.iter().position(|c| c.id == call.id);
        if !call.is_open() {
            self.answered.insert(call.id.clone());
            return held.map_or(Applied::Ignored, |index| {
                self.calls.remove(index);
                Applied::Removed
            });
        }
        if held.is_some() {
            // An open call never changes while open.
            return Applied::Ignored;
        }
        self.calls.push(call);
        self.sort();
        Applied::Added
    }

    /// Replaces the calls with a fresh list of the open ones.
    pub fn replace(&mut self, mut open: Vec<TableCall>) {
        open.retain(|c| c.is_open() && !self.answered.contains(&c.id));
        self.calls = open;
        self.sort();
    }

    /// Oldest first (RFC 3339 times from one server sort as text).
    fn sort(&mut self) {
        self.calls
            .sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::all_day::all_day;
    use shared::bar::CallKind;
    use OrderStatus::*;

    /// Order `number` of Ada at table 7, placed in minute `number`.
    pub fn order(id: &str, number: i64, status: OrderStatus, version: i64) -> Order {
        Order {
            id: id.to_owned(),
            number,
            customer_name: "Ada".to_owned(),
            table: "7".to_owned(),
            status,
            version,
            created_at: format!("2026-11-28T10:{number:02}:00Z"),
            ..Order::default()
        }
    }

    fn ids(board: &Board, status: OrderStatus, view: &StationView) -> Vec<String> {
        let column = board.column_for(status, view);
        column.into_iter().map(|o| o.id).collect()
    }

    const ALL: &StationView = &StationView::All;

    #[test]
    fn new_orders_join_their_column_oldest_first() {
        let mut board = Board::default();
        assert_eq!(board.apply(order("b", 2, Received, 1)), Applied::Added);
        assert_eq!(board.apply(order("a", 1, Received, 1)), Applied::Added);
        assert_eq!(ids(&board, Received, ALL), ["a", "b"]);
    }

    #[test]
    fn an_older_version_never_replaces_a_newer_one() {
        let mut board = Board::default();
        board.apply(order("a", 1, Preparing, 2));
        assert_eq!(board.apply(order("a", 1, Received, 1)), Applied::Ignored);
        assert_eq!(board.apply(order("a", 1, Preparing, 2)), Applied::Ignored);
        assert_eq!(ids(&board, Preparing, ALL), ["a"]);
        assert_eq!(board.apply(order("a", 1, Ready, 3)), Applied::Updated);
        assert_eq!(ids(&board, Ready, ALL), ["a"]);
    }

    #[test]
    fn finished_orders_leave_and_a_stale_reload_does_not_bring_them_back() {
        let mut board = Board::default();
        board.apply(order("a", 1, Ready, 3));
        board.apply(order("b", 2, Received, 1));
        assert_eq!(board.apply(order("a", 1, Served, 4)), Applied::Removed);
        board.replace(vec![order("a", 1, Ready, 3), order("b", 2, Received, 1)]);
        assert!(ids(&board, Ready, ALL).is_empty());
        assert_eq!(ids(&board, Received, ALL), ["b"]);
        assert_eq!(board.apply(order("c", 3, Cancelled, 2)), Applied::Ignored);
    }

    #[test]
    fn a_recalled_served_order_comes_back_but_a_stale_copy_does_not() {
        let mut board = Board::default();
        board.apply(order("a", 1, Ready, 3));
        assert_eq!(board.apply(order("a", 1, Served, 4)), Applied::Removed);
        assert_eq!(board.version_of("a"), Some(4));
        // The ready copy from before it was served stays away.
        assert_eq!(board.apply(order("a", 1, Ready, 3)), Applied::Ignored);
        board.replace(vec![order("a", 1, Ready, 3)]);
        assert!(ids(&board, Ready, ALL).is_empty());
        // Recalled: ready again, a newer version.
        assert_eq!(board.apply(order("a", 1, Ready, 5)), Applied::Restored);
        assert_eq!(ids(&board, Ready, ALL), ["a"]);
        assert_eq!(board.version_of("a"), Some(5));
        assert_eq!(board.version_of("b"), None);
        // A reload that lists it keeps it; served again, it leaves again.
        board.replace(vec![order("a", 1, Ready, 5)]);
        assert_eq!(ids(&board, Ready, ALL), ["a"]);
        assert_eq!(board.apply(order("a", 1, Served, 6)), Applied::Removed);
        assert!(ids(&board, Ready, ALL).is_empty());
    }

    #[test]
    fn a_reload_drops_orders_it_no_longer_lists() {
        let mut board = Board::default();
        board.apply(order("a", 1, Received, 1));
        board.replace(vec![order("b", 2, Preparing, 2)]);
        assert!(ids(&board, Received, ALL).is_empty());
        assert_eq!(ids(&board, Preparing, ALL), ["b"]);
    }

    fn call(id: &str, minute: u32, answered: bool) -> TableCall {
        TableCall {
            id: id.to_owned(),
            table: "7".to_owned(),
            kind: CallKind::Bill,
            customer_name: "Ada".to_owned(),
            created_at: format!("2026-12-06T21:{minute:02}:00.000Z"),
            acknowledged_at: answered.then(|| "2026-12-06T22:00:00.000Z".to_owned()),
            acknowledged_by: answered.then(|| "Sam".to_owned()),
        }
    }

    fn call_ids(strip: &CallStrip) -> Vec<String> {
        strip.calls.iter().map(|c| c.id.clone()).collect()
    }

    #[test]
    fn calls_join_the_strip_oldest_first_once_each() {
        let mut strip = CallStrip::default();
        assert_eq!(strip.apply(call("b", 2, false)), Applied::Added);
        assert_eq!(strip.apply(call("a", 1, false)), Applied::Added);
        assert_eq!(strip.apply(call("a", 1, false)), Applied::Ignored);
        assert_eq!(call_ids(&strip), ["a", "b"]);
    }

    #[test]
    fn an_acknowledged_call_leaves_and_a_stale_reload_does_not_bring_it_back() {
        let mut strip = CallStrip::default();
        strip.apply(call("a", 1, false));
        strip.apply(call("b", 2, false));
        assert_eq!(strip.apply(call("a", 1, true)), Applied::Removed);
        assert_eq!(strip.apply(call("a", 1, false)), Applied::Ignored);
        strip.replace(vec![call("a", 1, false), call("b", 2, false)]);
        assert_eq!(call_ids(&strip), ["b"]);
        // Acknowledged elsewhere before this board saw it: nothing to show.
        assert_eq!(strip.apply(call("c", 3, true)), Applied::Ignored);
        strip.replace(vec![call("c", 3, false)]);
        assert!(call_ids(&strip).is_empty());
    }

    /// An order with one line at each (station id, ready) given; the
    /// station's name is its id capitalised ("bar" is the Bar).
    pub fn order_at(id: &str, number: i64, status: OrderStatus, lines: &[(&str, bool)]) -> Order {
        let mut order = order(id, number, status, 1);
        order.lines = lines
            .iter()
            .map(|(station, ready)| shared::bar::OrderLine {
                name: format!("From the {station}"),
                quantity: 1,
                station_id: (*station).to_owned(),
                station_name: station[..1].to_uppercase() + &station[1..],
                ready: *ready,
                ..shared::bar::OrderLine::default()
            })
            .collect();
        order
    }

    #[test]
    fn a_stations_screen_lists_only_orders_with_its_lines_still_to_make() {
        let mut board = Board::default();
        let two_stations = order_at("a", 1, Preparing, &[("bar", true), ("kitchen", false)]);
        board.apply(two_stations);
        board.apply(order_at("b", 2, Received, &[("bar", false)]));
        board.apply(order_at("c", 3, Received, &[("kitchen", false)]));
        let bar = StationView::Station("bar".to_owned());
        let kitchen = StationView::Station("kitchen".to_owned());
        assert_eq!(ids(&board, Received, &bar), ["b"]);
        let preparing = ids(&board, Preparing, &bar);
        assert!(preparing.is_empty(), "its lines are ready");
        assert_eq!(ids(&board, Received, &kitchen), ["c"]);
        assert_eq!(ids(&board, Preparing, &kitchen), ["a"]);
        assert_eq!(ids(&board, Received, ALL), ["b", "c"]);
        assert_eq!(ids(&board, Preparing, &StationView::Expo), ["a"]);
        let counted = all_day(&board.orders, bar.station_id());
        let names: Vec<String> = counted.into_iter().map(|a| a.name).collect();
        assert_eq!(names, ["From the bar"], "a ready line is made already");
    }
}
