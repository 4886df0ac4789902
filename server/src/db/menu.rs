//! The `menu_categories` and `menu_items` tables. Changes that customers
//! and staff see live write their event in the same transaction.

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

/// Categories and items not archived, in menu order.
pub async fn list(db: &Db) -> Result<(Vec<CategoryRow>, Vec<ItemRow>), DbError> {
    let items_sql = format!(
        "SELECT {ITEM_COLUMNS} FROM menu_items WHERE NOT archived ORDER BY position, name, id"
    );
    Ok(on_pool!(db, read, |pool| {
        let categories = sqlx::query_as::<_, CategoryRow>(
            "SELECT id, name, position, archived FROM menu_categories
             WHERE NOT archived ORDER BY position, name, id",
        )
        .fetch_all(pool)
        .await?;
        let items = sqlx::query_as::<_, ItemRow>(&items_sql)
            .fetch_all(pool)
            .await?;
        (categories, items)
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
    Ok(on_pool!(db, read, |pool| {
        let mut query = sqlx::query_as::<_, ItemRow>(&sql);
        for id in ids {
            query = query.bind(*id);
        }
        query.fetch_all(pool).await?
    }))
}

/// One item, archived or not.
pub async fn item(db: &Db, id: &str) -> Result<Option<ItemRow>, DbError> {
    let sql = format!("SELECT {ITEM_COLUMNS} FROM menu_items WHERE id = $1");
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, ItemRow>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await?
    }))
}

/// One category that is not archived.
pub async fn category(db: &Db, id: &str) -> Result<Option<CategoryRow>, DbError> {
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, CategoryRow>(
            "SELECT id, name, position, archived FROM menu_categories WHERE id = $1 AND NOT archived",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
    }))
}

/// Adds a category at the end.
pub async fn insert_category(db: &Db, id: &str, name: &str, now: i64) -> Result<(), DbError> {
    on_pool!(db, write, |pool| {
        sqlx::query(
            "INSERT INTO menu_categories (id, name, position, archived, created_at, updated_at)
             VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM menu_categories), FALSE, $3, $3)",
        )
        .bind(id)
        .bind(name)
        .bind(now)
        .execute(pool)
        .await?;
    });
    Ok(())
}

/// Renames a category; false if there is none.
pub async fn rename_category(db: &Db, id: &str, name: &str, now: i64) -> Result<bool, DbError> {
    let rows = on_pool!(db, write, |pool| {
        sqlx::query(
            "UPDATE menu_categories SET name = $2, updated_at = $3 WHERE id = $1 AND NOT archived",
        )
        .bind(id)
        .bind(name)
        .bind(now)
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
        let row = sqlx::query_as::<_, ItemRow>(&select)
            .bind(item.id)
            .fetch_one(&mut *tx)
            .await?;
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
                let row = sqlx::query_as::<_, ItemRow>(&select)
                    .bind(item.id)
                    .fetch_one(&mut *tx)
                    .await?;
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
            Some(row) => {
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
