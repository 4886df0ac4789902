//! The cart: what the customer is about to order, the table and the
//! idempotency key of the submission in progress. Kept in `localStorage`
//! so a reload or a locked phone loses nothing, and shared through context
//! so it survives moving between pages.
//!
//! A line is an item with the options chosen for it: the same item with
//! other options is another line, the same choice again adds to its
//! quantity. Each line's price of one follows the menu through
//! `shared::validate::choose`, the rule the server prices the order by.

use std::collections::HashMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::bar::{
    option_names, ChosenOption, MenuItem, NewOrderLine, NewOrderRequest, LINE_NOTE_MAX_LEN,
    ORDER_MAX_LINES, ORDER_NOTE_MAX_LEN, QUANTITY_MAX, TABLE_MAX_LEN,
};
use shared::validate::choose;

/// `localStorage` key of the cart.
pub(crate) const CART_KEY: &str = "customer_cart";
/// `localStorage` key of the table.
pub(crate) const TABLE_KEY: &str = "customer_table";

/// One line of the cart. Name, options and price are shown from the menu
/// and kept in step with it; the order names the price of one it showed,
/// and the server refuses it if the menu has changed that since.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CartLine {
    pub(crate) item_id: String,
    pub(crate) name: String,
    /// The price of one, options included.
    pub(crate) unit_price_cents: i64,
    pub(crate) quantity: u32,
    #[serde(default)]
    pub(crate) note: String,
    /// The ids of the options chosen, sorted: with the item, what tells
    /// the line from the others. Carts saved before options have none.
    #[serde(default)]
    pub(crate) options: Vec<String>,
    /// The options as the menu names and prices them, in its order.
    #[serde(default)]
    pub(crate) chosen: Vec<ChosenOption>,
}

impl CartLine {
    pub(crate) fn total_cents(&self) -> i64 {
        self.unit_price_cents * i64::from(self.quantity)
    }

    /// What tells this line from the others (see [`line_key`]).
    pub(crate) fn key(&self) -> String {
        line_key(&self.item_id, &self.options)
    }

    /// The name with the options, for labels: `"House Lager (Half pint)"`.
    pub(crate) fn label(&self) -> String {
        if self.chosen.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, option_names(&self.chosen))
        }
    }

    /// Why the line cannot be ordered from the menu `items` as it is now,
    /// if it cannot.
    pub(crate) fn problem(&self, items: &HashMap<String, MenuItem>) -> Option<LineProblem> {
        match items.get(&self.item_id) {
            Some(item) if item.available => choose(item, &self.options)
                .err()
                .map(|e| LineProblem::Options(e.message(&item.name))),
            _ => Some(LineProblem::SoldOut),
        }
    }
}

/// The key of the line of `item_id` with the options `sorted` (ids, in
/// order): the item's id, then `+` and each option's id. Without options
/// it is the item's id alone, as before items had options. Also part of
/// element ids on the page, so it holds no spaces (ids never do).
pub(crate) fn line_key(item_id: &str, sorted: &[String]) -> String {
    sorted
        .iter()
        .fold(item_id.to_owned(), |key, id| key + "+" + id)
}

/// Why a line of the cart cannot be ordered as the menu stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LineProblem {
    /// Its item is sold out, or gone from the menu.
    SoldOut,
    /// Its options no longer fit the item (one sold out or removed, a rule
    /// changed): the sentence says which.
    Options(String),
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
    pub(crate) fn total_cents(&self) -> i64 {
        self.lines.iter().map(CartLine::total_cents).sum()
    }

    pub(crate) fn item_count(&self) -> u32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// How many of the item `item_id` the cart holds, whatever its options.
    pub(crate) fn quantity_of(&self, item_id: &str) -> u32 {
        self.lines
            .iter()
            .filter(|l| l.item_id == item_id)
            .map(|l| l.quantity)
            .sum()
    }

    /// The line with the key `key` (see [`line_key`]).
    pub(crate) fn line(&self, key: &str) -> Option<&CartLine> {
        self.lines.iter().find(|l| l.key() == key)
    }

    fn line_mut(&mut self, key: &str) -> Option<&mut CartLine> {
        self.lines.iter_mut().find(|l| l.key() == key)
    }

    /// Whether one more of the line `key` can go in: below its quantity
    /// limit, and a new line only while the order has room for one.
    pub(crate) fn can_add(&self, key: &str) -> bool {
        match self.line(key) {
            Some(line) => line.quantity < QUANTITY_MAX,
            None => self.lines.len() < ORDER_MAX_LINES,
        }
    }

    /// One more of `item` with the options `chosen` (ids, in any order): to
    /// the line with the same choice, or a new line, priced as the menu
    /// prices the choice. Answers why not, in a sentence, when the choice
    /// does not fit the item or the cart has no room; the cart is then
    /// unchanged.
    pub(crate) fn add(&mut self, item: &MenuItem, chosen: &[String]) -> Result<(), String> {
        let choice = choose(item, chosen).map_err(|e| e.message(&item.name))?;
        let mut options = chosen.to_vec();
        options.sort_unstable();
        let key = line_key(&item.id, &options);
        let at = match self.lines.iter().position(|l| l.key() == key) {
            Some(at) if self.lines[at].quantity >= QUANTITY_MAX => {
                return Err(format!(
                    "You can order at most {QUANTITY_MAX} of {} at once.",
                    self.lines[at].label()
                ));
            }
            Some(at) => at,
            None if self.lines.len() >= ORDER_MAX_LINES => return Err(too_many_lines()),
            None => {
                self.lines.push(CartLine {
                    item_id: item.id.clone(),
                    options,
                    ..CartLine::default()
                });
                self.lines.len() - 1
            }
        };
        let line = &mut self.lines[at];
        line.quantity += 1;
        line.name = item.name.clone();
        line.unit_price_cents = choice.unit_price_cents;
        line.chosen = choice.options;
        Ok(())
    }

    /// One more of a line already in the cart.
    pub(crate) fn increase(&mut self, key: &str) {
        if let Some(line) = self.line_mut(key) {
            line.quantity = (line.quantity + 1).min(QUANTITY_MAX);
        }
    }

    /// One less; the line goes at zero.
    pub(crate) fn decrease(&mut self, key: &str) {
        if let Some(line) = self.line_mut(key) {
            line.quantity = line.quantity.saturating_sub(1);
        }
        self.lines.retain(|l| l.quantity > 0);
    }

    pub(crate) fn remove(&mut self, key: &str) {
        self.lines.retain(|l| l.key() != key);
    }

    pub(crate) fn set_line_note(&mut self, key: &str, note: String) {
        if let Some(line) = self.line_mut(key) {
            line.note = note;
        }
    }

    /// Takes names, options and prices from the menu. A line whose choice
    /// no longer fits its item keeps what it showed: [`Cart::blocked`]
    /// says why it cannot be sent. Returns whether anything changed, so an
    /// unchanged menu notifies nobody.
    pub(crate) fn follow_menu(&mut self, items: &HashMap<String, MenuItem>) -> bool {
        let before = self.clone();
        for line in &mut self.lines {
            if let Some(item) = items.get(&line.item_id) {
                line.name.clone_from(&item.name);
                if let Ok(choice) = choose(item, &line.options) {
                    line.unit_price_cents = choice.unit_price_cents;
                    line.chosen = choice.options;
                }
            }
        }
        *self != before
    }

    /// What stops the cart from being sent as the menu `items` stands, in
    /// sentences: items sold out or gone (together, by name), and each line
    /// whose options no longer fit. None when it can be sent.
    pub(crate) fn blocked(&self, items: &HashMap<String, MenuItem>) -> Vec<String> {
        let mut sold_out: Vec<&str> = Vec::new();
        let mut sentences = Vec::new();
        for line in &self.lines {
            match line.problem(items) {
                // The same item with two choices is named once.
                Some(LineProblem::SoldOut) if !sold_out.contains(&line.name.as_str()) => {
                    sold_out.push(&line.name);
                }
                Some(LineProblem::Options(message)) => {
                    sentences.push(format!("{message} Remove that line to place the order."));
                }
                Some(LineProblem::SoldOut) | None => {}
            }
        }
        if !sold_out.is_empty() {
            let names = sold_out.join(", ");
            let them = if sold_out.len() == 1 { "it" } else { "them" };
            let sentence =
                format!("Sold out now: {names}. Remove {them} from your cart to place the order.");
            sentences.insert(0, sentence);
        }
        sentences
    }

    /// The order to send for `table`, or why it cannot be sent yet.
    pub(crate) fn to_request(&self, table: &str) -> Result<NewOrderRequest, String> {
        if self.lines.is_empty() {
            return Err("Your cart is empty.".to_owned());
        }
        let table = shared::validate::table(table)?;
        if self.lines.len() > ORDER_MAX_LINES {
            return Err(too_many_lines());
        }
        if let Some(line) = self
            .lines
            .iter()
            .find(|l| l.note.trim().chars().count() > LINE_NOTE_MAX_LEN)
        {
            return Err(format!(
                "The note for {} can be at most {LINE_NOTE_MAX_LEN} characters.",
                line.label()
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
                    options: l.options.clone(),
                    // The price the guest was shown: if the menu now says
                    // otherwise, the server refuses rather than charge it.
                    unit_price_cents: Some(l.unit_price_cents),
                })
                .collect(),
            note: note(&self.note),
        })
    }
}

/// Why the order has no room for one more line.
fn too_many_lines() -> String {
    format!("An order can have at most {ORDER_MAX_LINES} different items.")
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
        let cart = ui::storage::load(CART_KEY)
            .and_then(|json| serde_json::from_str::<Cart>(&json).ok())
            .unwrap_or_default();
        let table = ui::storage::load(TABLE_KEY).unwrap_or_default();
        let store = CartStore {
            cart: RwSignal::new(cart),
            table: RwSignal::new(clean_table(&table)),
        };
        // Effects run only in the browser, so the server never writes.
        // Signing out forgets the cart and the table (see `crate::App`).
        Effect::new(move |_| {
            let cart = store.cart.read();
            let keep = *cart != Cart::default();
            ui::storage::keep_json(CART_KEY, "the cart", keep.then_some(&*cart));
        });
        Effect::new(move |_| {
            let table = store.table.read();
            ui::storage::keep(TABLE_KEY, Some(table.as_str()).filter(|t| !t.is_empty()));
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

    /// One more of `item` with the options `chosen`, or why not (see
    /// [`Cart::add`]); when not, the cart, and the key of an earlier
    /// submission, stay as they were.
    pub(crate) fn add(&self, item: &MenuItem, chosen: &[String]) -> Result<(), String> {
        let mut trial = self.cart.with_untracked(Cart::clone);
        trial.add(item, chosen)?;
        self.edit(|cart| cart.lines = trial.lines);
        Ok(())
    }

    /// Changes the table, which also makes a new order.
    pub(crate) fn set_table(&self, table: String) {
        if self.table.with_untracked(|t| *t != table) {
            self.table.set(table);
            self.cart.update(|cart| cart.idempotency_key = None);
        }
    }

    /// The key for submitting the cart as it is: the one of the last try if
    /// nothing changed since, else a new one.
    pub(crate) fn submission_key(&self) -> String {
        if let Some(key) = self.cart.with_untracked(|c| c.idempotency_key.clone()) {
            return key;
        }
        let key = random_key();
        self.cart
            .update(|cart| cart.idempotency_key = Some(key.clone()));
        key
    }
}

/// A fresh key for one order submission. It only has to be unique, not
/// secret (the server scopes keys to the signed-in customer), and
/// `crypto.randomUUID` exists only on HTTPS pages, which a bar's local
/// network may not serve: Math.random and the clock are enough. (The
/// server, which renders only the shell, never calls it.)
fn random_key() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let part = || (js_sys::Math::random() * 4_294_967_296.0) as u32;
        let now = js_sys::Date::now() as u64;
        format!("{:08x}{:08x}{:08x}-{now:x}", part(), part(), part())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!("{nanos:x}")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use shared::bar::{ItemOption, OptionGroup};

    fn item(id: &str, price_cents: i64) -> MenuItem {
        MenuItem {
            id: id.to_owned(),
            category_id: "c".to_owned(),
            name: format!("Item {id}"),
            price_cents,
            available: true,
            ..MenuItem::default()
        }
    }

    pub(crate) fn option(id: &str, name: &str, price_delta_cents: i64) -> ItemOption {
        ItemOption {
            id: id.to_owned(),
            name: name.to_owned(),
            price_delta_cents,
            available: true,
        }
    }

    /// A lager at 5.50: a size to choose (a half pint 2.50 less), and up
    /// to two extras.
    pub(crate) fn lager() -> MenuItem {
        let size = vec![option("pint", "Pint", 0), option("half", "Half pint", -250)];
        let extras = vec![option("lime", "Lime", 20), option("shot", "Shot", 300)];
        MenuItem {
            name: "Lager".to_owned(),
            option_groups: vec![group("Size", 1, 1, size), group("Extras", 0, 2, extras)],
            ..item("lager", 550)
        }
    }

    /// The group `name` (its id the name in lower case), with `min` to
    /// `max` of `options` to choose.
    pub(crate) fn group(name: &str, min: u32, max: u32, options: Vec<ItemOption>) -> OptionGroup {
        OptionGroup {
            id: name.to_lowercase(),
            name: name.to_owned(),
            min_choices: min,
            max_choices: max,
            options,
        }
    }

    pub(crate) fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn menu(items: &[MenuItem]) -> HashMap<String, MenuItem> {
        items.iter().map(|i| (i.id.clone(), i.clone())).collect()
    }

    /// A cart with `item` added with each of `choices` in turn.
    fn cart_of(item: &MenuItem, choices: &[&[&str]]) -> Cart {
        let mut cart = Cart::default();
        for chosen in choices {
            cart.add(item, &ids(chosen)).unwrap();
        }
        cart
    }

    #[test]
    fn adding_twice_makes_one_line_of_two() {
        let mut cart = cart_of(&item("a", 650), &[&[], &[]]);
        cart.add(&item("b", 300), &[]).unwrap();
        assert_eq!(cart.lines.len(), 2);
        assert_eq!(cart.quantity_of("a"), 2);
        assert_eq!(cart.item_count(), 3);
        assert_eq!(cart.total_cents(), 1600);
    }

    #[test]
    fn quantities_stay_between_one_and_twenty_and_minus_at_one_removes() {
        let mut cart = Cart::default();
        for n in 0..25 {
            assert_eq!(cart.add(&item("a", 100), &[]).is_ok(), n < QUANTITY_MAX);
        }
        assert_eq!(cart.quantity_of("a"), QUANTITY_MAX);
        cart.increase("a");
        assert_eq!(cart.quantity_of("a"), QUANTITY_MAX);
        for _ in 0..QUANTITY_MAX - 1 {
            cart.decrease("a");
        }
        assert_eq!(cart.quantity_of("a"), 1);
        cart.decrease("a");
        assert!(cart.lines.is_empty());
    }

    #[test]
    fn no_more_lines_than_an_order_takes() {
        let mut cart = Cart::default();
        for n in 0..ORDER_MAX_LINES + 3 {
            let added = cart.add(&item(&n.to_string(), 100), &[]);
            assert_eq!(added.is_ok(), n < ORDER_MAX_LINES);
        }
        assert_eq!(cart.lines.len(), ORDER_MAX_LINES);
        assert!(!cart.can_add("new"));
        assert!(cart.can_add("0"));
    }

    #[test]
    fn an_order_needs_a_table_and_trims_notes() {
        let mut cart = Cart::default();
        assert!(cart.to_request("7").is_err());
        cart.add(&item("a", 100), &[]).unwrap();
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
        let mut cart = cart_of(&item("a", 100), &[&[]]);
        cart.set_line_note("a", "x".repeat(LINE_NOTE_MAX_LEN + 1));
        assert!(cart.to_request("7").is_err());
        cart.set_line_note("a", "é".repeat(LINE_NOTE_MAX_LEN));
        assert!(cart.to_request("7").is_ok());
        cart.note = "x".repeat(ORDER_NOTE_MAX_LEN + 1);
        assert!(cart.to_request("7").is_err());
    }

    #[test]
    fn the_cart_follows_menu_prices_and_names() {
        let mut cart = cart_of(&item("a", 100), &[&[]]);
        let mut menu = menu(&[item("a", 100)]);
        assert!(!cart.follow_menu(&menu));
        menu.get_mut("a").unwrap().price_cents = 120;
        assert!(cart.follow_menu(&menu));
        assert_eq!(cart.total_cents(), 120);
    }

    #[test]
    fn a_saved_cart_reads_back() {
        let mut cart = cart_of(&item("a", 100), &[&[]]);
        cart.add(&lager(), &ids(&["lime", "half"])).unwrap();
        cart.idempotency_key = Some("k".to_owned());
        let json = serde_json::to_string(&cart).unwrap();
        assert_eq!(serde_json::from_str::<Cart>(&json).unwrap(), cart);
        // An older or hand-edited entry without the optional fields still loads.
        let old = r#"{"lines":[{"item_id":"a","name":"A","unit_price_cents":1,"quantity":2}]}"#;
        assert_eq!(serde_json::from_str::<Cart>(old).unwrap().item_count(), 2);
    }

    #[test]
    fn a_cart_saved_before_options_loads_with_plain_lines_keyed_by_item() {
        let old = r#"{"lines":[{"item_id":"a","name":"Item a","unit_price_cents":100,"quantity":2,"note":"no ice"}],"note":"","idempotency_key":null}"#;
        let mut cart = serde_json::from_str::<Cart>(old).unwrap();
        let line = cart.line("a").unwrap();
        assert!(line.options.is_empty() && line.chosen.is_empty());
        assert_eq!(line.label(), "Item a");
        // Adding the same plain item again joins the old line.
        cart.add(&item("a", 100), &[]).unwrap();
        assert_eq!(cart.lines.len(), 1);
        assert_eq!(cart.quantity_of("a"), 3);
        let request = cart.to_request("7").unwrap();
        assert!(request.lines[0].options.is_empty());
        assert_eq!(request.lines[0].unit_price_cents, Some(100));
    }

    #[test]
    fn lines_are_keyed_by_item_and_sorted_options() {
        assert_eq!(line_key("a", &[]), "a");
        assert_eq!(
            line_key("lager", &ids(&["half", "lime"])),
            "lager+half+lime"
        );
        let cart = cart_of(&lager(), &[&["lime", "half"]]);
        assert_eq!(cart.lines[0].key(), "lager+half+lime");
        assert_eq!(cart.lines[0].options, ["half", "lime"]);
        assert!(cart.line("lager+half+lime").is_some());
        assert!(cart.line("lager").is_none());
    }

    #[test]
    fn the_same_choice_adds_up_and_another_choice_makes_another_line() {
        let lager = lager();
        let mut cart = cart_of(&lager, &[&["half"], &["pint"], &["half"]]);
        // In another order, the same choice.
        cart.add(&lager, &ids(&["lime", "half"])).unwrap();
        cart.add(&lager, &ids(&["half", "lime"])).unwrap();
        let shown: Vec<(String, u32)> =
            cart.lines.iter().map(|l| (l.label(), l.quantity)).collect();
        assert_eq!(
            shown,
            [
                ("Lager (Half pint)".to_owned(), 2),
                ("Lager (Pint)".to_owned(), 1),
                ("Lager (Half pint, Lime)".to_owned(), 2),
            ]
        );
        assert_eq!(cart.quantity_of("lager"), 5);
        cart.increase("lager+pint");
        cart.decrease("lager+half");
        cart.set_line_note("lager+half+lime", "in a jug".to_owned());
        assert_eq!(cart.line("lager+pint").unwrap().quantity, 2);
        assert_eq!(cart.line("lager+half").unwrap().quantity, 1);
        assert_eq!(cart.line("lager+half+lime").unwrap().note, "in a jug");
        cart.remove("lager+half");
        assert_eq!(cart.lines.len(), 2);
    }

    #[test]
    fn options_price_the_line_and_go_in_the_order() {
        let cart = cart_of(&lager(), &[&["half"], &["half"], &["shot", "pint"]]);
        assert_eq!(cart.lines[0].unit_price_cents, 300);
        assert_eq!(cart.lines[1].unit_price_cents, 850);
        assert_eq!(cart.total_cents(), 2 * 300 + 850);
        assert_eq!(option_names(&cart.lines[1].chosen), "Pint, Shot");
        let request = cart.to_request("7").unwrap();
        assert_eq!(request.lines[0].options, ["half"]);
        assert_eq!(request.lines[0].unit_price_cents, Some(300));
        assert_eq!(request.lines[1].options, ["pint", "shot"]);
        assert_eq!(request.lines[1].unit_price_cents, Some(850));
    }

    #[test]
    fn a_choice_that_does_not_fit_is_refused_with_the_rules_sentence() {
        let mut cart = Cart::default();
        let mut lager = lager();
        assert_eq!(cart.add(&lager, &[]).unwrap_err(), "Lager: Size, choose 1.");
        assert!(cart.add(&lager, &ids(&["pint", "half"])).is_err());
        lager.option_groups[0].options[1].available = false;
        assert!(cart.add(&lager, &ids(&["half"])).is_err());
        assert!(cart.lines.is_empty());
    }

    #[test]
    fn a_menu_change_reprices_lines_and_blocks_choices_that_no_longer_fit() {
        let mut lager = lager();
        let mut cart = cart_of(&lager, &[&["half"], &["pint"]]);
        assert!(cart.blocked(&menu(&[lager.clone()])).is_empty());

        // Dearer, and the half pint renamed: the lines follow.
        lager.price_cents = 600;
        lager.option_groups[0].options[1].name = "Half".to_owned();
        assert!(cart.follow_menu(&menu(&[lager.clone()])));
        assert_eq!(cart.lines[0].unit_price_cents, 350);
        assert_eq!(option_names(&cart.lines[0].chosen), "Half");
        assert_eq!(cart.lines[1].unit_price_cents, 600);

        // The half pint sold out: its line keeps its price and says why.
        lager.option_groups[0].options[1].available = false;
        lager.price_cents = 700;
        let now = menu(&[lager.clone()]);
        cart.follow_menu(&now);
        assert_eq!(cart.lines[0].unit_price_cents, 350);
        assert_eq!(
            cart.lines[0].problem(&now),
            Some(LineProblem::Options(
                "Lager: “Half” is sold out right now; choose another.".to_owned()
            ))
        );
        assert_eq!(cart.lines[1].problem(&now), None);
        assert_eq!(
            cart.blocked(&now),
            ["Lager: “Half” is sold out right now; choose another. Remove that line to place the order."]
        );

        // Removed from the item altogether: blocked too, until the line goes.
        lager.option_groups[0].options.remove(1);
        let now = menu(&[lager.clone()]);
        assert_eq!(cart.blocked(&now).len(), 1);
        cart.remove("lager+half");
        assert!(cart.blocked(&now).is_empty());
    }

    #[test]
    fn sold_out_items_are_named_once_whatever_their_options() {
        let mut lager = lager();
        let mut cart = cart_of(&lager, &[&["half"], &["pint"]]);
        cart.add(&item("b", 100), &[]).unwrap();
        lager.available = false;
        // "b" is off the menu altogether.
        let now = menu(&[lager]);
        assert_eq!(cart.lines[0].problem(&now), Some(LineProblem::SoldOut));
        assert_eq!(
            cart.blocked(&now),
            ["Sold out now: Lager, Item b. Remove them from your cart to place the order."]
        );
    }

    #[test]
    fn table_labels_are_trimmed_and_capped() {
        assert_eq!(clean_table("  7 "), "7");
        assert_eq!(clean_table(&"a".repeat(30)).len(), TABLE_MAX_LEN);
    }
}
