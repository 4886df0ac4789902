//! The store: every SQL statement of the server, one module per table,
//! over SQLite or PostgreSQL.
//!
//! Both backends share one schema shape (ids as UUID text, times as Unix
//! milliseconds) so that most statements are written once and run on
//! either pool; [`on_pool!`] expands a body for each backend.

pub mod activity;
pub mod calls;
pub mod events;
pub mod menu;
pub mod orders;
pub mod rate_limits;
pub mod sessions;
pub mod settings;
pub mod stations;
pub mod tabs;
pub mod transfer;
pub mod users;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolOptions;
use sqlx::postgres::PgConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, Database, PgPool, SqlitePool};

use crate::config::DatabaseKind;

/// How long [`Db::close`] waits for borrowed connections to come back.
pub const CLOSE_GRACE: Duration = Duration::from_secs(3);

/// A connection idle in a pool for longer than this is pinged before it is
/// handed out (see [`pool_options`]).
pub const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

/// Pool settings shared by every pool of the server.
///
/// sqlx tests each connection as it goes back into the pool (a ping on
/// release) and, by default, again as it comes out: one more round trip
/// per statement on PostgreSQL, one more trip through the worker thread on
/// SQLite. A connection released a moment ago was tested a moment ago, so
/// only one that has been idle for [`PING_IF_IDLE_FOR`] or longer (the
/// database may have restarted meanwhile) is pinged before use.
fn pool_options<DB: Database>() -> PoolOptions<DB> {
    PoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(|conn: &mut DB::Connection, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_IF_IDLE_FOR {
                    conn.ping().await?;
                }
                Ok(true)
            })
        })
}

/// A connection pool for either backend.
///
/// SQLite gets one writer connection and a few readers: SQLite admits one
/// writer at a time anyway, and funnelling writes through one connection
/// avoids `SQLITE_BUSY` between our own transactions.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the backend's pool; `read` or `write`
/// selects the SQLite pool (PostgreSQL has one).
macro_rules! on_pool {
    ($db:expr, $which:ident, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite { $which: $pool, .. } => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Row counts of a database, as `backup` reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupReport {
    pub users: i64,
    pub sessions: i64,
    pub orders: i64,
    pub events: i64,
}

/// One connection pool's use.
#[derive(Debug, Clone, Copy)]
pub struct PoolStats {
    pub name: &'static str,
    /// Connections open.
    pub size: u32,
    /// Of which waiting for work.
    pub idle: usize,
}

/// A store failure; unique violations are told apart by error kind.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("a unique constraint was violated")]
    UniqueViolation,
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl DbError {
    /// Turns a unique-constraint failure into [`DbError::UniqueViolation`].
    pub(crate) fn classify(err: sqlx::Error) -> DbError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => DbError::UniqueViolation,
            _ => DbError::Sqlx(err),
        }
    }
}

impl Db {
    /// Opens (creating a SQLite file and its folder if needed) and migrates.
    pub async fn connect(kind: &DatabaseKind) -> Result<Db, DbError> {
        let db = match kind {
            DatabaseKind::Sqlite { path } => Db::connect_sqlite(path).await?,
            DatabaseKind::Postgres { url } => {
                let opts = PgConnectOptions::from_str(url)?;
                let pool = pool_options::<sqlx::Postgres>()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(opts)
                    .await?;
                Db::Postgres(pool)
            }
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn connect_sqlite(path: &Path) -> Result<Db, DbError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| DbError::Sqlx(sqlx::Error::Io(e)))?;
        }
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let write = pool_options::<sqlx::Sqlite>()
            .max_connections(1)
            .connect_with(opts.clone())
            .await?;
        let read = pool_options::<sqlx::Sqlite>()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        Ok(Db::Sqlite { read, write })
    }

    /// Applies the backend's migrations (idempotent).
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Db::Sqlite { write, .. } => sqlx::migrate!("../migrations/sqlite").run(write).await?,
            Db::Postgres(pool) => sqlx::migrate!("../migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), DbError> {
        on_pool!(self, read, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Writes a consistent copy of a SQLite database to `target`, a new
    /// file, while other connections (a running server) go on reading and
    /// writing: `VACUUM INTO` copies one snapshot of the database, compacted.
    /// `None` on PostgreSQL, whose tool for this is `pg_dump`.
    pub async fn backup_sqlite(&self, target: &Path) -> Option<Result<(), DbError>> {
        let Db::Sqlite { read, .. } = self else {
            return None;
        };
        let target = target.to_string_lossy().into_owned();
        Some(
            sqlx::query("VACUUM INTO $1")
                .bind(target)
                .execute(read)
                .await
                .map(drop)
                .map_err(DbError::from),
        )
    }

    /// Checks a SQLite backup at `path` as a database of its own, opened
    /// read-only and not migrated: SQLite's integrity check must pass, and
    /// the answer says what it holds.
    pub async fn check_sqlite_backup(path: &Path) -> Result<BackupReport, DbError> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(false)
            .read_only(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts)
            .await?;
        let report = async {
            let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
                .fetch_one(&pool)
                .await?;
            if check != "ok" {
                return Err(DbError::Sqlx(sqlx::Error::Protocol(format!(
                    "integrity check: {check}"
                ))));
            }
            let count = |table: &'static str| {
                let sql = format!("SELECT COUNT(*) FROM {table}");
                let pool = &pool;
                async move {
                    let (n,): (i64,) = sqlx::query_as(&sql).fetch_one(pool).await?;
                    Ok::<i64, DbError>(n)
                }
            };
            Ok(BackupReport {
                users: count("users").await?,
                sessions: count("user_sessions").await?,
                orders: count("orders").await?,
                events: count("events").await?,
            })
        }
        .await;
        pool.close().await;
        report
    }

    /// Each pool's size and idle connections, for the metrics.
    pub fn pool_stats(&self) -> Vec<PoolStats> {
        let stats = |name, size, idle| PoolStats { name, size, idle };
        match self {
            Db::Sqlite { read, write } => vec![
                stats("sqlite_read", read.size(), read.num_idle()),
                stats("sqlite_write", write.size(), write.num_idle()),
            ],
            Db::Postgres(pool) => vec![stats("postgres", pool.size(), pool.num_idle())],
        }
    }

    /// Whether this is the PostgreSQL backend (several instances may share it).
    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres(_))
    }

    /// Refuses new work at once and closes the connections, waiting at most
    /// [`CLOSE_GRACE`] for borrowed ones (a revocation listener keeps one
    /// for as long as it lives; a stuck wait would hang shutdown).
    pub async fn close(&self) {
        let closing = async {
            match self {
                Db::Sqlite { read, write } => {
                    let (r, w) = (read.close(), write.close());
                    futures::join!(r, w);
                }
                Db::Postgres(pool) => pool.close().await,
            }
        };
        if tokio::time::timeout(CLOSE_GRACE, closing).await.is_err() {
            tracing::debug!("database connections still borrowed at close; left to drop");
        }
    }
}
