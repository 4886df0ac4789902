//! The demo menu `serve --demo` loads into an empty menu: a believable
//! bar with draught beer, cocktails, wine, soft drinks and snacks, one item
//! sold out, and the table labels printed as order links.

use shared::bar::{CategoryRequest, NewItemRequest};

use crate::error::AppResult;
use crate::services::menu::MenuService;

/// Tables whose order links the banner prints (as on their QR codes).
pub const DEMO_TABLES: [&str; 4] = ["1", "4", "7", "12"];

/// (category, [(name, description, price in cents, available)]).
type DemoCategory = (
    &'static str,
    &'static [(&'static str, &'static str, i64, bool)],
);

const DEMO_MENU: [DemoCategory; 5] = [
    (
        "Draught beer",
        &[
            ("House Lager", "Crisp and cold, 4.6%. Pint.", 550, true),
            ("Hazy IPA", "Citra and Mosaic hops, 6.2%. Pint.", 680, true),
            ("Irish Stout", "Roasty, creamy, 4.2%. Pint.", 620, true),
            (
                "Seasonal Sour",
                "Raspberry and lime, 4.8%. Half pint.",
                450,
                false,
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
            ),
            (
                "Espresso Martini",
                "Vodka, coffee liqueur, fresh espresso.",
                1200,
                true,
            ),
            (
                "Margarita",
                "Tequila, lime, orange liqueur, salt rim.",
                1050,
                true,
            ),
            (
                "Gin & Tonic",
                "London dry gin, Indian tonic, cucumber.",
                900,
                true,
            ),
        ],
    ),
    (
        "Wine",
        &[
            (
                "Pinot Grigio",
                "Dry Italian white. 175 ml glass.",
                750,
                true,
            ),
            (
                "Rioja Crianza",
                "Spanish red, oak and cherry. 175 ml glass.",
                800,
                true,
            ),
            ("Prosecco", "Glass of Italian sparkling.", 850, true),
        ],
    ),
    (
        "Soft drinks",
        &[
            ("Cola", "330 ml bottle.", 300, true),
            ("Sparkling Water", "500 ml bottle.", 250, true),
            ("Ginger Beer", "Fiery, 275 ml.", 350, true),
        ],
    ),
    (
        "Snacks",
        &[
            ("Salted Peanuts", "A bowl to share.", 350, true),
            ("Nachos", "Cheese, jalapeños, salsa, sour cream.", 850, true),
            (
                "Loaded Fries",
                "Cheese sauce, spring onion, bacon bits.",
                750,
                true,
            ),
        ],
    ),
];

/// Loads the demo menu unless the menu already has categories.
pub async fn ensure_demo_menu(menu: &MenuService) -> AppResult<bool> {
    if !menu.is_empty().await? {
        return Ok(false);
    }
    for (category, items) in DEMO_MENU {
        let created = menu
            .create_category(CategoryRequest {
                name: category.to_owned(),
            })
            .await?;
        for (name, description, price_cents, available) in items {
            menu.create_item(NewItemRequest {
                category_id: created.id.clone(),
                name: (*name).to_owned(),
                description: (*description).to_owned(),
                price_cents: *price_cents,
                available: *available,
            })
            .await?;
        }
    }
    Ok(true)
}
