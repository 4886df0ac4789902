//! The demo menu `serve --demo` loads into an empty menu: a believable
//! bar with draught beer, cocktails, wine, soft drinks and food, one item
//! sold out, each item's allergens, options on a few items, two stations
//! (drinks at the bar, food in the kitchen), and the table labels printed
//! as order links.

use shared::bar::Allergen::{Eggs, Gluten, Milk, Mustard, Peanuts, Sesame, Sulphites};
use shared::bar::{
    Allergen, CategoryRequest, ItemOptionInput, NewItemRequest, OptionGroupInput, StationRequest,
};

use crate::error::AppResult;
use crate::services::menu::MenuService;

/// Tables whose order links the banner prints (as on their QR codes).
pub const DEMO_TABLES: [&str; 4] = ["1", "4", "7", "12"];

/// One demo item: name, description, price in cents, available, allergens.
type DemoItem = (&'static str, &'static str, i64, bool, &'static [Allergen]);

/// (category, items).
type DemoCategory = (&'static str, &'static [DemoItem]);

/// One demo option group: name, fewest and most choices, and its options
/// (name, price difference in cents).
type DemoGroup = (&'static str, u32, u32, &'static [(&'static str, i64)]);

/// A wine's glass: the price on the menu is the 175 ml one.
const GLASS: DemoGroup = (
    "Glass",
    1,
    1,
    &[("125 ml", -150), ("175 ml", 0), ("250 ml", 250)],
);

// Options only where a guest would be asked, and only on items that the
// browser tests and the load benchmark order without options (House Lager,
// Negroni, Espresso Martini, …) left alone: a required group there would
// refuse their orders.
/// (item, its option groups in menu order).
const DEMO_OPTIONS: [(&str, &[DemoGroup]); 6] = [
    (
        "Hazy IPA",
        &[("Size", 1, 1, &[("Pint", 0), ("Half pint", -300)])],
    ),
    (
        "Cheeseburger",
        &[(
            "Cooked",
            1,
            1,
            &[("Medium", 0), ("Well done", 0), ("Medium rare", 0)],
        )],
    ),
    (
        "Margarita",
        &[
            ("Style", 1, 1, &[("On the rocks", 0), ("Frozen", 100)]),
            ("Rim", 1, 1, &[("Salt", 0), ("No salt", 0)]),
        ],
    ),
    ("Pinot Grigio", &[GLASS]),
    ("Rioja Crianza", &[GLASS]),
    (
        "Nachos",
        &[(
            "Extras",
            0,
            2,
            &[("Guacamole", 150), ("Extra cheese", 100), ("Jalapeños", 50)],
        )],
    ),
];

// Allergens as a bar would declare them: beer is brewed from barley
// (gluten), wine and vermouth keep sulphites, a sour is shaken with egg
// white; spirits distilled from grain are exempt by law.
const DEMO_MENU: [DemoCategory; 5] = [
    (
        "Draught beer",
        &[
            (
                "House Lager",
                "Crisp and cold, 4.6%. Pint.",
                550,
                true,
                &[Gluten],
            ),
            (
                "Hazy IPA",
                "Citra and Mosaic hops, 6.2%. Pint.",
                680,
                true,
                &[Gluten],
            ),
            (
                "Irish Stout",
                "Roasty, creamy, 4.2%. Pint.",
                620,
                true,
                &[Gluten],
            ),
            (
                "Seasonal Sour",
                "Raspberry and lime, 4.8%. Half pint.",
                450,
                false,
                &[Gluten],
            ),
        ],
    ),
    (
        "Cocktails",
        &[
            (
                "Negroni",
                "Gin, Campari, sweet vermouth, orange peel.",
                1100,
                true,
                &[Sulphites],
            ),
            (
                "Espresso Martini",
                "Vodka, coffee liqueur, fresh espresso.",
                1200,
                true,
                &[],
            ),
            (
                "Margarita",
                "Tequila, lime, orange liqueur, salt rim.",
                1050,
                true,
                &[],
            ),
            (
                "Whisky Sour",
                "Bourbon, lemon, sugar, egg white.",
                1050,
                true,
                &[Eggs],
            ),
            (
                "Gin & Tonic",
                "London dry gin, Indian tonic, cucumber.",
                900,
                true,
                &[],
            ),
        ],
    ),
    (
        "Wine",
        &[
            (
                "Pinot Grigio",
                "Dry Italian white.",
                750,
                true,
                &[Sulphites],
            ),
            (
                "Rioja Crianza",
                "Spanish red, oak and cherry.",
                800,
                true,
                &[Sulphites],
            ),
            (
                "Prosecco",
                "Glass of Italian sparkling.",
                850,
                true,
                &[Sulphites],
            ),
        ],
    ),
    (
        "Soft drinks",
        &[
            ("Cola", "330 ml bottle.", 300, true, &[]),
            ("Sparkling Water", "500 ml bottle.", 250, true, &[]),
            ("Ginger Beer", "Fiery, 275 ml.", 350, true, &[]),
        ],
    ),
    (
        "Food",
        &[
            (
                "Cheeseburger",
                "Beef patty, cheddar, pickles, brioche bun, fries.",
                1250,
                true,
                &[Gluten, Milk, Eggs, Mustard, Sesame],
            ),
            ("Salted Peanuts", "A bowl to share.", 350, true, &[Peanuts]),
            (
                "Nachos",
                "Cheese, jalapeños, salsa, sour cream.",
                850,
                true,
                &[Milk],
            ),
            (
                "Loaded Fries",
                "Cheese sauce, spring onion, bacon bits.",
                750,
                true,
                &[Gluten, Milk, Mustard],
            ),
        ],
    ),
];

/// The demo's stations: drinks are poured at the first, the categories
/// named with the second are prepared there.
const DEMO_STATIONS: [&str; 2] = ["Bar", "Kitchen"];

/// The demo categories prepared in the kitchen; the rest at the bar.
const KITCHEN_CATEGORIES: [&str; 1] = ["Food"];

/// Loads the demo menu unless the menu already has categories.
pub async fn ensure_demo_menu(menu: &MenuService) -> AppResult<bool> {
    if !menu.is_empty().await? {
        return Ok(false);
    }
    let [bar, kitchen] = DEMO_STATIONS;
    let bar = demo_station(menu, bar).await?;
    let kitchen = demo_station(menu, kitchen).await?;
    for (category, items) in DEMO_MENU {
        let station_id = if KITCHEN_CATEGORIES.contains(&category) {
            kitchen.clone()
        } else {
            bar.clone()
        };
        let created = menu
            .create_category(CategoryRequest {
                name: category.to_owned(),
                station_id: Some(station_id),
            })
            .await?;
        for (name, description, price_cents, available, allergens) in items {
            menu.create_item(NewItemRequest {
                category_id: created.id.clone(),
                name: (*name).to_owned(),
                description: (*description).to_owned(),
                price_cents: *price_cents,
                allergens: allergens.to_vec(),
                option_groups: demo_options(name),
                available: *available,
            })
            .await?;
        }
    }
    Ok(true)
}

/// The id of the station with this name, added if the bar has none.
async fn demo_station(menu: &MenuService, name: &str) -> AppResult<String> {
    let found = menu
        .stations()
        .await?
        .stations
        .into_iter()
        .find(|s| s.name.eq_ignore_ascii_case(name));
    match found {
        Some(station) => Ok(station.id),
        None => Ok(menu
            .create_station(StationRequest {
                name: name.to_owned(),
            })
            .await?
            .id),
    }
}

/// The option groups of a demo item, as an admin would send them.
fn demo_options(item: &str) -> Vec<OptionGroupInput> {
    let groups = DEMO_OPTIONS
        .iter()
        .find(|(name, _)| *name == item)
        .map(|(_, groups)| *groups)
        .unwrap_or_default();
    groups
        .iter()
        .map(|(name, min, max, options)| OptionGroupInput {
            id: None,
            name: (*name).to_owned(),
            min_choices: *min,
            max_choices: *max,
            options: options
                .iter()
                .map(|(name, delta)| ItemOptionInput {
                    id: None,
                    name: (*name).to_owned(),
                    price_delta_cents: *delta,
                    available: true,
                })
                .collect(),
        })
        .collect()
}
