//! The rules for what people type into the bar's forms, one copy for the
//! server (which enforces them) and the apps (which say what to fix before
//! sending). Each answers the cleaned value or a sentence saying what to fix.

use std::collections::HashSet;

use crate::bar::{
    format_price, parse_price, Allergen, ChosenOption, LineRef, MenuItem, OptionGroupInput,
    OrderStatus, Tab, TabPayment, TabSplit, TicketTimers, DESCRIPTION_MAX_LEN, MENU_NAME_MAX_LEN,
    OPTIONS_PER_GROUP_MAX, OPTION_GROUPS_MAX, PRICE_MAX_CENTS, REASON_MAX_LEN,
    STATION_NAME_MAX_LEN, TABLE_MAX_LEN, TAB_SPLIT_MAX, TIMER_MAX_SECS, TIMER_MIN_SECS,
};

/// What a name belongs to, for the messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Category,
    Item,
}

impl Named {
    fn noun(self) -> &'static str {
        match self {
            Named::Category => "category",
            Named::Item => "item",
        }
    }
}

/// A category's or item's name: trimmed, not empty, at most
/// [`MENU_NAME_MAX_LEN`] characters, on one line.
pub fn menu_name(raw: &str, what: Named) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(format!("Give the {} a name.", what.noun()));
    }
    if name.chars().count() > MENU_NAME_MAX_LEN || name.chars().any(char::is_control) {
        return Err(format!(
            "The {} name can be at most {MENU_NAME_MAX_LEN} characters, on one line.",
            what.noun()
        ));
    }
    Ok(name.to_owned())
}

/// A station's name: trimmed, not empty, at most [`STATION_NAME_MAX_LEN`]
/// characters, on one line.
pub fn station_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("Give the station a name.".to_owned());
    }
    if name.chars().count() > STATION_NAME_MAX_LEN || name.chars().any(char::is_control) {
        return Err(format!(
            "The station name can be at most {STATION_NAME_MAX_LEN} characters, on one line."
        ));
    }
    Ok(name.to_owned())
}

/// An item's description: trimmed, at most [`DESCRIPTION_MAX_LEN`] characters.
pub fn description(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.chars().count() > DESCRIPTION_MAX_LEN {
        return Err(format!(
            "The description can be at most {DESCRIPTION_MAX_LEN} characters."
        ));
    }
    Ok(text.to_owned())
}

/// A price in cents: 0 to [`PRICE_MAX_CENTS`].
pub fn price_cents(cents: i64) -> Result<i64, String> {
    if (0..=PRICE_MAX_CENTS).contains(&cents) {
        Ok(cents)
    } else {
        Err(format!(
            "The price must be between 0.00 and {}.",
            format_price(PRICE_MAX_CENTS)
        ))
    }
}

/// A price as typed ("6.50", "6,50", "6"): its cents, checked.
pub fn typed_price(text: &str) -> Result<i64, String> {
    let cents = parse_price(text).ok_or_else(|| "Enter the price like 6.50.".to_owned())?;
    price_cents(cents)
}

/// An item's allergens as a set: each once, in the law's order
/// ([`Allergen::ALL`]). Never refuses: an allergen named twice says nothing
/// different from naming it once, so repeats are dropped rather than
/// answered with an error. Unknown names never get this far (reading the
/// request refuses them).
pub fn allergens(list: &[Allergen]) -> Vec<Allergen> {
    let mut set = list.to_vec();
    set.sort_unstable();
    set.dedup();
    set
}

/// The ticket timers: each from [`TIMER_MIN_SECS`] (a minute) to
/// [`TIMER_MAX_SECS`] (a day), and amber strictly before red, or a ticket
/// would skip its amber stage. The sentences speak of minutes and hours,
/// which read right both under the admin's form (in minutes) and in an
/// answer of the API (in seconds).
pub fn ticket_timers(timers: TicketTimers) -> Result<TicketTimers, String> {
    let in_range = |secs: u32| (TIMER_MIN_SECS..=TIMER_MAX_SECS).contains(&secs);
    if !in_range(timers.amber_after_secs) {
        return Err("The amber timer must be between 1 minute and 24 hours.".to_owned());
    }
    if !in_range(timers.red_after_secs) {
        return Err("The red timer must be between 1 minute and 24 hours.".to_owned());
    }
    if timers.amber_after_secs >= timers.red_after_secs {
        return Err(
            "A ticket turns amber before it turns red: set the red timer later than the amber one."
                .to_owned(),
        );
    }
    Ok(timers)
}

/// Minutes as typed in a form ("5", "2.5", "2,5"): whole seconds. Only the
/// reading is checked here; the range is [`ticket_timers`]'s.
pub fn typed_minutes(text: &str) -> Result<u32, String> {
    let unreadable = || "Enter each timer in minutes, like 5.".to_owned();
    let text = text.trim().replace(',', ".");
    // `parse` alone would take "inf", "NaN" and "1e3".
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(unreadable());
    }
    let minutes: f64 = text.parse().map_err(|_| unreadable())?;
    let secs = (minutes * 60.0).round();
    if secs > f64::from(u32::MAX) {
        return Err("Each timer must be between 1 minute and 24 hours.".to_owned());
    }
    // In range and whole, so the cast loses nothing.
    Ok(secs as u32)
}

/// A table label, for an order or a call for staff: trimmed, not empty, at
/// most [`TABLE_MAX_LEN`] characters, on one line.
pub fn table(raw: &str) -> Result<String, String> {
    let table = raw.trim();
    if table.is_empty() {
        return Err("Enter your table number, so the bar knows where you are.".to_owned());
    }
    if table.chars().count() > TABLE_MAX_LEN || table.chars().any(char::is_control) {
        return Err(format!(
            "The table can be at most {TABLE_MAX_LEN} characters, on one line."
        ));
    }
    Ok(table.to_owned())
}

/// Why an order is cancelled: trimmed, not empty, at most
/// [`REASON_MAX_LEN`] characters, on one line.
pub fn cancel_reason(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("Say why the order is cancelled, in a few words.".to_owned());
    }
    if text.chars().count() > REASON_MAX_LEN || text.chars().any(char::is_control) {
        return Err(format!(
            "The reason can be at most {REASON_MAX_LEN} characters, on one line."
        ));
    }
    Ok(text.to_owned())
}

/// The ids of an item's option groups and of its options, as they are
/// now: those a new list of its groups may keep, each in its own kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownIds<'a> {
    pub groups: Vec<&'a str>,
    pub options: Vec<&'a str>,
}

impl<'a> KnownIds<'a> {
    /// The ids of `groups` and their options.
    pub fn of(groups: &'a [crate::bar::OptionGroup]) -> KnownIds<'a> {
        KnownIds {
            groups: groups.iter().map(|g| g.id.as_str()).collect(),
            options: groups
                .iter()
                .flat_map(|g| g.options.iter().map(|o| o.id.as_str()))
                .collect(),
        }
    }
}

/// A name inside an item's options: trimmed, not empty, at most
/// [`MENU_NAME_MAX_LEN`] characters, on one line; `what` says whose name it
/// is in the sentences ("option group 2", "an option of “Size”").
fn option_name(raw: &str, what: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(format!("Give {what} a name."));
    }
    if name.chars().count() > MENU_NAME_MAX_LEN || name.chars().any(char::is_control) {
        return Err(format!(
            "The name of {what} can be at most {MENU_NAME_MAX_LEN} characters, on one line."
        ));
    }
    Ok(name.to_owned())
}

/// An item's option groups as an admin sends them: names trimmed, on one
/// line and distinct (groups within the item, options within their group);
/// at most [`OPTION_GROUPS_MAX`] groups of 1 to [`OPTIONS_PER_GROUP_MAX`]
/// options; each group allows 1 to as many choices as it has options, its
/// minimum no more than its maximum; each price difference within
/// [`PRICE_MAX_CENTS`] either way. `known` holds the ids of the item's
/// groups and options now: a kept group id must be one of its groups', a
/// kept option id one of its options', each appearing once, so ids stay
/// unique within the item.
pub fn option_groups(
    groups: &[OptionGroupInput],
    known: &KnownIds<'_>,
) -> Result<Vec<OptionGroupInput>, String> {
    if groups.len() > OPTION_GROUPS_MAX {
        return Err(format!(
            "An item can have at most {OPTION_GROUPS_MAX} option groups."
        ));
    }
    let mut ids: HashSet<String> = HashSet::new();
    let mut keep_id = |id: &Option<String>, pool: &[&str]| -> Result<Option<String>, String> {
        let Some(id) = id.as_deref() else {
            return Ok(None);
        };
        let id = pool.iter().copied().find(|k| *k == id).ok_or_else(|| {
            "An option or group id must be one this item has now; leave the id out for a new one."
                .to_owned()
        })?;
        if !ids.insert(id.to_owned()) {
            return Err("An option or group id appears twice.".to_owned());
        }
        Ok(Some(id.to_owned()))
    };
    let mut group_names: HashSet<String> = HashSet::new();
    let mut cleaned = Vec::with_capacity(groups.len());
    for (i, group) in groups.iter().enumerate() {
        let name = option_name(&group.name, &format!("option group {}", i + 1))?;
        if !group_names.insert(name.to_lowercase()) {
            return Err(format!(
                "Two option groups are called “{name}”: give each its own name."
            ));
        }
        let count = group.options.len();
        if count == 0 {
            return Err(format!("“{name}” needs at least one option."));
        }
        if count > OPTIONS_PER_GROUP_MAX {
            return Err(format!(
                "“{name}” can have at most {OPTIONS_PER_GROUP_MAX} options."
            ));
        }
        if group.max_choices == 0 || group.max_choices as usize > count {
            return Err(format!(
                "In “{name}”, the most a guest can choose must be between 1 and {count} (the number of options)."
            ));
        }
        if group.min_choices > group.max_choices {
            return Err(format!(
                "In “{name}”, the fewest choices cannot be more than the most."
            ));
        }
        let mut option_names: HashSet<String> = HashSet::new();
        let mut options = Vec::with_capacity(count);
        for option in &group.options {
            let option_name = option_name(&option.name, &format!("each option of “{name}”"))?;
            if !option_names.insert(option_name.to_lowercase()) {
                return Err(format!(
                    "“{name}” has two options called “{option_name}”: give each its own name."
                ));
            }
            if option.price_delta_cents.abs() > PRICE_MAX_CENTS {
                return Err(format!(
                    "The price difference of “{option_name}” must be between -{max} and +{max}.",
                    max = format_price(PRICE_MAX_CENTS)
                ));
            }
            options.push(crate::bar::ItemOptionInput {
                id: keep_id(&option.id, &known.options)?,
                name: option_name,
                price_delta_cents: option.price_delta_cents,
                available: option.available,
            });
        }
        cleaned.push(OptionGroupInput {
            id: keep_id(&group.id, &known.groups)?,
            name,
            min_choices: group.min_choices,
            max_choices: group.max_choices,
            options,
        });
    }
    Ok(cleaned)
}

/// The lowest price an item can reach with its options: its price plus,
/// in each group, the largest discounts a guest may pick. It must not fall
/// below zero, or some choice would be free or pay the guest.
pub fn option_prices(price_cents: i64, groups: &[OptionGroupInput]) -> Result<(), String> {
    let lowest: i64 = groups
        .iter()
        .map(|g| {
            let mut discounts: Vec<i64> = g
                .options
                .iter()
                .map(|o| o.price_delta_cents)
                .filter(|d| *d < 0)
                .collect();
            discounts.sort_unstable();
            discounts.iter().take(g.max_choices as usize).sum::<i64>()
        })
        .sum();
    if price_cents + lowest < 0 {
        return Err(format!(
            "With these options the price could fall to {}: make the discounts smaller than the item's price.",
            format_price(price_cents + lowest)
        ));
    }
    Ok(())
}

/// What a guest chose for one line, checked against the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// In the menu's order, whatever order they were sent in.
    pub options: Vec<ChosenOption>,
    /// The item's price with the options' differences.
    pub unit_price_cents: i64,
}

/// Why a choice of options does not fit an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChoiceError {
    /// An id that is none of the item's options (cut to 40 characters).
    Unknown(String),
    /// An option, by name, chosen twice.
    Repeated(String),
    /// A group, by name, with fewer choices than it needs, and its rule.
    TooFew { group: String, rule: String },
    /// A group, by name, with more choices than it allows, and its rule.
    TooMany { group: String, rule: String },
    /// An option, by name, that is sold out right now.
    SoldOut(String),
}

impl ChoiceError {
    /// A sentence for people about the item called `item`.
    pub fn message(&self, item: &str) -> String {
        match self {
            ChoiceError::Unknown(id) => {
                format!("\"{id}\" is not an option of {item}. Reload the menu and choose again.")
            }
            ChoiceError::Repeated(name) => format!("{item}: “{name}” is chosen twice."),
            ChoiceError::TooFew { group, rule } | ChoiceError::TooMany { group, rule } => {
                format!("{item}: {group}, {rule}.")
            }
            ChoiceError::SoldOut(name) => {
                format!("{item}: “{name}” is sold out right now; choose another.")
            }
        }
    }
}

/// Checks the options `chosen` (ids) for one line of `item`: each one of
/// its options, once, available, and each group's count within its rule;
/// answers the options as the line keeps them and the price of one.
pub fn choose(item: &MenuItem, chosen: &[String]) -> Result<Choice, ChoiceError> {
    for id in chosen {
        if !item
            .option_groups
            .iter()
            .any(|g| g.options.iter().any(|o| &o.id == id))
        {
            return Err(ChoiceError::Unknown(id.chars().take(40).collect()));
        }
    }
    let mut options = Vec::new();
    let mut unit_price_cents = item.price_cents;
    for group in &item.option_groups {
        let mut count = 0;
        for option in &group.options {
            match chosen.iter().filter(|id| **id == option.id).count() {
                0 => continue,
                1 => {}
                _ => return Err(ChoiceError::Repeated(option.name.clone())),
            }
            if !option.available {
                return Err(ChoiceError::SoldOut(option.name.clone()));
            }
            count += 1;
            unit_price_cents += option.price_delta_cents;
            options.push(ChosenOption {
                id: option.id.clone(),
                group: group.name.clone(),
                name: option.name.clone(),
                price_delta_cents: option.price_delta_cents,
            });
        }
        if count < group.min_choices {
            return Err(ChoiceError::TooFew {
                group: group.name.clone(),
                rule: group.rule(),
            });
        }
        if count > group.max_choices {
            return Err(ChoiceError::TooMany {
                group: group.name.clone(),
                rule: group.rule(),
            });
        }
    }
    Ok(Choice {
        options,
        // Saved items cannot go below zero (`option_prices`); the floor
        // keeps an item saved before a rule change from paying the guest.
        unit_price_cents: unit_price_cents.max(0),
    })
}

/// Why a split does not fit a tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// Equal parts or by-line parts outside 2..=[`TAB_SPLIT_MAX`].
    PartCount(u32),
    /// A by-line part (numbered from 1) with no line.
    EmptyPart(u32),
    /// A line that is on no order of the tab.
    UnknownLine(LineRef),
    /// A line of a cancelled order (nothing to pay for it).
    CancelledLine(LineRef),
    /// A line named in two parts, or twice in one.
    RepeatedLine(LineRef),
    /// A line of the tab that no part pays for (its order's number, the
    /// line's name).
    MissingLine { number: i64, name: String },
}

impl SplitError {
    /// The API's code for it.
    pub const fn code(&self) -> &'static str {
        match self {
            SplitError::PartCount(_) => "invalid_parts",
            SplitError::EmptyPart(_) => "empty_part",
            SplitError::UnknownLine(_) => "unknown_line",
            SplitError::CancelledLine(_) => "cancelled_line",
            SplitError::RepeatedLine(_) => "repeated_line",
            SplitError::MissingLine { .. } => "missing_line",
        }
    }

    /// A sentence for people.
    pub fn message(&self) -> String {
        match self {
            SplitError::PartCount(n) => {
                format!("A tab is split into 2 to {TAB_SPLIT_MAX} parts, not {n}.")
            }
            SplitError::EmptyPart(n) => {
                format!("Part {n} has no lines: give it one or remove it.")
            }
            SplitError::UnknownLine(r) => format!(
                "Line {} of order {} is not on this tab. Reload the tab and split it again.",
                u64::from(r.line) + 1,
                short_id(&r.order_id)
            ),
            SplitError::CancelledLine(r) => format!(
                "Line {} of order {} was cancelled; there is nothing to pay for it.",
                u64::from(r.line) + 1,
                short_id(&r.order_id)
            ),
            SplitError::RepeatedLine(r) => format!(
                "Line {} of order {} is in more than one part.",
                u64::from(r.line) + 1,
                short_id(&r.order_id)
            ),
            SplitError::MissingLine { number, name } => {
                format!("{name} (order {number}) is in no part: every line must be paid.")
            }
        }
    }
}

fn short_id(id: &str) -> String {
    id.chars().take(40).collect()
}

/// Checks how staff split `tab` and answers the payments it makes, in
/// order: one of the total for a whole payment; for equal parts the total
/// divided, the odd cents one each to the first parts; by line, each part
/// the sum of its lines, every line of every order not cancelled in
/// exactly one part. The payments always add up to the tab's total.
pub fn tab_split(tab: &Tab, split: &TabSplit) -> Result<Vec<TabPayment>, SplitError> {
    match split {
        TabSplit::Whole { method } => Ok(vec![TabPayment {
            amount_cents: tab.total_cents,
            method: *method,
            lines: Vec::new(),
        }]),
        TabSplit::Equal { parts, method } => {
            if !(2..=TAB_SPLIT_MAX).contains(parts) {
                return Err(SplitError::PartCount(*parts));
            }
            let n = i64::from(*parts);
            let base = tab.total_cents.div_euclid(n);
            let odd = tab.total_cents.rem_euclid(n);
            Ok((0..n)
                .map(|i| TabPayment {
                    amount_cents: base + i64::from(i < odd),
                    method: *method,
                    lines: Vec::new(),
                })
                .collect())
        }
        TabSplit::ByLine { parts } => by_line(tab, parts),
    }
}

fn by_line(tab: &Tab, parts: &[crate::bar::LinePart]) -> Result<Vec<TabPayment>, SplitError> {
    let count = u32::try_from(parts.len()).unwrap_or(u32::MAX);
    if !(2..=TAB_SPLIT_MAX).contains(&count) {
        return Err(SplitError::PartCount(count));
    }
    let mut seen: HashSet<&LineRef> = HashSet::new();
    let mut payments = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        if part.lines.is_empty() {
            return Err(SplitError::EmptyPart(
                u32::try_from(i + 1).unwrap_or(u32::MAX),
            ));
        }
        let mut amount_cents = 0_i64;
        for r in &part.lines {
            let order = tab.orders.iter().find(|o| o.id == r.order_id);
            let line =
                order.and_then(|o| usize::try_from(r.line).ok().and_then(|at| o.lines.get(at)));
            let (Some(order), Some(line)) = (order, line) else {
                return Err(SplitError::UnknownLine(r.clone()));
            };
            if order.status == OrderStatus::Cancelled {
                return Err(SplitError::CancelledLine(r.clone()));
            }
            if !seen.insert(r) {
                return Err(SplitError::RepeatedLine(r.clone()));
            }
            amount_cents += line.line_total_cents;
        }
        payments.push(TabPayment {
            amount_cents,
            method: part.method,
            lines: part.lines.clone(),
        });
    }
    for order in tab
        .orders
        .iter()
        .filter(|o| o.status != OrderStatus::Cancelled)
    {
        for (at, line) in order.lines.iter().enumerate() {
            let r = LineRef {
                order_id: order.id.clone(),
                line: u32::try_from(at).unwrap_or(u32::MAX),
            };
            if !seen.contains(&r) {
                return Err(SplitError::MissingLine {
                    number: order.number,
                    name: line.name.clone(),
                });
            }
        }
    }
    Ok(payments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bar::{LinePart, PaymentMethod};

    fn tab_order(id: &str, number: i64, status: OrderStatus, prices: &[i64]) -> crate::bar::Order {
        crate::bar::Order {
            id: id.to_owned(),
            number,
            customer_id: "c".to_owned(),
            customer_name: "Ann".to_owned(),
            table: "5".to_owned(),
            status,
            version: 1,
            lines: prices
                .iter()
                .enumerate()
                .map(|(i, p)| crate::bar::OrderLine {
                    item_id: format!("item{i}"),
                    name: format!("Drink {i}"),
                    unit_price_cents: *p,
                    quantity: 1,
                    line_total_cents: *p,
                    ..crate::bar::OrderLine::default()
                })
                .collect(),
            total_cents: prices.iter().sum(),
            created_at: "2026-12-09T18:00:00Z".to_owned(),
            updated_at: "2026-12-09T18:00:00Z".to_owned(),
            tab_id: Some("t".to_owned()),
            ..crate::bar::Order::default()
        }
    }

    fn a_tab(orders: Vec<crate::bar::Order>) -> Tab {
        let total_cents = orders
            .iter()
            .filter(|o| o.status != OrderStatus::Cancelled)
            .map(|o| o.total_cents)
            .sum();
        Tab {
            id: "t".to_owned(),
            table: "5".to_owned(),
            customer_id: "c".to_owned(),
            customer_name: "Ann".to_owned(),
            status: crate::bar::TabStatus::Open,
            version: 1,
            orders,
            total_cents,
            opened_at: "2026-12-09T18:00:00Z".to_owned(),
            ..Tab::default()
        }
    }

    fn at(order_id: &str, line: u32) -> LineRef {
        LineRef {
            order_id: order_id.to_owned(),
            line,
        }
    }

    fn part(method: PaymentMethod, lines: Vec<LineRef>) -> LinePart {
        LinePart { method, lines }
    }

    fn amounts(payments: &[TabPayment]) -> Vec<i64> {
        payments.iter().map(|p| p.amount_cents).collect()
    }

    #[test]
    fn a_whole_payment_is_the_total() {
        let tab = a_tab(vec![tab_order("a", 1, OrderStatus::Served, &[450, 600])]);
        let paid = tab_split(
            &tab,
            &TabSplit::Whole {
                method: PaymentMethod::Card,
            },
        )
        .unwrap();
        assert_eq!(amounts(&paid), vec![1050]);
        assert_eq!(paid[0].method, PaymentMethod::Card);
        assert!(paid[0].lines.is_empty());
    }

    #[test]
    fn equal_parts_give_the_odd_cents_to_the_first_parts_and_add_up() {
        let tab = a_tab(vec![tab_order("a", 1, OrderStatus::Served, &[1000])]);
        let split = |parts| TabSplit::Equal {
            parts,
            method: PaymentMethod::Cash,
        };
        assert_eq!(
            amounts(&tab_split(&tab, &split(3)).unwrap()),
            vec![334, 333, 333]
        );
        assert_eq!(
            amounts(&tab_split(&tab, &split(2)).unwrap()),
            vec![500, 500]
        );
        assert_eq!(
            amounts(&tab_split(&tab, &split(6)).unwrap()),
            vec![167, 167, 167, 167, 166, 166]
        );
        for parts in 2..=TAB_SPLIT_MAX {
            let paid = tab_split(&tab, &split(parts)).unwrap();
            assert_eq!(paid.len(), parts as usize);
            assert_eq!(paid.iter().map(|p| p.amount_cents).sum::<i64>(), 1000);
            let most = paid.iter().map(|p| p.amount_cents).max().unwrap();
            let least = paid.iter().map(|p| p.amount_cents).min().unwrap();
            assert!(most - least <= 1);
        }
    }

    #[test]
    fn equal_parts_of_a_small_or_empty_total() {
        let tab = a_tab(vec![tab_order("a", 1, OrderStatus::Served, &[1])]);
        let split = TabSplit::Equal {
            parts: 3,
            method: PaymentMethod::Cash,
        };
        assert_eq!(amounts(&tab_split(&tab, &split).unwrap()), vec![1, 0, 0]);
        let empty = a_tab(Vec::new());
        assert_eq!(amounts(&tab_split(&empty, &split).unwrap()), vec![0, 0, 0]);
    }

    #[test]
    fn equal_parts_outside_two_to_twenty_are_refused() {
        let tab = a_tab(vec![tab_order("a", 1, OrderStatus::Served, &[1000])]);
        for parts in [0, 1, TAB_SPLIT_MAX + 1, u32::MAX] {
            let err = tab_split(
                &tab,
                &TabSplit::Equal {
                    parts,
                    method: PaymentMethod::Cash,
                },
            )
            .unwrap_err();
            assert_eq!(err, SplitError::PartCount(parts));
            assert_eq!(err.code(), "invalid_parts");
        }
    }

    #[test]
    fn by_line_parts_pay_their_lines_sums() {
        let tab = a_tab(vec![
            tab_order("a", 1, OrderStatus::Served, &[450, 600]),
            tab_order("b", 2, OrderStatus::Ready, &[300]),
            tab_order("x", 3, OrderStatus::Cancelled, &[999]),
        ]);
        let split = TabSplit::ByLine {
            parts: vec![
                part(PaymentMethod::Card, vec![at("a", 0), at("b", 0)]),
                part(PaymentMethod::Cash, vec![at("a", 1)]),
            ],
        };
        let paid = tab_split(&tab, &split).unwrap();
        assert_eq!(amounts(&paid), vec![750, 600]);
        assert_eq!(
            paid.iter().map(|p| p.amount_cents).sum::<i64>(),
            tab.total_cents
        );
        assert_eq!(paid[0].lines, vec![at("a", 0), at("b", 0)]);
        assert_eq!(paid[1].method, PaymentMethod::Cash);
    }

    #[test]
    fn by_line_refuses_every_kind_of_bad_split() {
        let tab = a_tab(vec![
            tab_order("a", 1, OrderStatus::Served, &[450, 600]),
            tab_order("x", 2, OrderStatus::Cancelled, &[999]),
        ]);
        let check =
            |parts: Vec<LinePart>| tab_split(&tab, &TabSplit::ByLine { parts }).unwrap_err();
        let card = PaymentMethod::Card;
        assert_eq!(
            check(vec![part(card, vec![at("a", 0), at("a", 1)])]),
            SplitError::PartCount(1)
        );
        assert_eq!(check(Vec::new()), SplitError::PartCount(0));
        let many = (0..21).map(|_| part(card, vec![at("a", 0)])).collect();
        assert_eq!(check(many), SplitError::PartCount(21));
        assert_eq!(
            check(vec![
                part(card, vec![at("a", 0), at("a", 1)]),
                part(card, Vec::new())
            ]),
            SplitError::EmptyPart(2)
        );
        assert_eq!(
            check(vec![
                part(card, vec![at("a", 0)]),
                part(card, vec![at("a", 2)])
            ]),
            SplitError::UnknownLine(at("a", 2))
        );
        assert_eq!(
            check(vec![
                part(card, vec![at("a", 0)]),
                part(card, vec![at("zz", 0)])
            ]),
            SplitError::UnknownLine(at("zz", 0))
        );
        assert_eq!(
            check(vec![
                part(card, vec![at("a", 0), at("a", 1)]),
                part(card, vec![at("x", 0)])
            ]),
            SplitError::CancelledLine(at("x", 0))
        );
        assert_eq!(
            check(vec![
                part(card, vec![at("a", 0), at("a", 1)]),
                part(card, vec![at("a", 1)])
            ]),
            SplitError::RepeatedLine(at("a", 1))
        );
        assert_eq!(
            check(vec![
                part(card, vec![at("a", 0), at("a", 0)]),
                part(card, vec![at("a", 1)])
            ]),
            SplitError::RepeatedLine(at("a", 0))
        );
        let missing = check(vec![
            part(card, vec![at("a", 0)]),
            part(card, vec![at("a", 0)]),
        ]);
        assert_eq!(missing, SplitError::RepeatedLine(at("a", 0)));
        let missing = check(vec![
            part(card, vec![at("a", 0)]),
            part(PaymentMethod::Cash, vec![]),
        ]);
        assert_eq!(missing, SplitError::EmptyPart(2));
        let tab3 = a_tab(vec![tab_order(
            "a",
            7,
            OrderStatus::Served,
            &[450, 600, 100],
        )]);
        let err = tab_split(
            &tab3,
            &TabSplit::ByLine {
                parts: vec![part(card, vec![at("a", 0)]), part(card, vec![at("a", 1)])],
            },
        )
        .unwrap_err();
        assert_eq!(
            err,
            SplitError::MissingLine {
                number: 7,
                name: "Drink 2".to_owned()
            }
        );
        assert_eq!(err.code(), "missing_line");
        assert!(err.message().contains("Drink 2"));
    }

    #[test]
    fn station_names_are_trimmed_required_short_and_on_one_line() {
        assert_eq!(station_name("  Kitchen ").unwrap(), "Kitchen");
        assert_eq!(
            station_name(" \t ").unwrap_err(),
            "Give the station a name."
        );
        assert!(station_name(&"é".repeat(STATION_NAME_MAX_LEN)).is_ok());
        assert!(station_name(&"a".repeat(STATION_NAME_MAX_LEN + 1)).is_err());
        assert!(station_name("Bar\nTwo").is_err());
    }

    #[test]
    fn names_are_trimmed_required_short_and_on_one_line() {
        assert_eq!(menu_name("  Stout ", Named::Item).unwrap(), "Stout");
        assert_eq!(
            menu_name("   ", Named::Category).unwrap_err(),
            "Give the category a name."
        );
        assert!(menu_name(&"a".repeat(MENU_NAME_MAX_LEN), Named::Item).is_ok());
        assert!(menu_name(&"a".repeat(MENU_NAME_MAX_LEN + 1), Named::Item).is_err());
        assert!(menu_name("two\nlines", Named::Item).is_err());
        // Characters, not bytes.
        assert!(menu_name(&"é".repeat(MENU_NAME_MAX_LEN), Named::Item).is_ok());
    }

    #[test]
    fn descriptions_and_prices_have_limits() {
        assert_eq!(description("  crisp ").unwrap(), "crisp");
        assert!(description(&"d".repeat(DESCRIPTION_MAX_LEN + 1)).is_err());
        assert_eq!(price_cents(0), Ok(0));
        assert_eq!(price_cents(PRICE_MAX_CENTS), Ok(PRICE_MAX_CENTS));
        assert!(price_cents(-1).is_err());
        assert!(price_cents(PRICE_MAX_CENTS + 1).is_err());
        assert_eq!(typed_price("6.50"), Ok(650));
        assert!(typed_price("six").is_err());
    }

    #[test]
    fn allergens_are_a_set_in_the_laws_order() {
        use crate::bar::Allergen::*;
        assert_eq!(
            allergens(&[Milk, Gluten, Milk, Sulphites, Gluten]),
            [Gluten, Milk, Sulphites]
        );
        assert!(allergens(&[]).is_empty());
        assert_eq!(allergens(&Allergen::ALL), Allergen::ALL);
        let mut reversed = Allergen::ALL;
        reversed.reverse();
        assert_eq!(allergens(&reversed), Allergen::ALL);
    }

    #[test]
    fn ticket_timers_are_a_minute_to_a_day_amber_first() {
        let timers = |amber, red| TicketTimers {
            amber_after_secs: amber,
            red_after_secs: red,
        };
        assert_eq!(ticket_timers(timers(300, 600)), Ok(timers(300, 600)));
        assert_eq!(ticket_timers(timers(60, 61)), Ok(timers(60, 61)));
        assert_eq!(
            ticket_timers(timers(86_399, 86_400)),
            Ok(timers(86_399, 86_400))
        );
        assert!(ticket_timers(TicketTimers::default()).is_ok());
        let amber = ticket_timers(timers(59, 600)).unwrap_err();
        assert!(amber.contains("amber timer"), "{amber}");
        assert!(ticket_timers(timers(0, 600)).is_err());
        let red = ticket_timers(timers(300, 86_401)).unwrap_err();
        assert!(red.contains("red timer"), "{red}");
        let order = ticket_timers(timers(600, 600)).unwrap_err();
        assert!(order.contains("later than the amber"), "{order}");
        assert!(ticket_timers(timers(600, 300)).is_err());
    }

    #[test]
    fn minutes_are_read_as_whole_seconds() {
        assert_eq!(typed_minutes("5"), Ok(300));
        assert_eq!(typed_minutes(" 2.5 "), Ok(150));
        assert_eq!(typed_minutes("2,5"), Ok(150));
        assert_eq!(typed_minutes("1440"), Ok(86_400));
        assert_eq!(typed_minutes("0.01"), Ok(1));
        for bad in ["", "five", "-5", "1e3", "inf", "NaN", "1.2.3", "."] {
            assert!(typed_minutes(bad).is_err(), "{bad:?}");
        }
        assert!(typed_minutes("99999999999").is_err());
        // The range is the timers' rule, not the reading's.
        assert_eq!(typed_minutes("0"), Ok(0));
        assert!(ticket_timers(TicketTimers {
            amber_after_secs: typed_minutes("0").unwrap(),
            red_after_secs: 600
        })
        .is_err());
    }

    #[test]
    fn a_table_is_required_short_and_on_one_line() {
        assert_eq!(table(" 7 ").unwrap(), "7");
        assert_eq!(table("Terrace 2").unwrap(), "Terrace 2");
        assert!(table("").is_err());
        assert!(table("   ").is_err());
        assert!(table(&"t".repeat(TABLE_MAX_LEN)).is_ok());
        assert!(table(&"t".repeat(TABLE_MAX_LEN + 1)).is_err());
        // Characters, not bytes.
        assert!(table(&"é".repeat(TABLE_MAX_LEN)).is_ok());
        assert!(table("7\n8").is_err());
        assert!(table("7\u{0}").is_err());
    }

    #[test]
    fn a_cancel_reason_is_required_short_and_on_one_line() {
        assert_eq!(cancel_reason(" out of ice ").unwrap(), "out of ice");
        assert!(cancel_reason("  ").is_err());
        assert!(cancel_reason(&"r".repeat(REASON_MAX_LEN + 1)).is_err());
        assert!(cancel_reason("a\u{7}b").is_err());
    }

    fn input(name: &str, min: u32, max: u32, options: &[(&str, i64)]) -> OptionGroupInput {
        OptionGroupInput {
            id: None,
            name: name.to_owned(),
            min_choices: min,
            max_choices: max,
            options: options
                .iter()
                .map(|(n, d)| crate::bar::ItemOptionInput {
                    id: None,
                    name: (*n).to_owned(),
                    price_delta_cents: *d,
                    available: true,
                })
                .collect(),
        }
    }

    fn pint() -> MenuItem {
        use crate::bar::{ItemOption, OptionGroup};
        let option = |id: &str, name: &str, d: i64| ItemOption {
            id: id.to_owned(),
            name: name.to_owned(),
            price_delta_cents: d,
            available: true,
        };
        MenuItem {
            id: "lager".to_owned(),
            category_id: "c".to_owned(),
            name: "Lager".to_owned(),
            price_cents: 550,
            allergens: vec![],
            option_groups: vec![
                OptionGroup {
                    id: "size".to_owned(),
                    name: "Size".to_owned(),
                    min_choices: 1,
                    max_choices: 1,
                    options: vec![option("pint", "Pint", 0), option("half", "Half pint", -250)],
                },
                OptionGroup {
                    id: "extras".to_owned(),
                    name: "Extras".to_owned(),
                    min_choices: 0,
                    max_choices: 2,
                    options: vec![
                        option("lime", "Lime", 20),
                        option("shot", "Shot", 300),
                        option("ice", "Ice", 0),
                    ],
                },
            ],
            available: true,
            position: 1,
            ..MenuItem::default()
        }
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_choice_prices_the_line_and_keeps_the_menus_order() {
        let choice = choose(&pint(), &ids(&["shot", "half", "lime"])).unwrap();
        assert_eq!(choice.unit_price_cents, 550 - 250 + 20 + 300);
        let names: Vec<&str> = choice.options.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(names, ["Half pint", "Lime", "Shot"]);
        assert_eq!(choice.options[0].group, "Size");
        assert_eq!(
            choose(&pint(), &ids(&["pint"])).unwrap().unit_price_cents,
            550
        );
    }

    #[test]
    fn a_choice_must_fit_every_group_and_use_only_available_options_of_the_item() {
        let item = pint();
        assert!(
            matches!(choose(&item, &[]), Err(ChoiceError::TooFew { group, .. }) if group == "Size")
        );
        assert!(matches!(
            choose(&item, &ids(&["pint", "half"])),
            Err(ChoiceError::TooMany { .. })
        ));
        assert!(matches!(
            choose(&item, &ids(&["pint", "lime", "shot", "ice"])),
            Err(ChoiceError::TooMany { group, .. }) if group == "Extras"
        ));
        assert_eq!(
            choose(&item, &ids(&["pint", "oat"])),
            Err(ChoiceError::Unknown("oat".to_owned()))
        );
        assert_eq!(
            choose(&item, &ids(&["pint", "lime", "lime"])),
            Err(ChoiceError::Repeated("Lime".to_owned()))
        );
        let mut sold_out = pint();
        sold_out.option_groups[1].options[1].available = false;
        assert_eq!(
            choose(&sold_out, &ids(&["pint", "shot"])),
            Err(ChoiceError::SoldOut("Shot".to_owned()))
        );
        assert!(choose(&sold_out, &ids(&["pint", "lime"])).is_ok());
        let message = choose(&item, &[]).unwrap_err().message("Lager");
        assert_eq!(message, "Lager: Size, choose 1.");
    }

    #[test]
    fn option_groups_are_named_bounded_and_keep_only_known_ids() {
        let size = input(" Size ", 1, 1, &[(" Pint ", 0), ("Half pint", -250)]);
        let none = KnownIds::default();
        let cleaned = option_groups(std::slice::from_ref(&size), &none).unwrap();
        assert_eq!(cleaned[0].name, "Size");
        assert_eq!(cleaned[0].options[0].name, "Pint");
        assert!(option_groups(&[input("", 0, 1, &[("a", 0)])], &none).is_err());
        assert!(option_groups(&[input("Size", 0, 1, &[])], &none).is_err());
        assert!(option_groups(&[input("Size", 0, 0, &[("a", 0)])], &none).is_err());
        assert!(option_groups(&[input("Size", 0, 2, &[("a", 0)])], &none).is_err());
        assert!(option_groups(&[input("Size", 2, 1, &[("a", 0), ("b", 0)])], &none).is_err());
        assert!(option_groups(&[input("Size", 0, 1, &[("a", 0), ("A ", 0)])], &none).is_err());
        assert!(option_groups(&[size.clone(), input("size", 0, 1, &[("a", 0)])], &none).is_err());
        assert!(option_groups(&[input("S", 0, 1, &[("a", PRICE_MAX_CENTS + 1)])], &none).is_err());
        let many = vec![input("G", 0, 1, &[("a", 0)]); OPTION_GROUPS_MAX + 1];
        assert!(option_groups(&many, &none).is_err());

        let mut kept = size.clone();
        kept.id = Some("g1".to_owned());
        kept.options[0].id = Some("o1".to_owned());
        assert!(option_groups(std::slice::from_ref(&kept), &none).is_err());
        let known = KnownIds {
            groups: vec!["g1"],
            options: vec!["o1", "o2"],
        };
        let cleaned = option_groups(std::slice::from_ref(&kept), &known).unwrap();
        assert_eq!(cleaned[0].id.as_deref(), Some("g1"));
        assert_eq!(cleaned[0].options[1].id, None);
        let mut twice = kept.clone();
        twice.options[1].id = Some("o1".to_owned());
        assert!(option_groups(&[twice], &known).is_err());
        // An id keeps its kind: a group's id is no option's, nor the other
        // way round.
        let mut group_as_option = kept.clone();
        group_as_option.options[1].id = Some("g1".to_owned());
        assert!(option_groups(&[group_as_option], &known).is_err());
        let mut option_as_group = kept;
        option_as_group.id = Some("o2".to_owned());
        assert!(option_groups(&[option_as_group], &known).is_err());
    }

    #[test]
    fn options_cannot_take_an_item_below_zero() {
        let groups = [
            input("Size", 1, 1, &[("Pint", 0), ("Half", -300)]),
            input("Deals", 0, 2, &[("a", -100), ("b", -100), ("c", -200)]),
        ];
        assert!(option_prices(600, &groups).is_ok());
        assert!(option_prices(599, &groups).is_err());
        assert!(option_prices(0, &[]).is_ok());
    }
}
