//! The open tabs as the Tabs page knows them (from the server's list, the
//! answers to closes and the live stream, in any order), and the close
//! form's choices turned into the split the server checks. The amounts the
//! form shows come from `shared::validate::tab_split`, the rule the server
//! applies, so what the screen says is what is stored.

use std::collections::{HashMap, HashSet};

use shared::bar::{LinePart, LineRef, Order, OrderStatus, PaymentMethod, Tab, TabSplit};

/// The open tabs, by table, then oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Tabs {
    pub(crate) list: Vec<Tab>,
    /// Tabs seen paid: a late copy of one while open never brings it back.
    paid: HashSet<String>,
}

impl Tabs {
    /// Takes in a tab as the server had it: a newer version replaces the
    /// one held, a paid one leaves the list.
    pub(crate) fn take(&mut self, tab: Tab) {
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
    pub(crate) fn take_all(&mut self, tabs: Vec<Tab>) {
        self.list
            .retain(|held| tabs.iter().any(|t| t.id == held.id));
        for tab in tabs {
            self.take(tab);
        }
    }

    /// Takes in an order's change (a status moved on the board): the tab
    /// it is on shows it, and counts its open orders again. The tab's own
    /// version and total do not move for that; an order joining the tab or
    /// cancelled on it does (see [`Tabs::changes_total`]), and the page
    /// reads the tabs again.
    pub(crate) fn order_changed(&mut self, order: Order) {
        let Some(tab) = self
            .list
            .iter_mut()
            .find(|t| order.tab_id.as_deref() == Some(t.id.as_str()))
        else {
            return;
        };
        if let Some(held) = tab.orders.iter_mut().find(|o| o.id == order.id) {
            if order.replaces(held) {
                *held = order;
            }
        }
        let open = tab.orders.iter().filter(|o| !o.status.is_final()).count();
        tab.open_orders = u32::try_from(open).unwrap_or(u32::MAX);
    }

    /// Whether `order`, as it is now, changes a tab's total and version:
    /// it is on a tab not held here (just opened), new to its tab, or
    /// newly cancelled.
    pub(crate) fn changes_total(&self, order: &Order) -> bool {
        let Some(tab_id) = order.tab_id.as_deref() else {
            return false;
        };
        let Some(tab) = self.list.iter().find(|t| t.id == tab_id) else {
            return true;
        };
        match tab.orders.iter().find(|o| o.id == order.id) {
            None => true,
            Some(held) => {
                order.status == OrderStatus::Cancelled && held.status != OrderStatus::Cancelled
            }
        }
    }

    /// The tab with `id`, if open.
    pub(crate) fn get(&self, id: &str) -> Option<&Tab> {
        self.list.iter().find(|t| t.id == id)
    }
}

/// How the bartender is splitting the tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Whole,
    Equal,
    ByLine,
}

impl Mode {
    /// Every mode, in the order the form offers them.
    pub(crate) const ALL: [Mode; 3] = [Mode::Whole, Mode::Equal, Mode::ByLine];

    /// What the form's tab says.
    pub(crate) const fn label(self) -> &'static str {
        match self {
            Mode::Whole => "Whole",
            Mode::Equal => "Equal parts",
            Mode::ByLine => "By line",
        }
    }

    /// A name for `data-mode`.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Mode::Whole => "whole",
            Mode::Equal => "equal",
            Mode::ByLine => "by_line",
        }
    }
}

/// The close form's choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SplitForm {
    pub(crate) mode: Mode,
    /// Whole and equal parts: how everything is paid.
    pub(crate) method: PaymentMethod,
    /// Equal parts: how many.
    pub(crate) equal_parts: u32,
    /// By line: each part's method; its length is the number of parts.
    pub(crate) part_methods: Vec<PaymentMethod>,
    /// By line: the part (index into `part_methods`) of each line; a line
    /// not named is in the first part.
    pub(crate) line_parts: HashMap<LineRef, usize>,
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
    pub(crate) fn part_of(&self, line: &LineRef) -> usize {
        self.line_parts
            .get(line)
            .copied()
            .filter(|p| *p < self.part_methods.len())
            .unwrap_or(0)
    }

    /// Sets the number of by-line parts; lines of parts that went move to
    /// the first.
    pub(crate) fn set_part_count(&mut self, count: usize) {
        self.part_methods.resize(count, PaymentMethod::Card);
        self.line_parts.retain(|_, part| *part < count);
    }

    /// The split these choices make for `tab`.
    pub(crate) fn split(&self, tab: &Tab) -> TabSplit {
        match self.mode {
            Mode::Whole => TabSplit::Whole {
                method: self.method,
            },
            Mode::Equal => TabSplit::Equal {
                parts: self.equal_parts,
                method: self.method,
            },
            Mode::ByLine => {
                let mut parts: Vec<LinePart> = self
                    .part_methods
                    .iter()
                    .map(|method| LinePart {
                        method: *method,
                        lines: Vec::new(),
                    })
                    .collect();
                for line in payable_lines(tab) {
                    let part = self.part_of(&line);
                    if let Some(part) = parts.get_mut(part) {
                        part.lines.push(line);
                    }
                }
                TabSplit::ByLine { parts }
            }
        }
    }
}

/// Every line of every order of the tab that is not cancelled, in order.
pub(crate) fn payable_lines(tab: &Tab) -> Vec<LineRef> {
    tab.orders
        .iter()
        .filter(|o| o.status != OrderStatus::Cancelled)
        .flat_map(|o| {
            (0..o.lines.len()).map(move |at| LineRef {
                order_id: o.id.clone(),
                line: u32::try_from(at).unwrap_or(u32::MAX),
            })
        })
        .collect()
}

/// "2 orders still open — close anyway?" for the confirmation.
pub(crate) fn open_orders_question(open: u32) -> String {
    match open {
        1 => "1 order still open — close anyway?".to_owned(),
        n => format!("{n} orders still open — close anyway?"),
    }
}

#[cfg(test)]
mod tests {
    use shared::bar::{OrderLine, TabStatus};
    use shared::validate::tab_split;

    use super::*;

    fn order(id: &str, status: OrderStatus, prices: &[i64]) -> Order {
        Order {
            id: id.to_owned(),
            number: 1,
            status,
            version: 1,
            lines: prices
                .iter()
                .map(|p| OrderLine {
                    item_id: "i".to_owned(),
                    name: "Drink".to_owned(),
                    unit_price_cents: *p,
                    quantity: 1,
                    line_total_cents: *p,
                    ..OrderLine::default()
                })
                .collect(),
            total_cents: prices.iter().sum(),
            tab_id: Some("t".to_owned()),
            ..Order::default()
        }
    }

    fn tab(id: &str, table: &str, version: i64, status: TabStatus, orders: Vec<Order>) -> Tab {
        Tab {
            id: id.to_owned(),
            table: table.to_owned(),
            status,
            version,
            total_cents: orders
                .iter()
                .filter(|o| o.status != OrderStatus::Cancelled)
                .map(|o| o.total_cents)
                .sum(),
            orders,
            opened_at: "2026-12-09T18:00:00Z".to_owned(),
            ..Tab::default()
        }
    }

    #[test]
    fn tabs_sort_by_table_and_a_paid_one_leaves_for_good() {
        let mut tabs = Tabs::default();
        tabs.take(tab("b", "9", 1, TabStatus::Open, Vec::new()));
        tabs.take(tab("a", "12", 1, TabStatus::Open, Vec::new()));
        assert_eq!(tabs.list[0].id, "a", "labels sort as text");
        tabs.take(tab("b", "9", 3, TabStatus::Paid, Vec::new()));
        assert_eq!(tabs.list.len(), 1);
        // A late copy of the open tab does not bring it back.
        tabs.take(tab("b", "9", 2, TabStatus::Open, Vec::new()));
        assert_eq!(tabs.list.len(), 1);
        tabs.take_all(vec![tab("c", "1", 1, TabStatus::Open, Vec::new())]);
        assert_eq!(tabs.list.len(), 1, "a was closed meanwhile");
        assert!(tabs.get("c").is_some());
    }

    #[test]
    fn a_served_order_no_longer_counts_as_open() {
        let mut tabs = Tabs::default();
        let mut open = tab(
            "t",
            "7",
            1,
            TabStatus::Open,
            vec![order("a", OrderStatus::Ready, &[500])],
        );
        open.open_orders = 1;
        tabs.take(open);
        let mut served = order("a", OrderStatus::Served, &[500]);
        served.version = 4;
        tabs.order_changed(served);
        assert_eq!(tabs.list[0].open_orders, 0);
        assert_eq!(tabs.list[0].orders[0].status, OrderStatus::Served);
    }

    #[test]
    fn a_new_order_on_a_tab_or_one_cancelled_asks_for_the_tabs_again() {
        let mut tabs = Tabs::default();
        tabs.take(tab(
            "t",
            "7",
            1,
            TabStatus::Open,
            vec![order("a", OrderStatus::Received, &[500])],
        ));
        let mut moved = order("a", OrderStatus::Preparing, &[500]);
        moved.version = 2;
        assert!(!tabs.changes_total(&moved), "a step on leaves the total");
        let mut cancelled = order("a", OrderStatus::Cancelled, &[500]);
        cancelled.version = 2;
        assert!(tabs.changes_total(&cancelled));
        assert!(
            tabs.changes_total(&order("b", OrderStatus::Received, &[300])),
            "new to the tab"
        );
        let mut elsewhere = order("c", OrderStatus::Received, &[300]);
        elsewhere.tab_id = Some("u".to_owned());
        assert!(tabs.changes_total(&elsewhere), "a tab not shown yet");
        let mut no_tab = order("d", OrderStatus::Received, &[300]);
        no_tab.tab_id = None;
        assert!(!tabs.changes_total(&no_tab));
    }

    #[test]
    fn the_form_puts_every_line_in_a_part_and_the_amounts_add_up() {
        let t = tab(
            "t",
            "7",
            1,
            TabStatus::Open,
            vec![
                order("a", OrderStatus::Served, &[450, 600]),
                order("x", OrderStatus::Cancelled, &[999]),
            ],
        );
        let mut form = SplitForm {
            mode: Mode::ByLine,
            ..SplitForm::default()
        };
        assert_eq!(payable_lines(&t).len(), 2);
        // Everything in the first part: the second is empty, refused.
        assert!(tab_split(&t, &form.split(&t)).is_err());
        form.line_parts.insert(
            LineRef {
                order_id: "a".to_owned(),
                line: 1,
            },
            1,
        );
        let paid = tab_split(&t, &form.split(&t)).unwrap();
        assert_eq!(
            paid.iter().map(|p| p.amount_cents).collect::<Vec<_>>(),
            [450, 600]
        );
        form.set_part_count(3);
        assert!(
            tab_split(&t, &form.split(&t)).is_err(),
            "an empty third part"
        );
        form.set_part_count(1);
        assert_eq!(
            form.part_of(&LineRef {
                order_id: "a".to_owned(),
                line: 1
            }),
            0
        );
    }

    #[test]
    fn the_question_counts_orders() {
        assert_eq!(
            open_orders_question(1),
            "1 order still open — close anyway?"
        );
        assert_eq!(
            open_orders_question(2),
            "2 orders still open — close anyway?"
        );
    }
}
