//! "All day": how many of each item the open orders still want made, the
//! way a kitchen calls it, so a bartender pours five lagers at once rather
//! than reading five tickets.

use std::collections::HashMap;

use shared::bar::{Order, OrderStatus};

/// One item of the strip: its name (with its options) and how many are
/// waiting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AllDay {
    pub name: String,
    pub count: u32,
}

/// The total quantity of each item and choice of options over the orders
/// that are received or preparing (ready ones are made already), most
/// first, then by name; on one station's screen (`station_id`) only the
/// lines it prepares count. Lines their station has marked ready are made
/// already, so they never count. Items are told apart by the name on the
/// ticket, which is what the bartender reads.
pub fn all_day(orders: &[Order], station_id: Option<&str>) -> Vec<AllDay> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for line in orders
        .iter()
        .filter(|o| matches!(o.status, OrderStatus::Received | OrderStatus::Preparing))
        .flat_map(|o| &o.lines)
        .filter(|l| !l.ready && station_id.is_none_or(|s| s == l.station_id))
    {
        // Counted by the name with its options, "House Lager (Half
        // pint)": a half pint and a pint are different pours. The same
        // options always read the same, in the menu's order.
        let count = counts.entry(line.described()).or_insert(0);
        *count = count.saturating_add(line.quantity);
    }
    let kept = counts.into_iter().filter(|(_, count)| *count > 0);
    let mut list: Vec<AllDay> = kept.map(|(name, count)| AllDay { name, count }).collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::bar::{ChosenOption, OrderLine};
    use OrderStatus::*;

    fn order(status: OrderStatus, lines: &[(&str, u32)]) -> Order {
        Order {
            status,
            lines: lines
                .iter()
                .map(|(name, quantity)| OrderLine {
                    name: (*name).to_owned(),
                    quantity: *quantity,
                    ..OrderLine::default()
                })
                .collect(),
            ..Order::default()
        }
    }

    fn shown(list: &[AllDay]) -> Vec<(&str, u32)> {
        list.iter().map(|a| (a.name.as_str(), a.count)).collect()
    }

    #[test]
    fn counts_add_up_across_orders_most_first_then_by_name() {
        let orders = [
            order(Received, &[("House Lager", 2), ("Negroni", 1)]),
            order(Preparing, &[("House Lager", 3), ("Cola", 1)]),
            order(Received, &[("Negroni", 1), ("Aperol Spritz", 1)]),
        ];
        assert_eq!(
            shown(&all_day(&orders, None)),
            [
                ("House Lager", 5),
                ("Negroni", 2),
                ("Aperol Spritz", 1),
                ("Cola", 1)
            ]
        );
    }

    #[test]
    fn only_orders_still_to_be_made_count() {
        let orders = [
            order(Ready, &[("House Lager", 4)]),
            order(Served, &[("Negroni", 1)]),
            order(Cancelled, &[("Cola", 2)]),
            order(Preparing, &[("Cola", 1)]),
        ];
        assert_eq!(shown(&all_day(&orders, None)), [("Cola", 1)]);
        assert!(all_day(&[], None).is_empty());
    }

    #[test]
    fn the_same_item_on_two_lines_of_one_order_counts_once_in_total() {
        // Two lines with different notes ("one without ice").
        let orders = [order(Received, &[("Negroni", 1), ("Negroni", 2)])];
        assert_eq!(shown(&all_day(&orders, None)), [("Negroni", 3)]);
    }

    /// An order of lagers: a line for each (quantity, options).
    fn lagers(status: OrderStatus, lines: &[(u32, &[&str])]) -> Order {
        let quantities: Vec<_> = lines.iter().map(|l| ("Lager", l.0)).collect();
        let mut order = order(status, &quantities);
        for (line, (_, names)) in order.lines.iter_mut().zip(lines) {
            line.options = names
                .iter()
                .map(|name| ChosenOption {
                    id: name.to_lowercase(),
                    group: "G".to_owned(),
                    name: (*name).to_owned(),
                    price_delta_cents: 0,
                })
                .collect();
        }
        order
    }

    #[test]
    fn each_choice_of_options_is_counted_apart_and_named_with_them() {
        let orders = [
            lagers(Received, &[(2, &["Half pint"]), (1, &[])]),
            lagers(Preparing, &[(3, &["Pint"]), (1, &["Half pint"])]),
            lagers(Received, &[(1, &["Half pint", "Lime"])]),
        ];
        assert_eq!(
            shown(&all_day(&orders, None)),
            [
                ("Lager (Half pint)", 3),
                ("Lager (Pint)", 3),
                ("Lager", 1),
                ("Lager (Half pint, Lime)", 1),
            ]
        );
    }
}
