//! The `menu_categories` and `menu_items` tables, and the items' options
//! (`menu_option_groups`, `menu_options`). Changes that customers and
//! staff see live write their event in the same transaction.

use std::collections::HashMap;

use shared::bar::Allergen;
use sqlx::FromRow;

use super::events::{lock_events, write_event, NewEvent};
use super::{on_pool, Db, DbError};

/// A category as stored.
#[derive(Clone, Debug, FromRow)]
pub struct CategoryRow {
    pub id: String,
    pub name: String,
    pub position: i64,
    pub archived: bool,
    /// The station that prepares its items.
    pub station_id: String,
}

/// An item as stored.
#[derive(Clone, Debug, FromRow)]
pub struct ItemRow {
    pub id: String,
    pub category_id: String,
    pub name: String,
    pub description: String,
    pub price_cents: i64,
    /// As [`encode_allergens`] wrote it; read with [`decode_allergens`].
    pub allergens: String,
    pub available: bool,
    pub position: i64,
    pub archived: bool,
    /// Its option groups in menu order, read with the item by a query of
    /// their own (`read_groups!`).
    #[sqlx(skip)]
    pub option_groups: Vec<GroupRow>,
}

/// An option group as stored, with its options; also what an admin's new
/// list is written as (ids already chosen).
#[derive(Clone, Debug, FromRow)]
pub struct GroupRow {
    pub id: String,
    pub item_id: String,
    pub name: String,
    pub min_choices: i64,
    pub max_choices: i64,
    /// In menu order.
    #[sqlx(skip)]
    pub options: Vec<OptionRow>,
}

/// An option as stored.
#[derive(Clone, Debug, FromRow)]
pub struct OptionRow {
    pub id: String,
    pub group_id: String,
    pub name: String,
    pub price_delta_cents: i64,
    pub available: bool,
}

const ITEM_COLUMNS: &str =
    "id, category_id, name, description, price_cents, allergens, available, position, archived";

/// Allergens as stored (in `menu_items` and `order_lines`): their wire
/// names joined by commas, `''` for none.
pub fn encode_allergens(allergens: &[Allergen]) -> String {
    allergens
        .iter()
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// The allergens of a stored list, each once, in the law's order. Only
/// [`encode_allergens`] writes the columns; a name it cannot have written
/// (an edit by hand) is logged and skipped rather than failing every read
/// of the menu.
pub fn decode_allergens(stored: &str) -> Vec<Allergen> {
    let mut list: Vec<Allergen> = stored
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .filter_map(|name| {
            let found = Allergen::parse(name);
            if found.is_none() {
                tracing::warn!(name, "unknown allergen in the database; skipped");
            }
            found
        })
        .collect();
    list.sort_unstable();
    list.dedup();
    list
}

/// The two statements that read option groups and their options, in menu
/// order, for the items `filter` selects: an SQL condition on the groups
/// (`g`) and their items (`i`).
fn group_queries(filter: &str) -> (String, String) {
    (
        format!(
            "SELECT g.id, g.item_id, g.name, g.min_choices, g.max_choices
             FROM menu_option_groups g JOIN menu_items i ON i.id = g.item_id
             WHERE {filter} ORDER BY g.item_id, g.position, g.id"
        ),
        format!(
            "SELECT o.id, o.group_id, o.name, o.price_delta_cents, o.available
             FROM menu_options o
             JOIN menu_option_groups g ON g.id = o.group_id
             JOIN menu_items i ON i.id = g.item_id
             WHERE {filter} ORDER BY o.group_id, o.position, o.id"
        ),
    )
}

/// Reads the option groups of the items a filter selects (see
/// [`group_queries`]; `$binds`, a `&[&str]`, are bound as `$1`, `$2`, …)
/// on `$conn`, a pool or `&mut *tx`: two queries however many items, the
/// options attached in memory. Evaluates to the groups by item id.
macro_rules! read_groups {
    ($conn:expr, $filter:expr, $binds:expr) => {{
        let (groups_sql, options_sql) = group_queries($filter);
        // Owned, so that a list written in place (`&[id]`) need not outlive
        // the statement that names it.
        let binds: Vec<&str> = $binds.to_vec();
        let mut groups = sqlx::query_as::<_, GroupRow>(&groups_sql);
        for id in &binds {
            groups = groups.bind(*id);
        }
        let groups = groups.fetch_all($conn).await?;
        let mut options = sqlx::query_as::<_, OptionRow>(&options_sql);
        for id in &binds {
            options = options.bind(*id);
        }
        let options = options.fetch_all($conn).await?;
        attach_options(groups, options)
    }};
}

/// Puts each option into its group, keeping the order both were read in,
/// and answers the groups by item id.
fn attach_options(
    groups: Vec<GroupRow>,
    options: Vec<OptionRow>,
) -> HashMap<String, Vec<GroupRow>> {
    let mut by_group: HashMap<String, Vec<OptionRow>> = HashMap::new();
    for option in options {
        by_group
            .entry(option.group_id.clone())
            .or_default()
            .push(option);
    }
    let mut by_item: HashMap<String, Vec<GroupRow>> = HashMap::new();
    for mut group in groups {
        group.options = by_group.remove(&group.id).unwrap_or_default();
        by_item
            .entry(group.item_id.clone())
            .or_default()
            .push(group);
    }
    by_item
}

/// Gives each item its groups from `read_groups!`'s answer.
fn with_groups(
    mut items: Vec<ItemRow>,
    mut groups: HashMap<String, Vec<GroupRow>>,
) -> Vec<ItemRow> {
    for item in &mut items {
        item.option_groups = groups.remove(&item.id).unwrap_or_default();
    }
    items
}

/// Replaces an item's option groups with `groups` inside the transaction
/// `$tx`: the old ones go (options first, so nothing relies on the cascade)
/// and the new list is written in its order, with the ids it carries.
macro_rules! replace_groups {
    ($tx:expr, $item_id:expr, $groups:expr) => {{
        let item_id: &str = $item_id;
        let groups: &[GroupRow] = $groups;
        sqlx::query(
            "DELETE FROM menu_options WHERE group_id IN
                 (SELECT id FROM menu_option_groups WHERE item_id = $1)",
        )
        .bind(item_id)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("DELETE FROM menu_option_groups WHERE item_id = $1")
            .bind(item_id)
            .execute(&mut *$tx)
            .await?;
        for (position, group) in groups.iter().enumerate() {
            sqlx::query(
                "INSERT INTO menu_option_groups (id, item_id, position, name, min_choices, max_choices)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&group.id)
            .bind(item_id)
            .bind(position as i64 + 1)
            .bind(&group.name)
            .bind(group.min_choices)
            .bind(group.max_choices)
            .execute(&mut *$tx)
            .await?;
            for (position, option) in group.options.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO menu_options (id, group_id, position, name, price_delta_cents, available)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&option.id)
                .bind(&group.id)
                .bind(position as i64 + 1)
                .bind(&option.name)
                .bind(option.price_delta_cents)
                .bind(option.available)
                .execute(&mut *$tx)
                .await?;
            }
        }
    }};
}

/// Categories and items not archived, in menu order: by position, then
/// name byte by byte (`"binary"`: SQLite's own BINARY, and a collation of
/// that name on PostgreSQL, see its migrations), then id. The apps keep
/// this order when a live update moves an item (`ui::menu`).
pub async fn list(db: &Db) -> Result<(Vec<CategoryRow>, Vec<ItemRow>), DbError> {
    let items_sql = format!(
        "SELECT {ITEM_COLUMNS} FROM menu_items WHERE NOT archived
         ORDER BY position, name COLLATE \"binary\", id"
    );
    Ok(on_pool!(db, read, |pool| {
        let categories = sqlx::query_as::<_, CategoryRow>(
            "SELECT id, name, position, archived, COALESCE(station_id, '') AS station_id
             FROM menu_categories
             WHERE NOT archived ORDER BY position, name COLLATE \"binary\", id",
        )
        .fetch_all(pool)
        .await?;
        let items = sqlx::query_as::<_, ItemRow>(&items_sql)
            .fetch_all(pool)
            .await?;
        let groups = read_groups!(pool, "NOT i.archived", &[]);
        (categories, with_groups(items, groups))
    }))
}

/// Items by id (archived ones too), for pricing an order.
pub async fn items_by_ids(db: &Db, ids: &[&str]) -> Result<Vec<ItemRow>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = (1..=ids.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("SELECT {ITEM_COLUMNS} FROM menu_items WHERE id IN ({placeholders})");
    let groups_filter = format!("g.item_id IN ({placeholders})");
    Ok(on_pool!(db, read, |pool| {
        let mut query = sqlx::query_as::<_, ItemRow>(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        let items = query.fetch_all(pool).await?;
        let groups = read_groups!(pool, &groups_filter, ids);
        with_groups(items, groups)
    }))
}

/// One item with its option groups, archived or not.
pub async fn item(db: &Db, id: &str) -> Result<Option<ItemRow>, DbError> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM menu_items WHERE id = $1");
    Ok(on_pool!(db, read, |pool| {
        let row = sqlx::query_as::<_, ItemRow>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await?;
        match row {
            None => None,
            Some(mut row) => {
                let mut groups = read_groups!(pool, "g.item_id = $1", &[id]);
                row.option_groups = groups.remove(id).unwrap_or_default();
                Some(row)
            }
        }
    }))
}

/// One category that is not archived.
pub async fn category(db: &Db, id: &str) -> Result<Option<CategoryRow>, DbError> {
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, CategoryRow>(
            "SELECT id, name, position, archived, COALESCE(station_id, '') AS station_id
             FROM menu_categories WHERE id = $1 AND NOT archived",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
    }))
}

/// Adds a category at the end, prepared at a station.
pub async fn insert_category(
    db: &Db,
    id: &str,
    name: &str,
    station_id: &str,
    now: i64,
) -> Result<(), DbError> {
    on_pool!(db, write, |pool| {
        sqlx::query(
            "INSERT INTO menu_categories (id, name, position, archived, created_at, updated_at, station_id)
             VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM menu_categories), FALSE, $3, $3, $4)",
        )
        .bind(id)
        .bind(name)
        .bind(now)
        .bind(station_id)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Renames a category, and moves it to another station if one is given;
/// false if there is none.
pub async fn rename_category(
    db: &Db,
    id: &str,
    name: &str,
    station_id: Option<&str>,
    now: i64,
) -> Result<bool, DbError> {
    let rows = on_pool!(db, write, |pool| {
        sqlx::query(
            "UPDATE menu_categories SET name = $2, updated_at = $3,
                 station_id = COALESCE($4, station_id)
             WHERE id = $1 AND NOT archived",
        )
        .bind(id)
        .bind(name)
        .bind(now)
        .bind(station_id)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(rows == 1)
}

/// What removing a category or an item did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Deleted,
    Archived,
    /// The category still has items on the menu.
    NotEmpty,
    NotFound,
}

/// Deletes a category without items on the menu; one that still holds
/// archived items (named by past orders) is archived instead.
pub async fn remove_category(db: &Db, id: &str, now: i64) -> Result<Removal, DbError> {
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        let found: Option<(String,)> =
            sqlx::query_as("SELECT id FROM menu_categories WHERE id = $1 AND NOT archived")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let outcome = if found.is_none() {
            Removal::NotFound
        } else {
            let (live, archived): (i64, i64) = sqlx::query_as(
                "SELECT CAST(COALESCE(SUM(CASE WHEN archived THEN 0 ELSE 1 END), 0) AS BIGINT),
                        CAST(COALESCE(SUM(CASE WHEN archived THEN 1 ELSE 0 END), 0) AS BIGINT)
                 FROM menu_items WHERE category_id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            if live > 0 {
                Removal::NotEmpty
            } else if archived > 0 {
                sqlx::query(
                    "UPDATE menu_categories SET archived = TRUE, updated_at = $2 WHERE id = $1",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                Removal::Archived
            } else {
                sqlx::query("DELETE FROM menu_categories WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                Removal::Deleted
            }
        };
        tx.commit().await?;
        outcome
    }))
}

/// Puts categories in the given order. False unless `ids` names every
/// category on the menu exactly once.
pub async fn reorder_categories(db: &Db, ids: &[String], now: i64) -> Result<bool, DbError> {
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        let current: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM menu_categories WHERE NOT archived")
                .fetch_all(&mut *tx)
                .await?;
        if !same_set(current.iter().map(|(id,)| id.as_str()), ids) {
            false
        } else {
            for (position, id) in ids.iter().enumerate() {
                sqlx::query(
                    "UPDATE menu_categories SET position = $2, updated_at = $3 WHERE id = $1",
                )
                .bind(id)
                .bind(position as i64 + 1)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            true
        }
    }))
}

/// Puts a category's items in the given order. False unless `ids` names
/// every item of the category on the menu exactly once.
pub async fn reorder_items(
    db: &Db,
    category_id: &str,
    ids: &[String],
    now: i64,
) -> Result<bool, DbError> {
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        let current: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM menu_items WHERE category_id = $1 AND NOT archived")
                .bind(category_id)
                .fetch_all(&mut *tx)
                .await?;
        if !same_set(current.iter().map(|(id,)| id.as_str()), ids) {
            false
        } else {
            for (position, id) in ids.iter().enumerate() {
                sqlx::query("UPDATE menu_items SET position = $2, updated_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(position as i64 + 1)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            true
        }
    }))
}

fn same_set<'a>(current: impl Iterator<Item = &'a str>, wanted: &[String]) -> bool {
    let mut a: Vec<&str> = current.collect();
    let mut b: Vec<&str> = wanted.iter().map(String::as_str).collect();
    a.sort_unstable();
    b.sort_unstable();
    let unique = b.windows(2).all(|w| w[0] != w[1]);
    unique && a == b
}

/// An item to insert or the new state of one.
pub struct ItemFields<'a> {
    pub id: &'a str,
    pub category_id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub price_cents: i64,
    /// Each once, in the law's order (`validate::allergens`).
    pub allergens: &'a [Allergen],
    /// The whole new list of option groups, ids chosen; `None` keeps the
    /// item's groups as they are (an insert then has none).
    pub option_groups: Option<&'a [GroupRow]>,
    pub available: bool,
}

/// Adds an item at the end of its category and writes its event (built
/// from the stored row by `payload`).
pub async fn insert_item(
    db: &Db,
    item: &ItemFields<'_>,
    now: i64,
    payload: &(dyn Fn(&ItemRow) -> String + Sync),
) -> Result<ItemRow, DbError> {
    let select = format!("SELECT {ITEM_COLUMNS} FROM menu_items WHERE id = $1");
    let allergens = encode_allergens(item.allergens);
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        lock_events!(db, tx);
        sqlx::query(
            "INSERT INTO menu_items (id, category_id, name, description, price_cents, available,
                 position, archived, created_at, updated_at, allergens)
             VALUES ($1, $2, $3, $4, $5, $6,
                 (SELECT COALESCE(MAX(position), 0) + 1 FROM menu_items WHERE category_id = $2),
                 FALSE, $7, $7, $8)",
        )
        .bind(item.id)
        .bind(item.category_id)
        .bind(item.name)
        .bind(item.description)
        .bind(item.price_cents)
        .bind(item.available)
        .bind(now)
        .bind(&allergens)
        .execute(&mut *tx)
        .await?;
        if let Some(groups) = item.option_groups {
            replace_groups!(tx, item.id, groups);
        }
        let mut row = sqlx::query_as::<_, ItemRow>(&select)
            .bind(item.id)
            .fetch_one(&mut *tx)
            .await?;
        let mut groups = read_groups!(&mut *tx, "g.item_id = $1", &[item.id]);
        row.option_groups = groups.remove(item.id).unwrap_or_default();
        let event = NewEvent {
            kind: shared::events::StreamEvent::MenuItem,
            customer_id: None,
            payload: payload(&row),
        };
        write_event!(db, tx, &event, now);
        tx.commit().await?;
        row
    }))
}

/// Replaces an item's fields (not archived ones) and writes its event.
/// `None` if there is no such item on the menu.
pub async fn update_item(
    db: &Db,
    item: &ItemFields<'_>,
    now: i64,
    payload: &(dyn Fn(&ItemRow) -> String + Sync),
) -> Result<Option<ItemRow>, DbError> {
    let select = format!("SELECT {ITEM_COLUMNS} FROM menu_items WHERE id = $1");
    let allergens = encode_allergens(item.allergens);
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        lock_events!(db, tx);
        let moved = sqlx::query_as::<_, (String,)>(
            "SELECT category_id FROM menu_items WHERE id = $1 AND NOT archived",
        )
        .bind(item.id)
        .fetch_optional(&mut *tx)
        .await?;
        match moved {
            None => None,
            Some((old_category,)) => {
                let position_sql = if old_category == item.category_id {
                    "position"
                } else {
                    "(SELECT COALESCE(MAX(position), 0) + 1 FROM menu_items WHERE category_id = $2)"
                };
                let sql = format!(
                    "UPDATE menu_items SET category_id = $2, name = $3, description = $4,
                         price_cents = $5, available = $6, position = {position_sql}, updated_at = $7,
                         allergens = $8
                     WHERE id = $1"
                );
                sqlx::query(&sql)
                    .bind(item.id)
                    .bind(item.category_id)
                    .bind(item.name)
                    .bind(item.description)
                    .bind(item.price_cents)
                    .bind(item.available)
                    .bind(now)
                    .bind(&allergens)
                    .execute(&mut *tx)
                    .await?;
                if let Some(groups) = item.option_groups {
                    replace_groups!(tx, item.id, groups);
                }
                let mut row = sqlx::query_as::<_, ItemRow>(&select)
                    .bind(item.id)
                    .fetch_one(&mut *tx)
                    .await?;
                let mut groups = read_groups!(&mut *tx, "g.item_id = $1", &[item.id]);
                row.option_groups = groups.remove(item.id).unwrap_or_default();
                let event = NewEvent {
                    kind: shared::events::StreamEvent::MenuItem,
                    customer_id: None,
                    payload: payload(&row),
                };
                write_event!(db, tx, &event, now);
                tx.commit().await?;
                Some(row)
            }
        }
    }))
}

/// Deletes an item, or archives it when past orders name it, and writes
/// its event (`payload` gets the row as it was).
pub async fn remove_item(
    db: &Db,
    id: &str,
    now: i64,
    payload: &(dyn Fn(&ItemRow) -> String + Sync),
) -> Result<Removal, DbError> {
    let select = format!("SELECT {ITEM_COLUMNS} FROM menu_items WHERE id = $1 AND NOT archived");
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        lock_events!(db, tx);
        let row = sqlx::query_as::<_, ItemRow>(&select)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        match row {
            None => Removal::NotFound,
            Some(mut row) => {
                // The event shows the item as it was, options included,
                // before a delete takes them with it.
                let mut groups = read_groups!(&mut *tx, "g.item_id = $1", &[id]);
                row.option_groups = groups.remove(id).unwrap_or_default();
                let (used,): (i64,) =
                    sqlx::query_as("SELECT COUNT(*) FROM order_lines WHERE item_id = $1")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                let outcome = if used > 0 {
                    sqlx::query(
                        "UPDATE menu_items SET archived = TRUE, available = FALSE, updated_at = $2 WHERE id = $1",
                    )
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    Removal::Archived
                } else {
                    replace_groups!(tx, id, &[]);
                    sqlx::query("DELETE FROM menu_items WHERE id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    Removal::Deleted
                };
                let event = NewEvent {
                    kind: shared::events::StreamEvent::MenuItem,
                    customer_id: None,
                    payload: payload(&row),
                };
                write_event!(db, tx, &event, now);
                tx.commit().await?;
                outcome
            }
        }
    }))
}

/// Marks one option of an item on the menu available or sold out and
/// writes the item's event. `None` when the item is not on the menu or
/// the option is not one of its own.
pub async fn set_option_availability(
    db: &Db,
    item_id: &str,
    option_id: &str,
    available: bool,
    now: i64,
    payload: &(dyn Fn(&ItemRow) -> String + Sync),
) -> Result<Option<ItemRow>, DbError> {
    let select = format!("SELECT {ITEM_COLUMNS} FROM menu_items WHERE id = $1");
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        lock_events!(db, tx);
        // The option must belong to one of this item's groups: an id from
        // another item is not found, rather than changing that item.
        let changed = sqlx::query(
            "UPDATE menu_options SET available = $3
             WHERE id = $2 AND group_id IN (
                 SELECT g.id FROM menu_option_groups g JOIN menu_items i ON i.id = g.item_id
                 WHERE g.item_id = $1 AND NOT i.archived)",
        )
        .bind(item_id)
        .bind(option_id)
        .bind(available)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            None
        } else {
            sqlx::query("UPDATE menu_items SET updated_at = $2 WHERE id = $1")
                .bind(item_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            let mut row = sqlx::query_as::<_, ItemRow>(&select)
                .bind(item_id)
                .fetch_one(&mut *tx)
                .await?;
            let mut groups = read_groups!(&mut *tx, "g.item_id = $1", &[item_id]);
            row.option_groups = groups.remove(item_id).unwrap_or_default();
            let event = NewEvent {
                kind: shared::events::StreamEvent::MenuItem,
                customer_id: None,
                payload: payload(&row),
            };
            write_event!(db, tx, &event, now);
            tx.commit().await?;
            Some(row)
        }
    }))
}

/// Whether any category exists (the demo menu is loaded only into an empty one).
pub async fn is_empty(db: &Db) -> Result<bool, DbError> {
    let (n,): (i64,) = on_pool!(db, read, |pool| {
        sqlx::query_as("SELECT COUNT(*) FROM menu_categories")
            .fetch_one(pool)
            .await?
    });
    Ok(n == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allergens_are_stored_as_their_names_and_read_back() {
        let list = [Allergen::Gluten, Allergen::TreeNuts, Allergen::Sulphites];
        let stored = encode_allergens(&list);
        assert_eq!(stored, "gluten,tree_nuts,sulphites");
        assert_eq!(decode_allergens(&stored), list);
        assert_eq!(encode_allergens(&[]), "");
        assert!(decode_allergens("").is_empty());
        // Whatever a hand edit left: each known one once, in order.
        assert_eq!(
            decode_allergens("milk, gluten,,milk,Peanuts"),
            [Allergen::Gluten, Allergen::Milk]
        );
    }
}
