//! The rules for what people type into the bar's forms, one copy for the
//! server (which enforces them) and the apps (which say what to fix before
//! sending). Each answers the cleaned value or a sentence saying what to fix.

use crate::bar::{
    format_price, parse_price, Allergen, DESCRIPTION_MAX_LEN, MENU_NAME_MAX_LEN, PRICE_MAX_CENTS,
    REASON_MAX_LEN,
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
    fn a_cancel_reason_is_required_short_and_on_one_line() {
        assert_eq!(cancel_reason(" out of ice ").unwrap(), "out of ice");
        assert!(cancel_reason("  ").is_err());
        assert!(cancel_reason(&"r".repeat(REASON_MAX_LEN + 1)).is_err());
        assert!(cancel_reason("a\u{7}b").is_err());
    }
}
