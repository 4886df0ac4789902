//! The open tabs as the Tabs page knows them (from the server's list, the
//! answers to closes and the live stream, in any order), and the close
//! form's choices turned into the split the server checks. The amounts the
//! form shows come from `shared::validate::tab_split`, the rule the server
//! applies, so what the screen says is what is stored.

use std::collections::{HashMap, HashSet};

use shared::bar::{LinePart, LineRef, Order, OrderStatus, PaymentMethod, Tab, TabSplit};

/// The open tabs, by table, then oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tabs {
    pub list: Vec<Tab>,
    /// Tabs seen paid: a late copy of one while open never brings it back.
    paid: HashSet<String>,
}

impl Tabs {
    /// Takes in a tab as the server had it: a newer version replaces the
    /// one held, a paid one leaves the list.
    pub fn take(&mut self, tab: Tab) {
        if !tab.is_open() {
            self.list.retain(|t| t.id != tab.id);
            self.paid.insert(tab.id);
            return;
        }
        if self.paid.contains(&tab.id) {
            return;
        }
        match self.list.iter_mut().find(|t| t.id == tab.id) {
            Some(held) if !tab.replaces(held) => {}
            Some(held) => *held = tab,
            None => {
                self.list.push(tab);
                self.list
                    .sort_by(|a, b| (&a.table, &a.opened_at).cmp(&(&b.table, &b.opened_at)));
            }
        }
    }

    /// Takes in the server's list of open tabs (a reload): a tab no longer
    /// in it was closed meanwhile.
    pub fn take_all(&mut self, tabs: Vec<Tab>) {
        self.list.retain(|tab| tabs.iter().any(|t| t.id == tab.id));
        for tab in tabs {
            self.take(tab);
        }
    }

    /// Takes in an order's change (a status moved on the board): the tab
    /// it is on shows it, and counts its open orders again. The tab's own
    /// version and total do not move for that; an order joining the tab or
    /// cancelled on it does, and the page reads the tabs again: answers
    /// whether that is so (the order is on a tab not held here, just
    /// opened, new to its tab, or newly cancelled).
    pub fn order_changed(&mut self, order: Order) -> bool {
        let tab_id = order.tab_id.as_ref();
        let Some(tab) = self.list.iter_mut().find(|t| tab_id == Some(&t.id)) else {
            return tab_id.is_some();
        };
        let held = tab.orders.iter_mut().find(|o| o.id == order.id);
        let changes_total = held.as_ref().is_none_or(|held| {
            order.status == OrderStatus::Cancelled && held.status != OrderStatus::Cancelled
        });
        if let Some(held) = held.filter(|held| order.replaces(held)) {
            *held = order;
        }
        let open = tab.orders.iter().filter(|o| !o.status.is_final()).count();
        tab.open_orders = u32::try_from(open).unwrap_or(u32::MAX);
        changes_total
    }
}

/// How the bartender is splitting the tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Whole,
    Equal,
    ByLine,
}

impl Mode {
    /// Every mode, in the order the form offers them: with what the form's
    /// tab says, and a name for `data-mode`.
    pub const ALL: [(Mode, &'static str, &'static str); 3] = [
        (Mode::Whole, "Whole", "whole"),
        (Mode::Equal, "Equal parts", "equal"),
        (Mode::ByLine, "By line", "by_line"),
    ];
}

/// The close form's choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitForm {
    pub mode: Mode,
    /// Whole and equal parts: how everything is paid.
    pub method: PaymentMethod,
    /// Equal parts: how many.
    pub equal_parts: u32,
    /// By line: each part's method; its length is the number of parts.
    pub part_methods: Vec<PaymentMethod>,
    /// By line: the part (index into `part_methods`) of each line; a line
    /// not named is in the first part.
    pub line_parts: HashMap<LineRef, usize>,
}

impl Default for SplitForm {
    fn default() -> Self {
        SplitForm {
            mode: Mode::Whole,
            method: PaymentMethod::Card,
            equal_parts: 2,
            part_methods: vec![PaymentMethod::Card, PaymentMethod::Card],
            line_parts: HashMap::new(),
        }
    }
}

impl SplitForm {
    /// The part a line is in.
    pub fn part_of(&self, line: &LineRef) -> usize {
        let part = self.line_parts.get(line).copied();
        part.filter(|p| *p < self.part_methods.len()).unwrap_or(0)
    }

    /// Sets the number of by-line parts; lines of parts that went move to
    /// the first.
    pub fn set_part_count(&mut self, count: usize) {
        self.part_methods.resize(count, PaymentMethod::Card);
        self.line_parts.retain(|_, part| *part < count);
    }

    /// The split these choices make for `tab`.
    pub fn split(&self, tab: &Tab) -> TabSplit {
        match self.mode {
            Mode::Whole => TabSplit::Whole {
                method: self.method,
            },
            Mode::Equal => TabSplit::Equal {
                parts: self.equal_parts,
                method: self.method,
            },
            Mode::ByLine => TabSplit::ByLine {
                parts: (self.part_methods.iter().enumerate())
                    .map(|(part, method)| LinePart {
                        method: *method,
                        lines: (payable_lines(tab).into_iter())
                            .filter(|line| self.part_of(line) == part)
                            .collect(),
                    })
                    .collect(),
            },
        }
    }
}

/// Every line of every order of the tab that is not cancelled, in order.
pub fn payable_lines(tab: &Tab) -> Vec<LineRef> {
    tab.orders
        .iter()
        .filter(|o| o.status != OrderStatus::Cancelled)
        .flat_map(|o| (0..o.lines.len()).map(|at| line_ref(&o.id, at)))
        .collect()
}

/// Line `at` of the order `order_id`.
pub fn line_ref(order_id: &str, at: usize) -> LineRef {
    LineRef {
        order_id: order_id.to_owned(),
        line: u32::try_from(at).unwrap_or(u32::MAX),
    }
}

/// "3 orders".
pub fn orders_label(n: usize) -> String {
    format!("{n} order{}", if n == 1 { "" } else { "s" })
}

/// "2 orders still open — close anyway?" for the confirmation.
pub fn open_orders_question(open: u32) -> String {
    format!("{} still open — close anyway?", orders_label(open as usize))
}

#[cfg(test)]
mod tests {
    use shared::bar::{OrderLine, TabStatus};
    use shared::validate::tab_split;
    use OrderStatus::*;
    use TabStatus::*;

    use super::*;

    fn order(id: &str, status: OrderStatus, version: i64, prices: &[i64]) -> Order {
        Order {
            lines: prices
                .iter()
                .map(|p| OrderLine {
                    unit_price_cents: *p,
                    quantity: 1,
                    line_total_cents: *p,
                    ..OrderLine::default()
                })
                .collect(),
            total_cents: prices.iter().sum(),
            tab_id: Some("t".to_owned()),
            ..crate::board::tests::order(id, 1, status, version)
        }
    }

    fn tab(id: &str, table: &str, version: i64, status: TabStatus, orders: Vec<Order>) -> Tab {
        let kept = orders.iter().filter(|o| o.status != Cancelled);
        Tab {
            id: id.to_owned(),
            table: table.to_owned(),
            status,
            version,
            total_cents: kept.map(|o| o.total_cents).sum(),
            orders,
            ..Tab::default()
        }
    }

    #[test]
    fn tabs_sort_by_table_and_a_paid_one_leaves_for_good() {
        let mut tabs = Tabs::default();
        tabs.take(tab("b", "9", 1, Open, vec![]));
        tabs.take(tab("a", "12", 1, Open, vec![]));
        assert_eq!(tabs.list[0].id, "a", "labels sort as text");
        tabs.take(tab("b", "9", 3, Paid, vec![]));
        assert_eq!(tabs.list.len(), 1);
        // A late copy of the open tab does not bring it back.
        tabs.take(tab("b", "9", 2, Open, vec![]));
        assert_eq!(tabs.list.len(), 1);
        tabs.take_all(vec![tab("c", "1", 1, Open, vec![])]);
        assert_eq!(tabs.list.len(), 1, "a was closed meanwhile");
        assert!(tabs.list.iter().any(|t| t.id == "c"));
    }

    #[test]
    fn a_served_order_no_longer_counts_as_open() {
        let mut tabs = Tabs::default();
        let mut open = tab("t", "7", 1, Open, vec![order("a", Ready, 1, &[500])]);
        open.open_orders = 1;
        tabs.take(open);
        tabs.order_changed(order("a", Served, 4, &[500]));
        assert_eq!(tabs.list[0].open_orders, 0);
        assert_eq!(tabs.list[0].orders[0].status, Served);
    }

    #[test]
    fn a_new_order_on_a_tab_or_one_cancelled_asks_for_the_tabs_again() {
        let mut tabs = Tabs::default();
        let open = tab("t", "7", 1, Open, vec![order("a", Received, 1, &[500])]);
        tabs.take(open);
        let moved = order("a", Preparing, 2, &[500]);
        assert!(!tabs.order_changed(moved), "a step on leaves the total");
        assert!(tabs.order_changed(order("a", Cancelled, 3, &[500])));
        let new = order("b", Received, 1, &[300]);
        assert!(tabs.order_changed(new), "new to the tab");
        let mut elsewhere = order("c", Received, 1, &[300]);
        elsewhere.tab_id = Some("u".to_owned());
        assert!(tabs.order_changed(elsewhere), "a tab not shown yet");
        let mut no_tab = order("d", Received, 1, &[300]);
        no_tab.tab_id = None;
        assert!(!tabs.order_changed(no_tab));
    }

    #[test]
    fn the_form_puts_every_line_in_a_part_and_the_amounts_add_up() {
        let orders = vec![
            order("a", Served, 1, &[450, 600]),
            order("x", Cancelled, 1, &[999]),
        ];
        let t = tab("t", "7", 1, Open, orders);
        let mut form = SplitForm {
            mode: Mode::ByLine,
            ..SplitForm::default()
        };
        assert_eq!(payable_lines(&t).len(), 2);
        // Everything in the first part: the second is empty, refused.
        assert!(tab_split(&t, &form.split(&t)).is_err());
        form.line_parts.insert(line_ref("a", 1), 1);
        let paid = tab_split(&t, &form.split(&t)).unwrap();
        let amounts: Vec<i64> = paid.iter().map(|p| p.amount_cents).collect();
        assert_eq!(amounts, [450, 600]);
        form.set_part_count(3);
        let split = form.split(&t);
        assert!(tab_split(&t, &split).is_err(), "an empty third part");
        form.set_part_count(1);
        assert_eq!(form.part_of(&line_ref("a", 1)), 0);
    }

    #[test]
    fn orders_are_counted_in_words_and_the_question_counts_them() {
        assert_eq!(orders_label(1), "1 order");
        assert_eq!(orders_label(3), "3 orders");
        let question = open_orders_question;
        assert_eq!(question(1), "1 order still open — close anyway?");
        assert_eq!(question(2), "2 orders still open — close anyway?");
    }
}
