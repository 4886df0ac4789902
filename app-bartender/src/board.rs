//! What the queue holds, without the page around it: the open orders and
//! how an update (from the live stream, a tap, or a reload) changes them.
//!
//! Updates can arrive out of order (a tap's answer after the live event it
//! caused, a reload that started before an event), so every order carries
//! its version and an older one never replaces a newer one.

use std::collections::HashSet;

use shared::bar::{Order, OrderStatus};

use crate::all_day::{all_day, AllDay};

/// The open orders, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Board {
    orders: Vec<Order>,
    /// Orders seen served or cancelled: they never come back, so a reload
    /// answered from before they finished must not bring them back either.
    finished: HashSet<String>,
}

/// What [`Board::apply`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Applied {
    /// An order the board did not hold.
    Added,
    Updated,
    /// Served or cancelled: off the board.
    Removed,
    /// Older than, or the same as, what the board holds; or already finished.
    Ignored,
}

impl Board {
    /// The orders in `status`, oldest first.
    pub(crate) fn column(&self, status: OrderStatus) -> Vec<Order> {
        self.orders
            .iter()
            .filter(|o| o.status == status)
            .cloned()
            .collect()
    }

    /// How many of each item the orders still to be made want, most first.
    pub(crate) fn all_day(&self) -> Vec<AllDay> {
        all_day(&self.orders)
    }

    /// Takes in one order as the server now has it.
    pub(crate) fn apply(&mut self, order: Order) -> Applied {
        if self.finished.contains(&order.id) {
            return Applied::Ignored;
        }
        let held = self.orders.iter().position(|o| o.id == order.id);
        if let Some(index) = held {
            if !order.replaces(&self.orders[index]) {
                return Applied::Ignored;
            }
        }
        if order.status.is_final() {
            self.finished.insert(order.id.clone());
            return match held {
                Some(index) => {
                    self.orders.remove(index);
                    Applied::Removed
                }
                None => Applied::Ignored,
            };
        }
        match held {
            Some(index) => {
                self.orders[index] = order;
                Applied::Updated
            }
            None => {
                self.orders.push(order);
                self.sort();
                Applied::Added
            }
        }
    }

    /// Replaces the orders with a fresh list of the open ones.
    pub(crate) fn replace(&mut self, open: Vec<Order>) {
        self.orders = open
            .into_iter()
            .filter(|o| !o.status.is_final() && !self.finished.contains(&o.id))
            .collect();
        self.sort();
    }

    fn sort(&mut self) {
        self.orders
            .sort_by(|a, b| a.placed_key().cmp(&b.placed_key()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: &str, number: i64, status: OrderStatus, version: i64) -> Order {
        Order {
            id: id.to_owned(),
            number,
            customer_id: "c".to_owned(),
            customer_name: "Ada".to_owned(),
            table: "7".to_owned(),
            status,
            version,
            lines: Vec::new(),
            note: None,
            total_cents: 0,
            cancel_reason: None,
            created_at: format!("2026-11-28T10:{number:02}:00Z"),
            updated_at: "2026-11-28T10:00:00Z".to_owned(),
            ready_at: None,
        }
    }

    fn ids(board: &Board, status: OrderStatus) -> Vec<String> {
        board.column(status).into_iter().map(|o| o.id).collect()
    }

    #[test]
    fn new_orders_join_their_column_oldest_first() {
        let mut board = Board::default();
        assert_eq!(
            board.apply(order("b", 2, OrderStatus::Received, 1)),
            Applied::Added
        );
        assert_eq!(
            board.apply(order("a", 1, OrderStatus::Received, 1)),
            Applied::Added
        );
        assert_eq!(ids(&board, OrderStatus::Received), ["a", "b"]);
    }

    #[test]
    fn an_older_version_never_replaces_a_newer_one() {
        let mut board = Board::default();
        board.apply(order("a", 1, OrderStatus::Preparing, 2));
        assert_eq!(
            board.apply(order("a", 1, OrderStatus::Received, 1)),
            Applied::Ignored
        );
        assert_eq!(
            board.apply(order("a", 1, OrderStatus::Preparing, 2)),
            Applied::Ignored
        );
        assert_eq!(ids(&board, OrderStatus::Preparing), ["a"]);
        assert_eq!(
            board.apply(order("a", 1, OrderStatus::Ready, 3)),
            Applied::Updated
        );
        assert_eq!(ids(&board, OrderStatus::Ready), ["a"]);
    }

    #[test]
    fn finished_orders_leave_and_a_stale_reload_does_not_bring_them_back() {
        let mut board = Board::default();
        board.apply(order("a", 1, OrderStatus::Ready, 3));
        board.apply(order("b", 2, OrderStatus::Received, 1));
        assert_eq!(
            board.apply(order("a", 1, OrderStatus::Served, 4)),
            Applied::Removed
        );
        board.replace(vec![
            order("a", 1, OrderStatus::Ready, 3),
            order("b", 2, OrderStatus::Received, 1),
        ]);
        assert!(ids(&board, OrderStatus::Ready).is_empty());
        assert_eq!(ids(&board, OrderStatus::Received), ["b"]);
        assert_eq!(
            board.apply(order("c", 3, OrderStatus::Cancelled, 2)),
            Applied::Ignored
        );
    }

    #[test]
    fn a_reload_drops_orders_it_no_longer_lists() {
        let mut board = Board::default();
        board.apply(order("a", 1, OrderStatus::Received, 1));
        board.replace(vec![order("b", 2, OrderStatus::Preparing, 2)]);
        assert!(ids(&board, OrderStatus::Received).is_empty());
        assert_eq!(ids(&board, OrderStatus::Preparing), ["b"]);
    }
}
