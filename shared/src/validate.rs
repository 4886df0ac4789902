//! The rules for what people type into the bar's forms, one copy for the
//! server (which enforces them) and the apps (which say what to fix before
//! sending). Each answers the cleaned value or a sentence saying what to fix.

use crate::bar::{
    format_price, parse_price, Allergen, TicketTimers, DESCRIPTION_MAX_LEN, MENU_NAME_MAX_LEN,
    PRICE_MAX_CENTS, REASON_MAX_LEN, TABLE_MAX_LEN, TIMER_MAX_SECS, TIMER_MIN_SECS,
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
