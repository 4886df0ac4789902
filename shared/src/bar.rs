//! Request and response types of the bar: the menu, orders, live events and
//! the admin console. Prices are integer cents; times are RFC 3339 strings.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::api::{ClientApp, Role};

/// Longest category or item name.
pub const MENU_NAME_MAX_LEN: usize = 80;
/// Longest item description.
pub const DESCRIPTION_MAX_LEN: usize = 300;
/// Highest price of one item, in cents (10,000.00).
pub const PRICE_MAX_CENTS: i64 = 1_000_000;
/// Most lines in one order.
pub const ORDER_MAX_LINES: usize = 30;
/// Highest quantity of one line.
pub const QUANTITY_MAX: u32 = 20;
/// Longest note on a line.
pub const LINE_NOTE_MAX_LEN: usize = 140;
/// Longest note on an order.
pub const ORDER_NOTE_MAX_LEN: usize = 280;
/// Longest table label.
pub const TABLE_MAX_LEN: usize = 20;
/// Longest cancellation reason.
pub const REASON_MAX_LEN: usize = 200;
/// Longest `Idempotency-Key` header value.
pub const IDEMPOTENCY_KEY_MAX_LEN: usize = 100;
/// How long a bump can be recalled, in seconds: five minutes after an
/// order's last change, staff can take that step back
/// (`POST /api/orders/{id}/recall`). Long enough to notice a mistaken tap
/// on a busy board; short enough that a guest's "ready" does not go back
/// long after they collected it.
pub const RECALL_WINDOW_SECS: i64 = 300;
/// Most option groups on one item.
pub const OPTION_GROUPS_MAX: usize = 8;
/// Most options in one group.
pub const OPTIONS_PER_GROUP_MAX: usize = 12;
/// Longest station name.
pub const STATION_NAME_MAX_LEN: usize = 40;
/// Most stations a bar has.
pub const STATIONS_MAX: usize = 12;

/// One of the 14 allergens that EU and UK food law (Regulation (EU)
/// 1169/2011, Annex II, kept in UK law) requires a bar to declare. Declared
/// in the Annex's order, which is how lists of them sort ([`Ord`]).
///
/// On the wire and in the database each is its snake_case name
/// ([`Allergen::as_str`]). Reading an unknown name fails with a sentence
/// that names it, so a client learns which entry was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Allergen {
    Gluten,
    Crustaceans,
    Eggs,
    Fish,
    Peanuts,
    Soy,
    Milk,
    TreeNuts,
    Celery,
    Mustard,
    Sesame,
    Sulphites,
    Lupin,
    Molluscs,
}

impl Allergen {
    /// Every allergen, in the law's order.
    pub const ALL: [Allergen; 14] = [
        Allergen::Gluten,
        Allergen::Crustaceans,
        Allergen::Eggs,
        Allergen::Fish,
        Allergen::Peanuts,
        Allergen::Soy,
        Allergen::Milk,
        Allergen::TreeNuts,
        Allergen::Celery,
        Allergen::Mustard,
        Allergen::Sesame,
        Allergen::Sulphites,
        Allergen::Lupin,
        Allergen::Molluscs,
    ];

    /// The wire and stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Allergen::Gluten => "gluten",
            Allergen::Crustaceans => "crustaceans",
            Allergen::Eggs => "eggs",
            Allergen::Fish => "fish",
            Allergen::Peanuts => "peanuts",
            Allergen::Soy => "soy",
            Allergen::Milk => "milk",
            Allergen::TreeNuts => "tree_nuts",
            Allergen::Celery => "celery",
            Allergen::Mustard => "mustard",
            Allergen::Sesame => "sesame",
            Allergen::Sulphites => "sulphites",
            Allergen::Lupin => "lupin",
            Allergen::Molluscs => "molluscs",
        }
    }

    /// The allergen of a wire name.
    pub fn parse(name: &str) -> Option<Allergen> {
        Allergen::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The law's name, for a checkbox or a heading.
    pub const fn label(self) -> &'static str {
        match self {
            Allergen::Gluten => "Cereals containing gluten",
            Allergen::Crustaceans => "Crustaceans",
            Allergen::Eggs => "Eggs",
            Allergen::Fish => "Fish",
            Allergen::Peanuts => "Peanuts",
            Allergen::Soy => "Soybeans",
            Allergen::Milk => "Milk",
            Allergen::TreeNuts => "Tree nuts",
            Allergen::Celery => "Celery",
            Allergen::Mustard => "Mustard",
            Allergen::Sesame => "Sesame",
            Allergen::Sulphites => "Sulphur dioxide and sulphites",
            Allergen::Lupin => "Lupin",
            Allergen::Molluscs => "Molluscs",
        }
    }

    /// A short word for a line of text ("Contains: gluten, milk").
    pub const fn short(self) -> &'static str {
        match self {
            Allergen::TreeNuts => "tree nuts",
            other => other.as_str(),
        }
    }
}

impl<'de> Deserialize<'de> for Allergen {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Allergen, D::Error> {
        let name = String::deserialize(deserializer)?;
        Allergen::parse(&name).ok_or_else(|| {
            // Serde's own "unknown variant" sentence lists every name with
            // backticks and runs past what an error message shows; this
            // one quotes (and cuts) what was sent, then the names to use.
            let sent: String = name.chars().take(30).collect();
            let names: Vec<&str> = Allergen::ALL.iter().map(|a| a.as_str()).collect();
            serde::de::Error::custom(format!(
                "unknown allergen {sent:?}; use one of {}",
                names.join(", ")
            ))
        })
    }
}

/// Allergens as a line of text: `"gluten, milk"`.
pub fn allergen_names(allergens: &[Allergen]) -> String {
    allergens
        .iter()
        .map(|a| a.short())
        .collect::<Vec<_>>()
        .join(", ")
}

/// One choice within an option group: "Oat" at +0.40.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ItemOption {
    pub id: String,
    pub name: String,
    /// Added to the item's price when chosen; negative for less (a half
    /// pint costs less than a pint).
    pub price_delta_cents: i64,
    /// False while this option alone is sold out.
    pub available: bool,
}

/// A group of options of an item: "Size" (choose one), "Extras" (up to
/// two). How many a guest picks is bounded by `min_choices` and
/// `max_choices`: a group with a minimum of 0 is optional, 1 or more is
/// required; a maximum of 1 is a single choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OptionGroup {
    pub id: String,
    pub name: String,
    pub min_choices: u32,
    pub max_choices: u32,
    /// In menu order.
    pub options: Vec<ItemOption>,
}

impl OptionGroup {
    /// Whether a guest must choose something here.
    pub fn is_required(&self) -> bool {
        self.min_choices > 0
    }

    /// Whether one choice replaces the other (radio buttons, not checkboxes).
    pub fn is_single(&self) -> bool {
        self.max_choices == 1
    }

    /// What a guest is asked: "choose 1", "choose up to 2", "choose 1 to 3".
    pub fn rule(&self) -> String {
        match (self.min_choices, self.max_choices) {
            (min, max) if min == max => format!("choose {max}"),
            (0, max) => format!("choose up to {max}"),
            (min, max) => format!("choose {min} to {max}"),
        }
    }
}

/// An option group as an admin sends it: the whole list of an item's groups
/// replaces the old one. A group or option that keeps its `id` (one the
/// item has now) stays the same choice for carts already holding it; one
/// without an id is new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OptionGroupInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub min_choices: u32,
    pub max_choices: u32,
    pub options: Vec<ItemOptionInput>,
}

/// One option as an admin sends it (see [`OptionGroupInput`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemOptionInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub price_delta_cents: i64,
    #[serde(default = "yes")]
    pub available: bool,
}

impl From<&OptionGroup> for OptionGroupInput {
    fn from(group: &OptionGroup) -> OptionGroupInput {
        OptionGroupInput {
            id: Some(group.id.clone()),
            name: group.name.clone(),
            min_choices: group.min_choices,
            max_choices: group.max_choices,
            options: group
                .options
                .iter()
                .map(|o| ItemOptionInput {
                    id: Some(o.id.clone()),
                    name: o.name.clone(),
                    price_delta_cents: o.price_delta_cents,
                    available: o.available,
                })
                .collect(),
        }
    }
}

/// An option as an order line keeps it: copied with its group's name and
/// its price when ordered, like the item's name and price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChosenOption {
    pub id: String,
    pub group: String,
    pub name: String,
    pub price_delta_cents: i64,
}

/// Chosen options as a line of text: `"Half pint, Oat"`.
pub fn option_names(options: &[ChosenOption]) -> String {
    options
        .iter()
        .map(|o| o.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// An item on the menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MenuItem {
    pub id: String,
    pub category_id: String,
    pub name: String,
    pub description: String,
    /// The price with no options chosen.
    pub price_cents: i64,
    /// What it contains of the 14 allergens, each once, in the law's order.
    // Events stored before items had allergens lack the field: none.
    #[serde(default)]
    pub allergens: Vec<Allergen>,
    /// Its option groups, in menu order; none for a plain item.
    // Events stored before items had options lack the field: none.
    #[serde(default)]
    pub option_groups: Vec<OptionGroup>,
    pub available: bool,
    pub position: i64,
}

/// A category with its items, in menu order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MenuCategory {
    pub id: String,
    pub name: String,
    pub position: i64,
    /// The station that prepares this category's items.
    // Events and answers from before stations lack the field: none.
    #[serde(default)]
    pub station_id: String,
    pub items: Vec<MenuItem>,
}

/// `GET /api/menu`: the whole menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MenuResponse {
    pub categories: Vec<MenuCategory>,
}

/// `POST /api/menu/categories` and `PATCH /api/menu/categories/{id}` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CategoryRequest {
    pub name: String,
    /// The station that prepares its items. Creating: none means the first
    /// station. Renaming: none keeps the one it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station_id: Option<String>,
}

/// A place where orders are prepared (the bar, the kitchen). Each category
/// belongs to one; each line of an order is prepared at its category's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Station {
    pub id: String,
    pub name: String,
    /// Stations are listed by position, lowest first.
    pub position: i64,
}

/// `GET /api/stations`: every station, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StationsResponse {
    pub stations: Vec<Station>,
}

/// `POST /api/admin/stations` and `PATCH /api/admin/stations/{id}` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StationRequest {
    pub name: String,
}

/// `POST /api/orders/{id}/stations/{station_id}/ready` body: one station
/// marks its lines of the order ready.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StationReadyRequest {
    /// The version the caller saw.
    pub version: i64,
}

/// `POST /api/menu/items` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewItemRequest {
    pub category_id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub price_cents: i64,
    /// In any order; one named twice counts once. None if left out.
    #[serde(default)]
    pub allergens: Vec<Allergen>,
    /// None if left out.
    #[serde(default)]
    pub option_groups: Vec<OptionGroupInput>,
    #[serde(default = "yes")]
    pub available: bool,
}

fn yes() -> bool {
    true
}

/// `PATCH /api/menu/items/{id}` body: only the fields given change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateItemRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_cents: Option<i64>,
    /// The whole new list, replacing the old one (`[]` clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allergens: Option<Vec<Allergen>>,
    /// The whole new list of option groups, replacing the old one (`[]`
    /// clears it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_groups: Option<Vec<OptionGroupInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<bool>,
}

/// `PUT /api/menu/items/{id}/availability` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AvailabilityRequest {
    pub available: bool,
}

/// Reorder body: every id of the list, in the new order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReorderRequest {
    pub ids: Vec<String>,
}

/// What deleting an item did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeleteResponse {
    /// `deleted`, or `archived` when past orders name it.
    pub outcome: String,
    pub message: String,
}

/// An order's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    #[default]
    Received,
    Preparing,
    Ready,
    Served,
    Cancelled,
}

impl OrderStatus {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Received => "received",
            OrderStatus::Preparing => "preparing",
            OrderStatus::Ready => "ready",
            OrderStatus::Served => "served",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<OrderStatus> {
        Some(match s {
            "received" => OrderStatus::Received,
            "preparing" => OrderStatus::Preparing,
            "ready" => OrderStatus::Ready,
            "served" => OrderStatus::Served,
            "cancelled" => OrderStatus::Cancelled,
            _ => return None,
        })
    }

    /// Served and cancelled orders never change again.
    pub fn is_final(self) -> bool {
        matches!(self, OrderStatus::Served | OrderStatus::Cancelled)
    }

    /// The status one tap moves an order to, if any.
    pub fn next(self) -> Option<OrderStatus> {
        match self {
            OrderStatus::Received => Some(OrderStatus::Preparing),
            OrderStatus::Preparing => Some(OrderStatus::Ready),
            OrderStatus::Ready => Some(OrderStatus::Served),
            OrderStatus::Served | OrderStatus::Cancelled => None,
        }
    }

    /// The status a recall takes an order back to, if any: the step before
    /// this one. A received order has none, and a cancelled one is never
    /// taken back (it may have been cancelled from any open status).
    pub fn previous(self) -> Option<OrderStatus> {
        match self {
            OrderStatus::Preparing => Some(OrderStatus::Received),
            OrderStatus::Ready => Some(OrderStatus::Preparing),
            OrderStatus::Served => Some(OrderStatus::Ready),
            OrderStatus::Received | OrderStatus::Cancelled => None,
        }
    }

    /// Whether `self → to` is allowed.
    pub fn can_become(self, to: OrderStatus) -> bool {
        if to == OrderStatus::Cancelled {
            return !self.is_final();
        }
        self.next() == Some(to)
    }

    /// A word for people.
    pub fn label(self) -> &'static str {
        match self {
            OrderStatus::Received => "Received",
            OrderStatus::Preparing => "Preparing",
            OrderStatus::Ready => "Ready",
            OrderStatus::Served => "Served",
            OrderStatus::Cancelled => "Cancelled",
        }
    }
}

/// One line of a new order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrderLine {
    pub item_id: String,
    pub quantity: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The ids of the chosen options, from the item's groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// The price of one, options included, that the guest was shown. When
    /// given and the menu now says otherwise, the order is refused
    /// (`409 price_changed`) rather than charged at a price nobody saw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_price_cents: Option<i64>,
}

/// `POST /api/orders` body (with an `Idempotency-Key` header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrderRequest {
    pub table: String,
    pub lines: Vec<NewOrderLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One line of an order, with the name and price as they were when ordered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderLine {
    pub item_id: String,
    pub name: String,
    pub unit_price_cents: i64,
    pub quantity: u32,
    pub note: Option<String>,
    pub line_total_cents: i64,
    /// The item's allergens when it was ordered, copied like its name and
    /// price.
    // Events stored before lines had allergens lack the field: none.
    #[serde(default)]
    pub allergens: Vec<Allergen>,
    /// The options chosen, in the menu's order, copied with their names
    /// and prices; `unit_price_cents` includes them.
    // Events stored before lines had options lack the field: none.
    #[serde(default)]
    pub options: Vec<ChosenOption>,
    /// The station that prepares it, id and name as they were when
    /// ordered.
    // Events stored before stations lack these: no station, not ready.
    #[serde(default)]
    pub station_id: String,
    #[serde(default)]
    pub station_name: String,
    /// Whether its station has marked it ready.
    #[serde(default)]
    pub ready: bool,
}

impl OrderLine {
    /// The name with the options in brackets: `"House Lager (Half pint)"`.
    pub fn described(&self) -> String {
        if self.options.is_empty() {
            self.name.clone()
        } else {
            format!("{} ({})", self.name, option_names(&self.options))
        }
    }

    /// The quantity, name and options: `"2 × House Lager (Half pint)"`.
    pub fn summary(&self) -> String {
        format!("{} × {}", self.quantity, self.described())
    }
}

/// An order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Order {
    pub id: String,
    /// A short number for people ("order 42").
    pub number: i64,
    pub customer_id: String,
    pub customer_name: String,
    pub table: String,
    pub status: OrderStatus,
    /// Grows by one with every change; updates must name the current one.
    pub version: i64,
    pub lines: Vec<OrderLine>,
    pub note: Option<String>,
    pub total_cents: i64,
    pub cancel_reason: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub ready_at: Option<String>,
    /// The tab the order joined; none for orders placed before tabs.
    #[serde(default)]
    pub tab_id: Option<String>,
}

impl Order {
    /// Whether this copy of an order takes the place of `held`, a copy of
    /// the same order seen earlier. The one rule of every app: updates
    /// (live events, answers to taps, reloads) can arrive out of order, so
    /// only a newer version replaces; an equal one is the same state.
    pub fn replaces(&self, held: &Order) -> bool {
        self.version > held.version
    }

    /// Orders sort by when they were placed (RFC 3339 times from one server
    /// sort as text), the number breaking ties within a second.
    pub fn placed_key(&self) -> (&str, i64) {
        (self.created_at.as_str(), self.number)
    }

    /// The stations this order has lines at, each once as (id, name), in
    /// the order its lines first name them.
    pub fn stations(&self) -> Vec<(&str, &str)> {
        let mut found: Vec<(&str, &str)> = Vec::new();
        for line in &self.lines {
            if !found.iter().any(|(id, _)| *id == line.station_id) {
                found.push((line.station_id.as_str(), line.station_name.as_str()));
            }
        }
        found
    }

    /// The lines prepared at a station, in order.
    pub fn lines_at<'a>(&'a self, station_id: &'a str) -> impl Iterator<Item = &'a OrderLine> {
        self.lines
            .iter()
            .filter(move |l| l.station_id == station_id)
    }

    /// Whether the order has lines at a station.
    pub fn has_station(&self, station_id: &str) -> bool {
        self.lines_at(station_id).next().is_some()
    }

    /// Whether a station has lines here and has marked them all ready.
    pub fn station_ready(&self, station_id: &str) -> bool {
        self.has_station(station_id) && self.lines_at(station_id).all(|l| l.ready)
    }

    /// The stations still preparing lines of this order, as (id, name), in
    /// the order of [`Order::stations`]. Empty once every line is ready.
    pub fn stations_waiting(&self) -> Vec<(&str, &str)> {
        self.stations()
            .into_iter()
            .filter(|(id, _)| !self.station_ready(id))
            .collect()
    }
}

/// A list of orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrdersResponse {
    pub orders: Vec<Order>,
    /// The newest event id when the list was read: a stream opened with it
    /// as its cursor misses nothing.
    pub cursor: i64,
}

/// `POST /api/orders/{id}/status` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusChangeRequest {
    pub status: OrderStatus,
    /// The version the caller saw.
    pub version: i64,
    /// Required when cancelling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `POST /api/orders/{id}/recall` body: takes back the order's last step.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecallRequest {
    /// The version the caller saw: the one its bump answered with. A
    /// recall never takes back a change made after it.
    pub version: i64,
    /// Takes back only this station's mark of its lines as ready, rather
    /// than the whole order's last step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station_id: Option<String>,
}

/// What a guest calls the bar's staff for.
///
/// On the wire and in the database each is its snake_case name
/// ([`CallKind::as_str`]).
///
/// Read through a string, so that a kind of the wrong type (a list, a
/// number) is a 422 naming it like an unknown one, not a "not valid JSON".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum CallKind {
    /// Someone to come to the table.
    Staff,
    /// The bill.
    Bill,
}

impl TryFrom<String> for CallKind {
    type Error = String;

    fn try_from(name: String) -> Result<CallKind, String> {
        CallKind::parse(&name).ok_or_else(|| {
            let sent: String = name.chars().take(30).collect();
            format!("unknown kind {sent:?}; use staff or bill")
        })
    }
}

impl CallKind {
    /// Every kind, in the order the apps show them.
    pub const ALL: [CallKind; 2] = [CallKind::Staff, CallKind::Bill];

    /// The wire and stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            CallKind::Staff => "staff",
            CallKind::Bill => "bill",
        }
    }

    /// The kind of a wire name.
    pub fn parse(name: &str) -> Option<CallKind> {
        CallKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// What the guest's button says.
    pub const fn label(self) -> &'static str {
        match self {
            CallKind::Staff => "Call staff",
            CallKind::Bill => "Ask for the bill",
        }
    }
}

/// `POST /api/calls` body: a guest calls staff, or asks for the bill, at
/// their table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCallRequest {
    /// The same label an order names (`validate::table`).
    pub table: String,
    pub kind: CallKind,
}

/// A call for staff or for the bill at a table: open until someone on the
/// staff acknowledges it. At most one call of a kind is open at a table;
/// every guest who asks while it is open joins it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TableCall {
    pub id: String,
    pub table: String,
    pub kind: CallKind,
    /// Who asked. Staff see the guest who asked first; a guest sees their
    /// own name (never another guest's, whoever opened the call).
    pub customer_name: String,
    pub created_at: String,
    /// When staff acknowledged it; `None` while open.
    pub acknowledged_at: Option<String>,
    /// The name of who acknowledged it.
    pub acknowledged_by: Option<String>,
}

impl TableCall {
    /// Whether nobody has acknowledged the call yet.
    pub fn is_open(&self) -> bool {
        self.acknowledged_at.is_none()
    }

    /// Whether this copy of a call takes the place of `held`, a copy of the
    /// same call seen earlier. A call only ever goes from open to
    /// acknowledged, so copies arriving out of order (a live event, the
    /// answer to a tap, a reload) settle on the acknowledged one.
    pub fn replaces(&self, held: &TableCall) -> bool {
        held.is_open() && !self.is_open()
    }
}

/// A list of calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TableCallsResponse {
    pub calls: Vec<TableCall>,
    /// The newest event id when the list was read: a stream opened with it
    /// as its cursor misses nothing.
    pub cursor: i64,
}

/// Most parts a tab can be split into.
pub const TAB_SPLIT_MAX: u32 = 20;

/// How a part of a tab was paid at the bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Card,
}

impl PaymentMethod {
    /// Both methods, in the order the apps offer them.
    pub const ALL: [PaymentMethod; 2] = [PaymentMethod::Cash, PaymentMethod::Card];

    /// The wire and stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Card => "card",
        }
    }

    /// The method of a wire name.
    pub fn parse(name: &str) -> Option<PaymentMethod> {
        PaymentMethod::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// What people read.
    pub const fn label(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "Cash",
            PaymentMethod::Card => "Card",
        }
    }
}

/// Whether a tab is still gathering orders or was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TabStatus {
    #[default]
    Open,
    Paid,
}

/// One line of one order on a tab.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LineRef {
    pub order_id: String,
    /// The index of the line in that order's `lines`.
    pub line: u32,
}

/// One payment of a closed tab: the whole of it, or one part of a split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TabPayment {
    pub amount_cents: i64,
    pub method: PaymentMethod,
    /// The lines a by-line part paid for; empty otherwise.
    #[serde(default)]
    pub lines: Vec<LineRef>,
}

/// A guest's orders at a table in one visit, open until staff close it as
/// paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Tab {
    pub id: String,
    pub table: String,
    pub customer_id: String,
    pub customer_name: String,
    pub status: TabStatus,
    /// Grows with every order joining it or cancelled on it, and with its
    /// close: closing names the version whose total was shown.
    pub version: i64,
    /// Oldest first.
    pub orders: Vec<Order>,
    /// The sum of the orders not cancelled.
    pub total_cents: i64,
    /// Orders neither served nor cancelled.
    pub open_orders: u32,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub closed_by_name: Option<String>,
    /// How it was paid; empty while open.
    pub payments: Vec<TabPayment>,
}

impl Tab {
    /// Whether this copy of a tab takes the place of `held`, a copy of the
    /// same tab seen earlier: only a newer version does.
    pub fn replaces(&self, held: &Tab) -> bool {
        self.version > held.version
    }

    /// Whether staff have not closed it yet.
    pub fn is_open(&self) -> bool {
        self.status == TabStatus::Open
    }
}

/// Data of a `tab` event.
pub type TabEvent = Tab;

/// A list of tabs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TabsResponse {
    pub tabs: Vec<Tab>,
    /// The newest event id when the list was read: a stream opened with it
    /// as its cursor misses nothing.
    pub cursor: i64,
}

/// One part of a tab split by line: who pays which lines, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LinePart {
    pub method: PaymentMethod,
    pub lines: Vec<LineRef>,
}

/// How a tab is paid: whole, in equal parts, or by line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TabSplit {
    /// One payment of the total.
    Whole { method: PaymentMethod },
    /// The total in `parts` equal parts (the odd cents to the first ones),
    /// all paid the same way.
    Equal { parts: u32, method: PaymentMethod },
    /// Every line in exactly one part; each part pays its lines' sum.
    ByLine { parts: Vec<LinePart> },
}

/// `POST /api/tabs/{id}/close` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CloseTabRequest {
    /// The version whose total the caller showed.
    pub version: i64,
    /// Close even though some orders are neither served nor cancelled.
    #[serde(default)]
    pub confirm_open_orders: bool,
    pub split: TabSplit,
}

/// `POST /api/events/ticket` answer: a single-use ticket for `GET /api/events`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StreamTicket {
    pub ticket: String,
    pub expires_in: i64,
}

impl std::fmt::Debug for StreamTicket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StreamTicket { [redacted] }")
    }
}

/// Data of an `order` event.
pub type OrderEvent = Order;

/// Data of a `table_call` event: a call as its audience may see it (see
/// [`TableCall::customer_name`]).
pub type TableCallEvent = TableCall;

/// Data of a `menu_item` event: an item changed (availability, price, …)
/// or left the menu (`removed`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MenuItemEvent {
    pub item: MenuItem,
    #[serde(default)]
    pub removed: bool,
}

/// A user as the admin console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub is_active: bool,
    pub created_at: String,
    pub active_sessions: i64,
}

/// `GET /api/admin/users` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminUsersResponse {
    pub users: Vec<AdminUser>,
    pub total: u64,
}

/// `POST /api/admin/users` body.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewStaffRequest {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password: String,
}

impl std::fmt::Debug for NewStaffRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewStaffRequest")
            .field("email", &self.email)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// `POST /api/admin/users/{id}/password` body.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    pub password: String,
}

impl std::fmt::Debug for ResetPasswordRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResetPasswordRequest { [redacted] }")
    }
}

/// What an admin action on a user did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminUserAction {
    pub user: AdminUser,
    /// Sessions ended by the action.
    pub revoked: u64,
    pub message: String,
}

/// A session as the admin console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminSession {
    pub id: String,
    pub user_id: String,
    pub user_email: String,
    pub user_name: String,
    pub user_role: Role,
    pub device_info: String,
    pub ip_address: Option<String>,
    pub client_app: Option<ClientApp>,
    pub is_active: bool,
    pub revoked_reason: Option<crate::api::EndReason>,
    pub created_at: String,
    pub last_activity: String,
    pub expires_at: String,
    /// True for the session the request was made with (the admin's own
    /// device), so the console can mark it and ask before ending it.
    #[serde(default)]
    pub is_current: bool,
}

/// `GET /api/admin/sessions` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminSessionsResponse {
    pub sessions: Vec<AdminSession>,
    pub total: u64,
}

/// Active sessions per app.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionsPerApp {
    pub customer: i64,
    pub bartender: i64,
    pub admin: i64,
}

/// `GET /api/admin/stats`: today's figures (since local midnight).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TodayStats {
    /// Orders placed today, cancelled ones included.
    pub orders: i64,
    pub cancelled: i64,
    /// Sum of today's orders that were not cancelled, in cents.
    pub revenue_cents: i64,
    /// Mean seconds from received to ready, over today's orders that got there.
    pub avg_seconds_to_ready: Option<f64>,
    /// Orders not yet served or cancelled (of any day).
    pub open_orders: i64,
    /// Tabs not yet paid (of any day), and what their orders come to.
    #[serde(default)]
    pub open_tabs: i64,
    #[serde(default)]
    pub open_tabs_cents: i64,
    pub active_sessions: SessionsPerApp,
}

/// How many days back `GET /api/admin/figures` goes.
pub const FIGURES_DAYS_BACK: i64 = 400;

/// Upper bounds, in minutes, of the closed buckets of [`ReadyTimes`]; a last
/// open-ended bucket holds the rest.
pub const READY_BUCKET_MINUTES: [u32; 5] = [2, 5, 10, 15, 20];

/// How many days the dashboard's figures cover.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FiguresSpan {
    /// One local day.
    #[default]
    Day,
    /// Seven local days, ending with the day picked.
    Week,
}

impl FiguresSpan {
    /// How many local days it covers.
    pub const fn days(self) -> u32 {
        match self {
            FiguresSpan::Day => 1,
            FiguresSpan::Week => 7,
        }
    }

    /// The wire name, as the query string takes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            FiguresSpan::Day => "day",
            FiguresSpan::Week => "week",
        }
    }
}

/// `GET /api/admin/figures?day=YYYY-MM-DD&span=day|week`: a local day's
/// (or the week to that day's) figures for the dashboard's charts.
/// Cancelled orders count for nothing in any of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DayFigures {
    /// The last local day covered, `YYYY-MM-DD`.
    pub day: String,
    #[serde(default)]
    pub span: FiguresSpan,
    /// The first local day covered: `day` itself for a day, six days
    /// before it for a week.
    #[serde(default)]
    pub from: String,
    /// Each local day covered, oldest first, zero-filled.
    #[serde(default)]
    pub days: Vec<DayTotals>,
    /// All 24 local hours of the day, from 0, zero-filled; over a week,
    /// each hour of the day summed over its seven days.
    pub hours: Vec<HourFigures>,
    pub to_ready: ReadyTimes,
    /// At most five, by quantity then name.
    pub best_sellers: Vec<BestSeller>,
}

/// Orders placed on one local day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DayTotals {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub orders: i64,
    pub revenue_cents: i64,
}

/// Orders placed in one local hour of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HourFigures {
    /// 0 to 23.
    pub hour: u32,
    pub orders: i64,
    pub revenue_cents: i64,
}

/// Time from received to ready, over the day's orders that got there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReadyTimes {
    pub count: i64,
    /// Nearest-rank median; `None` without orders.
    pub p50_seconds: Option<i64>,
    /// Nearest-rank 90th percentile; `None` without orders.
    pub p90_seconds: Option<i64>,
    /// One per [`READY_BUCKET_MINUTES`], then the open-ended rest.
    pub buckets: Vec<ReadyBucket>,
}

/// Orders ready within a number of minutes (and after the bucket before).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReadyBucket {
    /// `None`: the last bucket, longer than every bound.
    pub up_to_minutes: Option<u32>,
    pub orders: i64,
}

/// An item as sold over a day, by the name on the order lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BestSeller {
    pub name: String,
    pub quantity: i64,
    pub revenue_cents: i64,
}

/// Shortest ticket timer, in seconds: a minute. Anything shorter would turn
/// every ticket amber while it is still being read.
pub const TIMER_MIN_SECS: u32 = 60;
/// Longest ticket timer, in seconds: a day.
pub const TIMER_MAX_SECS: u32 = 24 * 60 * 60;

/// When a ticket on the bartender's board turns amber ("waiting") and then
/// red ("late"), in seconds since the order was received. The body of
/// `PUT /api/admin/settings/timers`, checked by
/// [`crate::validate::ticket_timers`]: both from [`TIMER_MIN_SECS`] to
/// [`TIMER_MAX_SECS`], amber before red.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TicketTimers {
    /// A ticket that has waited this long turns amber (default 300: five minutes).
    pub amber_after_secs: u32,
    /// A ticket that has waited this long turns red (default 600: ten minutes).
    pub red_after_secs: u32,
}

impl Default for TicketTimers {
    /// Five minutes to amber, ten to red: what a bar has until an admin
    /// says otherwise.
    fn default() -> Self {
        TicketTimers {
            amber_after_secs: 300,
            red_after_secs: 600,
        }
    }
}

/// `GET /api/bar/settings`: the bar's settings, as staff screens need them.
/// Also the data of a `bar_settings` live event, sent to staff whenever an
/// admin changes them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BarSettings {
    pub ticket_timers: TicketTimers,
}

/// Formats cents as a price, e.g. `650` → `"6.50"`.
pub fn format_price(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Parses a price typed by a person (`"6.5"`, `"6.50"`, `"6"`) into cents.
pub fn parse_price(text: &str) -> Option<i64> {
    let text = text.trim();
    let (whole, frac) = match text.split_once(['.', ',']) {
        Some((w, f)) => (w, f),
        None => (text, ""),
    };
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || whole.len() > 9
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    Some(whole * 100 + frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lines_summary_names_its_options() {
        let mut line = OrderLine {
            name: "House Lager".to_owned(),
            quantity: 2,
            ..OrderLine::default()
        };
        assert_eq!(line.described(), "House Lager");
        assert_eq!(line.summary(), "2 × House Lager");
        for name in ["Half pint", "Oat"] {
            line.options.push(ChosenOption {
                id: name.to_lowercase(),
                group: "Size".to_owned(),
                name: name.to_owned(),
                price_delta_cents: -250,
            });
        }
        assert_eq!(line.described(), "House Lager (Half pint, Oat)");
        assert_eq!(line.summary(), "2 × House Lager (Half pint, Oat)");
    }

    #[test]
    fn prices_format_and_parse_back() {
        assert_eq!(format_price(650), "6.50");
        assert_eq!(format_price(5), "0.05");
        assert_eq!(parse_price("6.5"), Some(650));
        assert_eq!(parse_price("6,50"), Some(650));
        assert_eq!(parse_price("12"), Some(1200));
        assert_eq!(parse_price(".5"), Some(50));
        assert_eq!(parse_price("1.234"), None);
        assert_eq!(parse_price("-1"), None);
        assert_eq!(parse_price(""), None);
        for cents in [0, 1, 99, 100, 123_456] {
            assert_eq!(parse_price(&format_price(cents)), Some(cents));
        }
    }

    #[test]
    fn allergens_keep_their_wire_names_and_the_laws_order() {
        let names: Vec<&str> = Allergen::ALL.iter().map(|a| a.as_str()).collect();
        // Stored in databases and sent to clients: never rename one.
        assert_eq!(
            names,
            [
                "gluten",
                "crustaceans",
                "eggs",
                "fish",
                "peanuts",
                "soy",
                "milk",
                "tree_nuts",
                "celery",
                "mustard",
                "sesame",
                "sulphites",
                "lupin",
                "molluscs"
            ]
        );
        for allergen in Allergen::ALL {
            assert_eq!(Allergen::parse(allergen.as_str()), Some(allergen));
            let json = serde_json::to_string(&allergen).unwrap();
            assert_eq!(json, format!("\"{}\"", allergen.as_str()));
            assert_eq!(serde_json::from_str::<Allergen>(&json).unwrap(), allergen);
        }
        assert!(Allergen::ALL.windows(2).all(|w| w[0] < w[1]), "sorted");
        assert_eq!(Allergen::Gluten.label(), "Cereals containing gluten");
        assert_eq!(Allergen::Sulphites.label(), "Sulphur dioxide and sulphites");
        assert_eq!(Allergen::parse("Gluten"), None);
        assert_eq!(
            allergen_names(&[Allergen::Gluten, Allergen::TreeNuts]),
            "gluten, tree nuts"
        );
        assert_eq!(allergen_names(&[]), "");
    }

    #[test]
    fn an_unknown_allergen_is_refused_by_name_in_a_short_sentence() {
        let err = serde_json::from_str::<Vec<Allergen>>(r#"["milk", "nuts"]"#).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("unknown allergen \"nuts\""), "{text}");
        assert!(text.contains("tree_nuts"), "{text}");
        assert!(serde_json::from_str::<Allergen>("7").is_err());
        assert!(serde_json::from_str::<Allergen>("null").is_err());
        let long = format!("\"{}\"", "x".repeat(10_000));
        let text = serde_json::from_str::<Allergen>(&long)
            .unwrap_err()
            .to_string();
        assert!(text.len() < 300, "{text}");
    }

    #[test]
    fn items_and_lines_from_before_allergens_read_as_having_none() {
        let item: MenuItem = serde_json::from_str(
            r#"{"id":"i","category_id":"c","name":"Cola","description":"",
                "price_cents":300,"available":true,"position":1}"#,
        )
        .unwrap();
        assert!(item.allergens.is_empty());
        let line: OrderLine = serde_json::from_str(
            r#"{"item_id":"i","name":"Cola","unit_price_cents":300,"quantity":1,
                "note":null,"line_total_cents":300}"#,
        )
        .unwrap();
        assert!(line.allergens.is_empty());
    }

    #[test]
    fn call_kinds_keep_their_wire_names() {
        // Stored in databases and sent to clients: never rename one.
        let names: Vec<&str> = CallKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, ["staff", "bill"]);
        for kind in CallKind::ALL {
            assert_eq!(CallKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert_eq!(serde_json::from_str::<CallKind>(&json).unwrap(), kind);
        }
        assert_eq!(CallKind::parse("Staff"), None);
        assert!(serde_json::from_str::<CallKind>("\"waiter\"").is_err());
        assert!(
            serde_json::from_str::<NewCallRequest>(r#"{"table":"7","kind":"bill","extra":1}"#)
                .is_err()
        );
    }

    #[test]
    fn an_acknowledged_call_is_never_undone_by_an_older_copy() {
        let open = TableCall {
            id: "c".to_owned(),
            table: "7".to_owned(),
            kind: CallKind::Bill,
            customer_name: "Ada".to_owned(),
            created_at: "2026-12-06T21:00:00.000Z".to_owned(),
            acknowledged_at: None,
            acknowledged_by: None,
        };
        let answered = TableCall {
            acknowledged_at: Some("2026-12-06T21:01:00.000Z".to_owned()),
            acknowledged_by: Some("Sam".to_owned()),
            ..open.clone()
        };
        assert!(open.is_open());
        assert!(!answered.is_open());
        assert!(answered.replaces(&open));
        assert!(!open.replaces(&answered));
        assert!(!open.replaces(&open));
        assert!(!answered.replaces(&answered));
    }

    #[test]
    fn only_forward_steps_and_cancellation_are_allowed() {
        use OrderStatus::*;
        assert!(Received.can_become(Preparing));
        assert!(Preparing.can_become(Ready));
        assert!(Ready.can_become(Served));
        assert!(Ready.can_become(Cancelled));
        assert!(!Received.can_become(Ready));
        assert!(!Served.can_become(Cancelled));
        assert!(!Cancelled.can_become(Received));
        assert!(!Preparing.can_become(Received));
    }

    #[test]
    fn a_recall_undoes_exactly_one_forward_step() {
        use OrderStatus::*;
        assert_eq!(Preparing.previous(), Some(Received));
        assert_eq!(Ready.previous(), Some(Preparing));
        assert_eq!(Served.previous(), Some(Ready));
        assert_eq!(Received.previous(), None);
        assert_eq!(Cancelled.previous(), None);
        for status in [Received, Preparing, Ready] {
            let next = status.next().unwrap();
            assert_eq!(next.previous(), Some(status), "{status:?}");
        }
    }

    #[test]
    fn a_recall_names_only_the_version() {
        let read: RecallRequest = serde_json::from_str(r#"{"version":3}"#).unwrap();
        assert_eq!(read.version, 3);
        for bad in [
            r#"{}"#,
            r#"{"version":"3"}"#,
            r#"{"version":3,"status":"ready"}"#,
        ] {
            assert!(serde_json::from_str::<RecallRequest>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ticket_timers_default_to_five_and_ten_minutes_and_take_only_whole_seconds() {
        let settings = BarSettings::default();
        assert_eq!(
            serde_json::to_value(settings).unwrap(),
            serde_json::json!({"ticket_timers": {"amber_after_secs": 300, "red_after_secs": 600}})
        );
        let read: TicketTimers =
            serde_json::from_str(r#"{"amber_after_secs":60,"red_after_secs":120}"#).unwrap();
        assert_eq!(
            read,
            TicketTimers {
                amber_after_secs: 60,
                red_after_secs: 120
            }
        );
        // What reading the body refuses (a 422 before any rule is asked).
        for bad in [
            r#"{"amber_after_secs":-60,"red_after_secs":120}"#,
            r#"{"amber_after_secs":"60","red_after_secs":120}"#,
            r#"{"amber_after_secs":60.5,"red_after_secs":120}"#,
            r#"{"amber_after_secs":60}"#,
            r#"{"amber_after_secs":60,"red_after_secs":120,"green_after_secs":1}"#,
            r#"{"amber_after_secs":60,"red_after_secs":99999999999}"#,
        ] {
            assert!(serde_json::from_str::<TicketTimers>(bad).is_err(), "{bad}");
        }
    }

    fn line_at(name: &str, station: (&str, &str), ready: bool) -> OrderLine {
        OrderLine {
            item_id: format!("item-{name}"),
            name: name.to_owned(),
            unit_price_cents: 500,
            quantity: 1,
            line_total_cents: 500,
            station_id: station.0.to_owned(),
            station_name: station.1.to_owned(),
            ready,
            ..OrderLine::default()
        }
    }

    fn order_of(lines: Vec<OrderLine>) -> Order {
        Order {
            id: "o1".to_owned(),
            number: 1,
            customer_id: "c1".to_owned(),
            customer_name: "Ann".to_owned(),
            table: "4".to_owned(),
            status: OrderStatus::Preparing,
            version: 2,
            lines,
            created_at: "2026-12-08T18:00:00Z".to_owned(),
            updated_at: "2026-12-08T18:00:00Z".to_owned(),
            ..Order::default()
        }
    }

    #[test]
    fn an_order_names_its_stations_once_in_the_order_its_lines_do() {
        const BAR: (&str, &str) = ("s-bar", "Bar");
        const KITCHEN: (&str, &str) = ("s-kitchen", "Kitchen");
        let order = order_of(vec![
            line_at("Chips", KITCHEN, false),
            line_at("Stout", BAR, true),
            line_at("Burger", KITCHEN, true),
            line_at("Lager", BAR, true),
        ]);
        assert_eq!(order.stations(), vec![KITCHEN, BAR]);
        let at_kitchen: Vec<&str> = order
            .lines_at("s-kitchen")
            .map(|l| l.name.as_str())
            .collect();
        assert_eq!(at_kitchen, vec!["Chips", "Burger"]);
        assert!(order.station_ready("s-bar"));
        assert!(!order.station_ready("s-kitchen"));
        // A station without lines here is not "ready": it has nothing to do.
        assert!(!order.station_ready("s-terrace"));
        assert!(!order.has_station("s-terrace"));
        assert_eq!(order.stations_waiting(), vec![KITCHEN]);

        let done = order_of(vec![
            line_at("Stout", BAR, true),
            line_at("Chips", KITCHEN, true),
        ]);
        assert!(done.stations_waiting().is_empty());
    }

    #[test]
    fn lines_and_requests_from_before_stations_still_read() {
        let line: OrderLine = serde_json::from_str(
            r#"{"item_id":"i","name":"Stout","unit_price_cents":500,"quantity":1,"note":null,"line_total_cents":500}"#,
        )
        .unwrap();
        assert_eq!(line.station_id, "");
        assert!(!line.ready);
        let recall: RecallRequest = serde_json::from_str(r#"{"version":3}"#).unwrap();
        assert_eq!(recall.station_id, None);
        assert_eq!(
            serde_json::to_value(&recall).unwrap(),
            serde_json::json!({"version": 3})
        );
        let category: CategoryRequest = serde_json::from_str(r#"{"name":"Food"}"#).unwrap();
        assert_eq!(category.station_id, None);
        assert!(serde_json::from_str::<StationRequest>(r#"{"name":"Bar","x":1}"#).is_err());
        assert!(serde_json::from_str::<StationReadyRequest>(r#"{"version":"2"}"#).is_err());
    }
}
