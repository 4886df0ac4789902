//! The menu as the app holds it between reloads: live item events patch it
//! in place, so a drink that runs out shows "Sold out" at once.

use std::collections::HashMap;

use shared::bar::{MenuCategory, MenuItem, MenuItemEvent, MenuResponse};

/// Applies one live change, the one rule of every app: the item is
/// replaced where it was (or moved to its new category), added when new,
/// or taken off the menu when `removed`; items keep the server's order,
/// by position, name and id. Answers `false` when the item belongs to a
/// category this copy does not know yet: the caller loads the menu again.
pub fn apply_item_event(categories: &mut [MenuCategory], event: &MenuItemEvent) -> bool {
    let item = &event.item;
    for category in categories.iter_mut() {
        category.items.retain(|i| i.id != item.id);
    }
    if event.removed {
        return true;
    }
    let Some(category) = categories.iter_mut().find(|c| c.id == item.category_id) else {
        return false;
    };
    let at = category
        .items
        .iter()
        .position(|i| (i.position, &i.name, &i.id) > (item.position, &item.name, &item.id))
        .unwrap_or(category.items.len());
    category.items.insert(at, item.clone());
    true
}

/// Every item by id.
pub fn items_by_id(menu: &MenuResponse) -> HashMap<String, MenuItem> {
    menu.categories
        .iter()
        .flat_map(|c| c.items.iter())
        .map(|i| (i.id.clone(), i.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, category: &str, position: i64) -> MenuItem {
        MenuItem {
            id: id.to_owned(),
            category_id: category.to_owned(),
            available: true,
            position,
            ..MenuItem::default()
        }
    }

    fn menu() -> MenuResponse {
        let category = |id: &str, items: Vec<MenuItem>| MenuCategory {
            id: id.to_owned(),
            name: id.to_owned(),
            items,
            ..MenuCategory::default()
        };
        MenuResponse {
            categories: vec![
                category("beer", vec![item("a", "beer", 0), item("b", "beer", 1)]),
                category("food", vec![item("c", "food", 0)]),
            ],
        }
    }

    fn ids(menu: &MenuResponse, category: usize) -> Vec<&str> {
        menu.categories[category]
            .items
            .iter()
            .map(|i| i.id.as_str())
            .collect()
    }

    /// Applies `item` changed (or `removed`) to `menu`.
    fn apply(menu: &mut MenuResponse, item: MenuItem, removed: bool) -> bool {
        apply_item_event(&mut menu.categories, &MenuItemEvent { item, removed })
    }

    #[test]
    fn an_item_that_runs_out_stays_in_place() {
        let mut menu = menu();
        let mut sold_out = item("a", "beer", 0);
        sold_out.available = false;
        apply(&mut menu, sold_out, false);
        assert_eq!(ids(&menu, 0), ["a", "b"]);
        assert!(!menu.categories[0].items[0].available);
    }

    #[test]
    fn removed_items_leave_and_moved_items_change_category() {
        let mut menu = menu();
        apply(&mut menu, item("b", "beer", 1), true);
        assert_eq!(ids(&menu, 0), ["a"]);
        apply(&mut menu, item("a", "food", 5), false);
        assert!(ids(&menu, 0).is_empty());
        assert_eq!(ids(&menu, 1), ["c", "a"]);
    }

    #[test]
    fn new_items_take_their_position() {
        let mut menu = menu();
        apply(&mut menu, item("n", "beer", 1), false);
        assert_eq!(ids(&menu, 0), ["a", "b", "n"]);
        assert_eq!(items_by_id(&menu).len(), 4);
    }

    #[test]
    fn an_item_of_an_unknown_category_asks_for_a_reload() {
        let mut menu = menu();
        assert!(!apply(&mut menu, item("gin", "spirits", 0), false));
        assert_eq!(items_by_id(&menu).len(), 3, "nothing added anywhere");
        assert!(apply(&mut menu, item("gin", "spirits", 0), true));
    }

    #[test]
    fn equal_positions_are_ordered_by_name_then_id() {
        let mut menu = menu();
        assert!(apply(&mut menu, item("aa", "beer", 0), false));
        assert_eq!(ids(&menu, 0), ["a", "aa", "b"]);
        // As the server lists them (`ORDER BY position, name, id`): a
        // name that sorts later goes after, whatever its id.
        let zest = MenuItem {
            name: "Zest".to_owned(),
            ..item("0", "beer", 1)
        };
        assert!(apply(&mut menu, zest, false));
        assert_eq!(ids(&menu, 0), ["a", "aa", "b", "0"]);
    }
}
