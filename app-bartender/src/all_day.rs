//! "All day": how many of each item the open orders still want made, the
//! way a kitchen calls it, so a bartender pours five lagers at once rather
//! than reading five tickets.

use std::collections::HashMap;

use shared::bar::{Order, OrderStatus};

/// One item of the strip: its name (with its options) and how many are
/// waiting.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct AllDay {
    pub(crate) name: String,
    pub(crate) count: u32,
}

/// The total quantity of each item and choice of options over the orders
/// that are received or preparing (ready ones are made already), most
/// first, then by name. Items are told apart by the name on the ticket,
/// which is what the bartender reads.
pub(crate) fn all_day<'a>(orders: impl IntoIterator<Item = &'a Order>) -> Vec<AllDay> {
    all_day_at(orders, None)
}

/// [`all_day`] for one station's screen: only the lines it prepares
/// count. Lines their station has marked ready are made already, so they
/// never count.
pub(crate) fn all_day_at<'a>(
    orders: impl IntoIterator<Item = &'a Order>,
    station_id: Option<&str>,
) -> Vec<AllDay> {
    let mut counts: HashMap<String, u32> = HashMap::new();
    for order in orders {
        if !matches!(order.status, OrderStatus::Received | OrderStatus::Preparing) {
            continue;
        }
        for line in &order.lines {
            if line.ready || station_id.is_some_and(|s| s != line.station_id) {
                continue;
            }
            // Counted by the name with its options, "House Lager (Half
            // pint)": a half pint and a pint are different pours. The same
            // options always read the same, in the menu's order.
            let count = counts.entry(line.described()).or_insert(0);
            *count = count.saturating_add(line.quantity);
        }
    }
    let mut list: Vec<AllDay> = counts
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .map(|(name, count)| AllDay { name, count })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::bar::{ChosenOption, OrderLine};

    fn order(status: OrderStatus, lines: &[(&str, u32)]) -> Order {
        Order {
            id: "o".to_owned(),
            number: 1,
            status,
            version: 1,
            lines: lines
                .iter()
                .map(|(name, quantity)| OrderLine {
                    item_id: name.to_lowercase(),
                    name: (*name).to_owned(),
                    unit_price_cents: 500,
                    quantity: *quantity,
                    line_total_cents: 500 * i64::from(*quantity),
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
            order(OrderStatus::Received, &[("House Lager", 2), ("Negroni", 1)]),
            order(OrderStatus::Preparing, &[("House Lager", 3), ("Cola", 1)]),
            order(
                OrderStatus::Received,
                &[("Negroni", 1), ("Aperol Spritz", 1)],
            ),
        ];
        assert_eq!(
            shown(&all_day(&orders)),
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
            order(OrderStatus::Ready, &[("House Lager", 4)]),
            order(OrderStatus::Served, &[("Negroni", 1)]),
            order(OrderStatus::Cancelled, &[("Cola", 2)]),
            order(OrderStatus::Preparing, &[("Cola", 1)]),
        ];
        assert_eq!(shown(&all_day(&orders)), [("Cola", 1)]);
        assert!(all_day(&Vec::<Order>::new()).is_empty());
    }

    #[test]
    fn the_same_item_on_two_lines_of_one_order_counts_once_in_total() {
        // Two lines with different notes ("one without ice").
        let orders = [order(
            OrderStatus::Received,
            &[("Negroni", 1), ("Negroni", 2)],
        )];
        assert_eq!(shown(&all_day(&orders)), [("Negroni", 3)]);
    }

    /// Gives line `at` of `order` the options `names`.
    fn with_options(mut order: Order, at: usize, names: &[&str]) -> Order {
        order.lines[at].options = names
            .iter()
            .map(|name| ChosenOption {
                id: name.to_lowercase(),
                group: "G".to_owned(),
                name: (*name).to_owned(),
                price_delta_cents: 0,
            })
            .collect();
        order
    }

    #[test]
    fn each_choice_of_options_is_counted_apart_and_named_with_them() {
        let orders = [
            with_options(
                order(OrderStatus::Received, &[("Lager", 2), ("Lager", 1)]),
                0,
                &["Half pint"],
            ),
            with_options(
                with_options(
                    order(OrderStatus::Preparing, &[("Lager", 3), ("Lager", 1)]),
                    0,
                    &["Pint"],
                ),
                1,
                &["Half pint"],
            ),
            with_options(
                order(OrderStatus::Received, &[("Lager", 1)]),
                0,
                &["Half pint", "Lime"],
            ),
        ];
        assert_eq!(
            shown(&all_day(&orders)),
            [
                ("Lager (Half pint)", 3),
                ("Lager (Pint)", 3),
                ("Lager", 1),
                ("Lager (Half pint, Lime)", 1),
            ]
        );
    }
}
