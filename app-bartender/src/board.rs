//! What the queue holds, without the page around it: the open orders and
//! how an update (from the live stream, a tap, or a reload) changes them,
//! and the menu as the availability panel shows it.
//!
//! Updates can arrive out of order (a tap's answer after the live event it
//! caused, a reload that started before an event), so every order carries
//! its version and an older one never replaces a newer one.

use std::collections::HashSet;

use shared::bar::{MenuCategory, MenuItemEvent, Order, OrderStatus};

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

    /// Takes in one order as the server now has it.
    pub(crate) fn apply(&mut self, order: Order) -> Applied {
        if self.finished.contains(&order.id) {
            return Applied::Ignored;
        }
        let held = self.orders.iter().position(|o| o.id == order.id);
        if let Some(index) = held {
            if order.version <= self.orders[index].version {
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
        // RFC 3339 times from one server sort as text; the number breaks ties.
        self.orders.sort_by(|a, b| {
            (a.created_at.as_str(), a.number).cmp(&(b.created_at.as_str(), b.number))
        });
    }
}

/// What a `menu_item` event changes in the menu. Answers `false` when the
/// item's category is not known here, so the caller reloads the menu.
pub(crate) fn apply_menu_event(menu: &mut [MenuCategory], event: MenuItemEvent) -> bool {
    let item = event.item;
    for category in menu.iter_mut() {
        if let Some(index) = category.items.iter().position(|i| i.id == item.id) {
            if event.removed || category.id != item.category_id {
                category.items.remove(index);
            } else {
                category.items[index] = item;
                category.items.sort_by_key(|i| i.position);
                return true;
            }
        }
    }
    if event.removed {
        return true;
    }
    match menu.iter_mut().find(|c| c.id == item.category_id) {
        Some(category) => {
            category.items.push(item);
            category.items.sort_by_key(|i| i.position);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::bar::MenuItem;

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

    fn item(id: &str, category: &str, position: i64, available: bool) -> MenuItem {
        MenuItem {
            id: id.to_owned(),
            category_id: category.to_owned(),
            name: id.to_uppercase(),
            description: String::new(),
            price_cents: 500,
            available,
            position,
        }
    }

    fn menu() -> Vec<MenuCategory> {
        vec![
            MenuCategory {
                id: "beer".to_owned(),
                name: "Beer".to_owned(),
                position: 0,
                items: vec![item("ipa", "beer", 0, true), item("stout", "beer", 1, true)],
            },
            MenuCategory {
                id: "wine".to_owned(),
                name: "Wine".to_owned(),
                position: 1,
                items: Vec::new(),
            },
        ]
    }

    #[test]
    fn menu_events_change_move_add_and_remove_items() {
        let mut menu = menu();
        let event = |item, removed| MenuItemEvent { item, removed };
        assert!(apply_menu_event(
            &mut menu,
            event(item("ipa", "beer", 0, false), false)
        ));
        assert!(!menu[0].items[0].available);
        assert!(apply_menu_event(
            &mut menu,
            event(item("stout", "wine", 0, true), false)
        ));
        assert_eq!(menu[0].items.len(), 1);
        assert_eq!(menu[1].items[0].id, "stout");
        assert!(apply_menu_event(
            &mut menu,
            event(item("lager", "beer", 2, true), false)
        ));
        assert_eq!(menu[0].items[1].id, "lager");
        assert!(apply_menu_event(
            &mut menu,
            event(item("ipa", "beer", 0, true), true)
        ));
        assert_eq!(menu[0].items.len(), 1);
        assert!(!apply_menu_event(
            &mut menu,
            event(item("gin", "spirits", 0, true), false)
        ));
    }
}
