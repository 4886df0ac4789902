//! The cart: what the customer is about to order, the table and the
//! idempotency key of the submission in progress. Kept in `localStorage`
//! so a reload or a locked phone loses nothing, and shared through context
//! so it survives moving between pages.

use std::collections::HashMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::bar::{
    MenuItem, NewOrderLine, NewOrderRequest, LINE_NOTE_MAX_LEN, ORDER_MAX_LINES,
    ORDER_NOTE_MAX_LEN, QUANTITY_MAX, TABLE_MAX_LEN,
};

use crate::browser;

/// `localStorage` key of the cart.
pub(crate) const CART_KEY: &str = "customer_cart";
/// `localStorage` key of the table.
pub(crate) const TABLE_KEY: &str = "customer_table";

/// One line of the cart. Name and price are shown from the menu and kept in
/// step with it; the server prices the order itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CartLine {
    pub(crate) item_id: String,
    pub(crate) name: String,
    pub(crate) unit_price_cents: i64,
    pub(crate) quantity: u32,
    #[serde(default)]
    pub(crate) note: String,
}

impl CartLine {
    pub(crate) fn total_cents(&self) -> i64 {
        self.unit_price_cents * i64::from(self.quantity)
    }
}

/// The cart as saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Cart {
    pub(crate) lines: Vec<CartLine>,
    #[serde(default)]
    pub(crate) note: String,
    /// The key of the submission in progress. Saved with the cart: if the
    /// answer to a placed order was lost and the page reloaded, the retry
    /// still names the same order.
    #[serde(default)]
    pub(crate) idempotency_key: Option<String>,
}

impl Cart {
    pub(crate) fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub(crate) fn total_cents(&self) -> i64 {
        self.lines.iter().map(CartLine::total_cents).sum()
    }

    pub(crate) fn item_count(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    pub(crate) fn quantity_of(&self, item_id: &str) -> u32 {
        self.line(item_id).map_or(0, |l| l.quantity)
    }

    pub(crate) fn line(&self, item_id: &str) -> Option<&CartLine> {
        self.lines.iter().find(|l| l.item_id == item_id)
    }

    /// Whether `item` can go in: below its quantity limit, and a new line
    /// only while the order has room for one.
    pub(crate) fn can_add(&self, item_id: &str) -> bool {
        match self.line(item_id) {
            Some(line) => line.quantity < QUANTITY_MAX,
            None => self.lines.len() < ORDER_MAX_LINES,
        }
    }

    /// One more of `item`; a new line if it is not in the cart yet.
    pub(crate) fn add(&mut self, item: &MenuItem) {
        if !self.can_add(&item.id) {
            return;
        }
        match self.lines.iter_mut().find(|l| l.item_id == item.id) {
            Some(line) => line.quantity += 1,
            None => self.lines.push(CartLine {
                item_id: item.id.clone(),
                name: item.name.clone(),
                unit_price_cents: item.price_cents,
                quantity: 1,
                note: String::new(),
            }),
        }
    }

    /// One more of a line already in the cart.
    pub(crate) fn increase(&mut self, item_id: &str) {
        if let Some(line) = self.lines.iter_mut().find(|l| l.item_id == item_id) {
            line.quantity = (line.quantity + 1).min(QUANTITY_MAX);
        }
    }

    /// One less; the line goes at zero.
    pub(crate) fn decrease(&mut self, item_id: &str) {
        if let Some(line) = self.lines.iter_mut().find(|l| l.item_id == item_id) {
            line.quantity = line.quantity.saturating_sub(1);
        }
        self.lines.retain(|l| l.quantity > 0);
    }

    pub(crate) fn remove(&mut self, item_id: &str) {
        self.lines.retain(|l| l.item_id != item_id);
    }

    pub(crate) fn set_line_note(&mut self, item_id: &str, note: String) {
        if let Some(line) = self.lines.iter_mut().find(|l| l.item_id == item_id) {
            line.note = note;
        }
    }

    /// Takes names and prices from the menu. Returns whether anything
    /// changed, so an unchanged menu notifies nobody.
    pub(crate) fn follow_menu(&mut self, items: &HashMap<String, MenuItem>) -> bool {
        let mut changed = false;
        for line in &mut self.lines {
            if let Some(item) = items.get(&line.item_id) {
                if line.name != item.name || line.unit_price_cents != item.price_cents {
                    line.name = item.name.clone();
                    line.unit_price_cents = item.price_cents;
                    changed = true;
                }
            }
        }
        changed
    }

    /// The order to send for `table`, or why it cannot be sent yet.
    pub(crate) fn to_request(&self, table: &str) -> Result<NewOrderRequest, String> {
        if self.lines.is_empty() {
            return Err("Your cart is empty.".to_owned());
        }
        let table = shared::validate::table(table)?;
        if self.lines.len() > ORDER_MAX_LINES {
            return Err(format!(
                "An order can have at most {ORDER_MAX_LINES} different items."
            ));
        }
        if let Some(line) = self
            .lines
            .iter()
            .find(|l| l.note.trim().chars().count() > LINE_NOTE_MAX_LEN)
        {
            return Err(format!(
                "The note for {} can be at most {LINE_NOTE_MAX_LEN} characters.",
                line.name
            ));
        }
        if self.note.trim().chars().count() > ORDER_NOTE_MAX_LEN {
            return Err(format!(
                "The order note can be at most {ORDER_NOTE_MAX_LEN} characters."
            ));
        }
        let note = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        Ok(NewOrderRequest {
            table,
            lines: self
                .lines
                .iter()
                .map(|l| NewOrderLine {
                    item_id: l.item_id.clone(),
                    quantity: l.quantity.clamp(1, QUANTITY_MAX),
                    note: note(&l.note),
                })
                .collect(),
            note: note(&self.note),
        })
    }
}

/// A table label from a link or the input: trimmed, at most
/// [`TABLE_MAX_LEN`] characters.
pub(crate) fn clean_table(text: &str) -> String {
    text.trim().chars().take(TABLE_MAX_LEN).collect()
}

/// The cart and the table, shared by every page of the app.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CartStore {
    pub(crate) cart: RwSignal<Cart>,
    pub(crate) table: RwSignal<String>,
}

impl CartStore {
    /// Creates the store from what this browser saved and keeps saving it.
    ///
    /// Reading storage while hydrating is safe here: nothing shows the cart
    /// before the session is known, which is after hydration.
    pub(crate) fn provide() -> CartStore {
        let cart = browser::load(CART_KEY)
            .and_then(|json| serde_json::from_str::<Cart>(&json).ok())
            .unwrap_or_default();
        let table = browser::load(TABLE_KEY).unwrap_or_default();
        let store = CartStore {
            cart: RwSignal::new(cart),
            table: RwSignal::new(clean_table(&table)),
        };
        // Effects run only in the browser, so the server never writes.
        // Nothing to keep, nothing stored: a browser that never ordered
        // holds only the session's keys.
        Effect::new(move |_| {
            let json = store
                .cart
                .with(|cart| (*cart != Cart::default()).then(|| serde_json::to_string(cart)));
            match json {
                None => browser::forget(CART_KEY),
                Some(Ok(json)) => browser::save(CART_KEY, &json),
                Some(Err(e)) => leptos::logging::warn!("could not save the cart: {e}"),
            }
        });
        Effect::new(move |_| {
            store.table.with(|table| {
                if table.is_empty() {
                    browser::forget(TABLE_KEY);
                } else {
                    browser::save(TABLE_KEY, table);
                }
            });
        });
        // Signing out (by the person, or the session ending for any other
        // reason) forgets the cart and the table: the next guest on a shared
        // tablet starts afresh, and nobody sees another person's order. Only the change from signed in to signed out counts, not
        // the moment before the stored session is read.
        let auth = ui::use_auth();
        Effect::new(move |was_signed_in: Option<bool>| {
            let signed_in = auth.signed_in();
            if was_signed_in == Some(true) && !signed_in {
                store.cart.set(Cart::default());
                store.table.set(String::new());
            }
            signed_in
        });
        provide_context(store);
        store
    }

    /// Changes the cart. The order it would send changes with it, so the
    /// key of an earlier failed submission no longer fits.
    pub(crate) fn edit(&self, change: impl FnOnce(&mut Cart)) {
        self.cart.update(|cart| {
            change(cart);
            cart.idempotency_key = None;
        });
    }

    /// Changes the table, which also makes a new order.
    pub(crate) fn set_table(&self, table: String) {
        if self.table.with_untracked(|t| *t == table) {
            return;
        }
        self.table.set(table);
        self.cart.update(|cart| cart.idempotency_key = None);
    }

    /// The key for submitting the cart as it is: the one of the last try if
    /// nothing changed since, else a new one.
    pub(crate) fn submission_key(&self) -> String {
        if let Some(key) = self.cart.with_untracked(|c| c.idempotency_key.clone()) {
            return key;
        }
        let key = browser::random_key();
        self.cart
            .update(|cart| cart.idempotency_key = Some(key.clone()));
        key
    }

    /// The order went through: an empty cart, a fresh key next time. The
    /// table stays; the customer is still sitting there.
    pub(crate) fn clear(&self) {
        self.cart.set(Cart::default());
    }
}

/// The app's [`CartStore`].
pub(crate) fn use_cart() -> CartStore {
    expect_context::<CartStore>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, price_cents: i64) -> MenuItem {
        MenuItem {
            id: id.to_owned(),
            category_id: "c".to_owned(),
            name: format!("Item {id}"),
            description: String::new(),
            price_cents,
            allergens: Vec::new(),
            available: true,
            position: 0,
        }
    }

    #[test]
    fn adding_twice_makes_one_line_of_two() {
        let mut cart = Cart::default();
        cart.add(&item("a", 650));
        cart.add(&item("a", 650));
        cart.add(&item("b", 300));
        assert_eq!(cart.lines.len(), 2);
        assert_eq!(cart.quantity_of("a"), 2);
        assert_eq!(cart.item_count(), 3);
        assert_eq!(cart.total_cents(), 1600);
    }

    #[test]
    fn quantities_stay_between_one_and_twenty_and_minus_at_one_removes() {
        let mut cart = Cart::default();
        for _ in 0..25 {
            cart.add(&item("a", 100));
        }
        assert_eq!(cart.quantity_of("a"), QUANTITY_MAX);
        cart.increase("a");
        assert_eq!(cart.quantity_of("a"), QUANTITY_MAX);
        for _ in 0..QUANTITY_MAX - 1 {
            cart.decrease("a");
        }
        assert_eq!(cart.quantity_of("a"), 1);
        cart.decrease("a");
        assert!(cart.is_empty());
    }

    #[test]
    fn no_more_lines_than_an_order_takes() {
        let mut cart = Cart::default();
        for n in 0..ORDER_MAX_LINES + 3 {
            cart.add(&item(&n.to_string(), 100));
        }
        assert_eq!(cart.lines.len(), ORDER_MAX_LINES);
        assert!(!cart.can_add("new"));
        assert!(cart.can_add("0"));
    }

    #[test]
    fn an_order_needs_a_table_and_trims_notes() {
        let mut cart = Cart::default();
        assert!(cart.to_request("7").is_err());
        cart.add(&item("a", 100));
        cart.set_line_note("a", "  no ice ".to_owned());
        cart.note = "   ".to_owned();
        assert!(cart.to_request("  ").is_err());
        assert!(cart.to_request(&"9".repeat(21)).is_err());
        let request = cart.to_request(" 7 ").unwrap();
        assert_eq!(request.table, "7");
        assert_eq!(request.lines[0].note.as_deref(), Some("no ice"));
        assert_eq!(request.note, None);
    }

    #[test]
    fn long_notes_are_refused_before_sending() {
        let mut cart = Cart::default();
        cart.add(&item("a", 100));
        cart.set_line_note("a", "x".repeat(LINE_NOTE_MAX_LEN + 1));
        assert!(cart.to_request("7").is_err());
        cart.set_line_note("a", "é".repeat(LINE_NOTE_MAX_LEN));
        assert!(cart.to_request("7").is_ok());
        cart.note = "x".repeat(ORDER_NOTE_MAX_LEN + 1);
        assert!(cart.to_request("7").is_err());
    }

    #[test]
    fn the_cart_follows_menu_prices_and_names() {
        let mut cart = Cart::default();
        cart.add(&item("a", 100));
        let mut menu = HashMap::new();
        menu.insert("a".to_owned(), item("a", 100));
        assert!(!cart.follow_menu(&menu));
        menu.get_mut("a").unwrap().price_cents = 120;
        assert!(cart.follow_menu(&menu));
        assert_eq!(cart.total_cents(), 120);
    }

    #[test]
    fn a_saved_cart_reads_back() {
        let mut cart = Cart::default();
        cart.add(&item("a", 100));
        cart.idempotency_key = Some("k".to_owned());
        let json = serde_json::to_string(&cart).unwrap();
        assert_eq!(serde_json::from_str::<Cart>(&json).unwrap(), cart);
        // An older or hand-edited entry without the optional fields still loads.
        let old = r#"{"lines":[{"item_id":"a","name":"A","unit_price_cents":1,"quantity":2}]}"#;
        assert_eq!(serde_json::from_str::<Cart>(old).unwrap().item_count(), 2);
    }

    #[test]
    fn table_labels_are_trimmed_and_capped() {
        assert_eq!(clean_table("  7 "), "7");
        assert_eq!(clean_table(&"a".repeat(30)).len(), TABLE_MAX_LEN);
    }
}
