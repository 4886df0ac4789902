//! Rate-limit counts shared by every instance on PostgreSQL: each check is
//! one statement, atomic on its row, so instances racing on one key count
//! every attempt once (see `services::rate_limit` for the rules; these are
//! the same rules, row by row).

use sqlx::PgPool;

use super::DbError;

/// Counts one event against a bucket of `interval` ms per event and a
/// burst `tolerance`; `Err` holds the bucket's arrival time when refused.
pub async fn take(
    pool: &PgPool,
    key: &str,
    now: i64,
    interval: i64,
    tolerance: i64,
) -> Result<Result<(), i64>, DbError> {
    // Refused, the upsert changes nothing and returns no row.
    let admitted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO rate_limit_buckets AS b (key, tat) VALUES ($1, $2 + $3)
         ON CONFLICT (key) DO UPDATE SET tat = GREATEST(b.tat, $2) + $3
         WHERE GREATEST(b.tat, $2) - $2 <= $4
         RETURNING tat",
    )
    .bind(key)
    .bind(now)
    .bind(interval)
    .bind(tolerance)
    .fetch_optional(pool)
    .await?;
    if admitted.is_some() {
        return Ok(Ok(()));
    }
    let tat: Option<(i64,)> = sqlx::query_as("SELECT tat FROM rate_limit_buckets WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await?;
    Ok(Err(tat.map_or(now, |(t,)| t)))
}

/// A key's failures in its window and its lock, if any are recorded.
#[derive(Debug, Clone, Copy)]
pub struct FailureRow {
    pub failures: i32,
    pub window_start: i64,
    pub locked_until: i64,
}

/// The failure record of `key`.
pub async fn failures(pool: &PgPool, key: &str) -> Result<Option<FailureRow>, DbError> {
    let row: Option<(i32, i64, i64)> = sqlx::query_as(
        "SELECT failures, window_start, locked_until FROM rate_limit_failures WHERE key = $1",
    )
    .bind(key)
    .fetch_optional(pool)
    .await?;
    Ok(
        row.map(|(failures, window_start, locked_until)| FailureRow {
            failures,
            window_start,
            locked_until,
        }),
    )
}

/// One attempt on `key`, counted as a failure until it succeeds: refused
/// (`Err` with the lock's end) while a lock runs, otherwise counted within
/// windows of `period` ms (a window that has passed starts over), and once
/// `allowed` failures are reached, locked for 30 s doubling with each
/// further failure up to the period (`rate_limit::lock_ms`'s rule).
///
/// One statement on one row: attempts racing on any instance are counted
/// one after the other, so no more than the allowance gets through.
pub async fn attempt(
    pool: &PgPool,
    key: &str,
    now: i64,
    period: i64,
    allowed: i32,
) -> Result<Result<(), i64>, DbError> {
    let counted: Option<(i32,)> = sqlx::query_as(
        "INSERT INTO rate_limit_failures AS f (key, failures, window_start, locked_until, lapses_at)
         VALUES ($1, 1, $2,
                 CASE WHEN 1 >= $4 THEN $2 + LEAST(30000, GREATEST($3, 30000)) ELSE 0 END,
                 $2 + GREATEST($3, 30000))
         ON CONFLICT (key) DO UPDATE SET
           failures = (CASE WHEN $2 - f.window_start > $3 THEN 1 ELSE f.failures + 1 END),
           window_start = CASE WHEN $2 - f.window_start > $3 THEN $2 ELSE f.window_start END,
           locked_until = CASE WHEN (CASE WHEN $2 - f.window_start > $3 THEN 1 ELSE f.failures + 1 END) >= $4
                THEN $2 + LEAST(30000::bigint << LEAST((CASE WHEN $2 - f.window_start > $3 THEN 1 ELSE f.failures + 1 END) - $4, 20), GREATEST($3, 30000))
                ELSE f.locked_until END,
           lapses_at = GREATEST(f.lapses_at, $2 + GREATEST($3, 30000))
         WHERE f.locked_until <= $2
         RETURNING f.failures",
    )
    .bind(key)
    .bind(now)
    .bind(period)
    .bind(allowed)
    .fetch_optional(pool)
    .await?;
    if counted.is_some() {
        return Ok(Ok(()));
    }
    Ok(Err(failures(pool, key)
        .await?
        .map_or(now, |f| f.locked_until)))
}

/// Records a failure of `key` within windows of `period` ms (a window that
/// has passed, with no lock running, starts over); never locks.
pub async fn fail(pool: &PgPool, key: &str, now: i64, period: i64) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO rate_limit_failures AS f (key, failures, window_start, locked_until, lapses_at)
         VALUES ($1, 1, $2, 0, $2 + $3)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN $2 - f.window_start > $3 AND f.locked_until <= $2
                           THEN 1 ELSE f.failures + 1 END,
           window_start = CASE WHEN $2 - f.window_start > $3 AND f.locked_until <= $2
                               THEN $2 ELSE f.window_start END,
           lapses_at = GREATEST(f.lapses_at, $2 + $3)",
    )
    .bind(key)
    .bind(now)
    .bind(period)
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets `key`'s failures (after a success).
pub async fn clear(pool: &PgPool, key: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM rate_limit_failures WHERE key = $1")
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}

/// Deletes buckets that are full again and failures whose window and lock
/// have passed; returns how many rows went.
pub async fn prune(pool: &PgPool, now: i64) -> Result<u64, DbError> {
    let buckets = sqlx::query("DELETE FROM rate_limit_buckets WHERE tat <= $1")
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected();
    let failures = sqlx::query("DELETE FROM rate_limit_failures WHERE lapses_at < $1")
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected();
    Ok(buckets + failures)
}
