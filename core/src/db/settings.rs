//! The `bar_settings` table: the bar's own settings, one row (id 1) that
//! the first change writes. A change writes its event in the same
//! transaction, so open bartender screens hear of every change, on every
//! instance.

use sqlx::FromRow;

use super::events::{lock_events, write_event, NewEvent};
use super::{on_pool, Db, DbError};

/// The settings as stored.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct SettingsRow {
    pub amber_after_secs: i64,
    pub red_after_secs: i64,
    /// When an admin last changed them (Unix ms).
    pub updated_at: i64,
}

/// The stored settings; `None` until an admin first changes one (the
/// defaults then apply).
pub async fn get(db: &Db) -> Result<Option<SettingsRow>, DbError> {
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, SettingsRow>(
            "SELECT amber_after_secs, red_after_secs, updated_at FROM bar_settings WHERE id = 1",
        )
        .fetch_optional(pool)
        .await?
    }))
}

/// Stores the ticket timers of `row` (writing the row if there is none yet)
/// and, in the same transaction, `event`.
pub async fn set_timers(db: &Db, row: &SettingsRow, event: &NewEvent<'_>) -> Result<(), DbError> {
    on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        lock_events!(db, tx);
        sqlx::query(
            "INSERT INTO bar_settings (id, amber_after_secs, red_after_secs, updated_at)
             VALUES (1, $1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET amber_after_secs = excluded.amber_after_secs,
                 red_after_secs = excluded.red_after_secs, updated_at = excluded.updated_at",
        )
        .bind(row.amber_after_secs)
        .bind(row.red_after_secs)
        .bind(row.updated_at)
        .execute(&mut *tx)
        .await?;
        write_event!(db, tx, event, row.updated_at);
        tx.commit().await?;
    });
    Ok(())
}
