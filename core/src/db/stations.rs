//! The `stations` table: where categories are prepared. Order lines copy
//! their station's id and name when ordered, so nothing here changes a
//! ticket already printed.

use std::collections::HashMap;

use sqlx::FromRow;

use super::{on_pool, Db, DbError};

/// The station a database without any gets when its first category is
/// made (the same id the migration gives an existing bar's station).
pub const DEFAULT_ID: &str = "00000000-0000-4000-8000-00000000ba00";

/// The default station's name.
pub const DEFAULT_NAME: &str = "Bar";

/// A station as stored.
#[derive(Clone, Debug, FromRow)]
pub struct StationRow {
    pub id: String,
    pub name: String,
    pub position: i64,
}

/// What adding a station did.
#[derive(Debug)]
pub enum Added {
    Added(StationRow),
    /// The bar already has `max` stations.
    Full,
}

/// What deleting a station did, or why it did not.
#[derive(Debug, PartialEq, Eq)]
pub enum Removal {
    Deleted,
    NotFound,
    /// It is the only station.
    Last,
    /// This many open orders have lines at it.
    OpenLines(i64),
    /// These categories (not archived) are prepared there.
    InUse(Vec<String>),
}

/// Every station, in order: by position, then name byte by byte, then id,
/// on either database (as [`super::menu::list`] orders the menu).
pub async fn list(db: &Db) -> Result<Vec<StationRow>, DbError> {
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, StationRow>(
            "SELECT id, name, position FROM stations ORDER BY position, name COLLATE \"binary\", id",
        )
        .fetch_all(pool)
        .await?
    }))
}

/// One station.
pub async fn get(db: &Db, id: &str) -> Result<Option<StationRow>, DbError> {
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, StationRow>("SELECT id, name, position FROM stations WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await?
    }))
}

/// Adds a station at the end, unless there are `max` already. A name
/// another station has (ignoring case) is [`DbError::UniqueViolation`].
pub async fn insert(db: &Db, id: &str, name: &str, max: usize, now: i64) -> Result<Added, DbError> {
    let max = i64::try_from(max).unwrap_or(i64::MAX);
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM stations")
            .fetch_one(&mut *tx)
            .await?;
        if count >= max {
            Added::Full
        } else {
            sqlx::query(
                "INSERT INTO stations (id, name, position, created_at, updated_at)
                 VALUES ($1, $2, (SELECT COALESCE(MAX(position), -1) + 1 FROM stations), $3, $3)",
            )
            .bind(id)
            .bind(name)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(DbError::classify)?;
            let row = sqlx::query_as::<_, StationRow>(
                "SELECT id, name, position FROM stations WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Added::Added(row)
        }
    }))
}

/// Adds the default station if there is no station at all. Two callers
/// racing both end with exactly one.
pub async fn ensure_one(db: &Db, now: i64) -> Result<(), DbError> {
    let added = on_pool!(db, write, |pool| {
        sqlx::query(
            "INSERT INTO stations (id, name, position, created_at, updated_at)
             SELECT $1, $2, 0, $3, $3
             WHERE NOT EXISTS (SELECT 1 FROM stations)",
        )
        .bind(DEFAULT_ID)
        .bind(DEFAULT_NAME)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ())
        .map_err(DbError::classify)
    });
    match added {
        // The other caller added it first.
        Ok(_) | Err(DbError::UniqueViolation) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Renames a station; false if there is none. A name another station has
/// (ignoring case) is [`DbError::UniqueViolation`].
pub async fn rename(db: &Db, id: &str, name: &str, now: i64) -> Result<bool, DbError> {
    let rows = on_pool!(db, write, |pool| {
        sqlx::query("UPDATE stations SET name = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(name)
            .bind(now)
            .execute(pool)
            .await
            .map_err(DbError::classify)?
            .rows_affected()
    });
    Ok(rows == 1)
}

/// Deletes a station that no open order and no category on the menu needs,
/// and that is not the last one. Archived categories that pointed at it
/// are moved to the first remaining station in the same transaction.
pub async fn remove(db: &Db, id: &str, now: i64) -> Result<Removal, DbError> {
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        let found: Option<(String,)> = sqlx::query_as("SELECT id FROM stations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let (others,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM stations WHERE id <> $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let (open,): (i64,) = sqlx::query_as(
            "SELECT COUNT(DISTINCT o.id) FROM orders o
             JOIN order_lines l ON l.order_id = o.id
             WHERE l.station_id = $1 AND o.status IN ('received', 'preparing', 'ready')",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let in_use: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM menu_categories WHERE station_id = $1 AND NOT archived
             ORDER BY position, name COLLATE \"binary\", id",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        if found.is_none() {
            Removal::NotFound
        } else if others == 0 {
            Removal::Last
        } else if open > 0 {
            Removal::OpenLines(open)
        } else if !in_use.is_empty() {
            Removal::InUse(in_use.into_iter().map(|(name,)| name).collect())
        } else {
            sqlx::query(
                "UPDATE menu_categories SET updated_at = $2, station_id =
                     (SELECT s.id FROM stations s WHERE s.id <> $1
                      ORDER BY s.position, s.name COLLATE \"binary\", s.id LIMIT 1)
                 WHERE station_id = $1",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM stations WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Removal::Deleted
        }
    }))
}

/// The station (id, name) of each of these categories that has one, for
/// the lines of a new order.
pub async fn of_categories(
    db: &Db,
    category_ids: &[&str],
) -> Result<HashMap<String, (String, String)>, DbError> {
    if category_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let placeholders = (1..=category_ids.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT c.id, s.id, s.name FROM menu_categories c
         JOIN stations s ON s.id = c.station_id
         WHERE c.id IN ({placeholders})"
    );
    let rows: Vec<(String, String, String)> = on_pool!(db, read, |pool| {
        let mut query = sqlx::query_as::<_, (String, String, String)>(&sql);
        for id in category_ids {
            query = query.bind(*id);
        }
        query.fetch_all(pool).await?
    });
    Ok(rows
        .into_iter()
        .map(|(category, id, name)| (category, (id, name)))
        .collect())
}
