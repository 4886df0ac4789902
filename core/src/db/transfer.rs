//! `move-to-postgres`: copies every row of a SQLite database into an empty
//! PostgreSQL database, for a bar that outgrows one instance.
//!
//! Nothing here names a table of ours. The tables, their columns and types,
//! the order foreign keys impose and the sequences to move on are read from
//! PostgreSQL's catalog after its migrations ran, so a table a later
//! migration adds is moved without a change here.
//!
//! The SQLite file is opened read-only and read in one transaction: the copy
//! is one moment of it. **Stop the server first** (or move a copy made with
//! `taproom-server backup`): whatever a running server writes to SQLite
//! after that moment stays behind. All rows go in within one PostgreSQL
//! transaction, so a move that fails leaves the target as empty as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use futures::TryStreamExt;
use sqlx::postgres::Postgres;
use sqlx::sqlite::{Sqlite, SqliteConnectOptions, SqliteConnection, SqliteRow};
use sqlx::{Connection, PgPool, Row, Transaction};

use super::{Db, DbError};
use crate::config::DatabaseKind;

/// Rows per `INSERT`: each column travels as one array, so this bounds
/// memory, not the number of bind parameters.
pub const BATCH: usize = 500;

/// sqlx's bookkeeping, which each backend keeps for itself.
const MIGRATIONS: &str = "_sqlx_migrations";

/// How long the move waits for another connection's lock on a target table.
const LOCK_TIMEOUT: &str = "10s";

/// What a move copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveReport {
    /// Each table with its row count (equal on both sides), in copy order.
    pub tables: Vec<(String, u64)>,
    /// Each sequence moved on: table, column and the next value it gives.
    pub sequences: Vec<(String, String, i64)>,
}

impl MoveReport {
    /// All rows copied.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// Why a move was refused or failed. Messages never quote a row's values
/// (the tables hold token hashes and password hashes). Errors of the
/// databases are part of the message rather than its source: sqlx repeats
/// a database error as its own source, and a chain would print it twice.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    #[error("no SQLite database at {}", .0.display())]
    NoSource(PathBuf),
    #[error("cannot open the SQLite database {}: {}", .0.display(), .1)]
    OpenSource(PathBuf, sqlx::Error),
    #[error("cannot connect to and migrate the PostgreSQL database: {0}")]
    Target(DbError),
    #[error("{} is not a Taproom database (it has no _sqlx_migrations table)", .0.display())]
    NotTaproom(PathBuf),
    #[error(
        "the SQLite database is behind: migration(s) {} are not applied to it; \
         run the server or `taproom-server migrate` on it first",
        list(.0)
    )]
    SourceBehind(Vec<i64>),
    #[error(
        "the SQLite database has migration(s) {} that this taproom-server does not know; \
         move it with the taproom-server version that wrote it",
        list(.0)
    )]
    SourceAhead(Vec<i64>),
    #[error("table {0} exists in PostgreSQL but not in the SQLite database")]
    MissingTable(String),
    #[error(
        "table {0} of the SQLite database has no counterpart in PostgreSQL; its rows would be lost"
    )]
    ExtraTable(String),
    #[error("column {0}.{1} exists in PostgreSQL but not in the SQLite database")]
    MissingColumn(String, String),
    #[error("column {0}.{1} of the SQLite database has no counterpart in PostgreSQL; its values would be lost")]
    ExtraColumn(String, String),
    #[error(
        "column {table}.{column} has the PostgreSQL type {ty}, which move-to-postgres cannot copy \
         (it copies text, bigint, integer, smallint, boolean, double precision and bytea)"
    )]
    UnsupportedType {
        table: String,
        column: String,
        ty: String,
    },
    #[error("the foreign keys between tables {} form a cycle: no table can be copied first", list(.0))]
    Cycle(Vec<String>),
    #[error(
        "the PostgreSQL database is not empty (rows in {}); \
         move-to-postgres only fills an empty database",
        list(.0)
    )]
    NotEmpty(Vec<String>),
    #[error("cannot copy a value of {table}.{column}: {reason}")]
    Value {
        table: String,
        column: String,
        reason: String,
    },
    #[error("row counts of {table} differ after the copy: {in_sqlite} in SQLite, {in_postgres} in PostgreSQL")]
    CountMismatch {
        table: String,
        in_sqlite: i64,
        in_postgres: i64,
    },
    #[error("{0}: {1}")]
    Query(String, sqlx::Error),
}

fn list<T: std::fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Context for a failed statement.
fn failed(what: impl Into<String>) -> impl FnOnce(sqlx::Error) -> MoveError {
    let what = what.into();
    move |e| MoveError::Query(what, e)
}

/// Copies every row of the SQLite database at `source` into the PostgreSQL
/// database at `target_url`, which is migrated first and must hold no row.
/// `progress` hears each table as it is copied (name, rows).
///
/// Stop the server before (or move a backup made with `taproom-server
/// backup`): rows written to SQLite after the copy's snapshot are not moved.
pub async fn move_to_postgres(
    source: &Path,
    target_url: &str,
    progress: impl FnMut(&str, u64),
) -> Result<MoveReport, MoveError> {
    if !source.is_file() {
        return Err(MoveError::NoSource(source.to_owned()));
    }
    // Read-only: the move never changes its source, and is not migrated
    // (a source behind the target is refused instead).
    let opts = SqliteConnectOptions::new()
        .filename(source)
        .create_if_missing(false)
        .read_only(true);
    let mut sqlite = SqliteConnection::connect_with(&opts)
        .await
        .map_err(|e| MoveError::OpenSource(source.to_owned(), e))?;
    let target = match Db::connect(&DatabaseKind::Postgres {
        url: target_url.to_owned(),
    })
    .await
    {
        Ok(db) => db,
        Err(e) => {
            let _ = sqlite.close().await;
            return Err(MoveError::Target(e));
        }
    };
    let outcome = match &target {
        Db::Postgres(pool) => copy_all(source, &mut sqlite, pool, progress).await,
        Db::Sqlite { .. } => Err(MoveError::Target(DbError::Sqlx(
            sqlx::Error::Configuration("the target is not PostgreSQL".into()),
        ))),
    };
    target.close().await;
    // A read-only connection has nothing to flush; a failed close loses nothing.
    let _ = sqlite.close().await;
    outcome
}

/// The whole move, on an open source and a migrated target.
async fn copy_all(
    source: &Path,
    sqlite: &mut SqliteConnection,
    pool: &PgPool,
    mut progress: impl FnMut(&str, u64),
) -> Result<MoveReport, MoveError> {
    // Every read of the source, schema included, sees one snapshot.
    let mut src = sqlite
        .begin()
        .await
        .map_err(failed("cannot start a read transaction on SQLite"))?;
    let mut dst = pool
        .begin()
        .await
        .map_err(failed("cannot start a transaction on PostgreSQL"))?;

    check_versions(source, &mut src, &mut dst).await?;
    let tables = target_tables(&mut dst).await?;
    let source_schema = sqlite_schema(&mut src).await?;
    check_schemas(&tables, &source_schema)?;

    // Keep other writers (a server started on the target too soon) out
    // until the copy commits, then make sure nothing is there yet.
    sqlx::query(&format!("SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        .execute(&mut *dst)
        .await
        .map_err(failed("cannot set a lock timeout"))?;
    if !tables.is_empty() {
        let names: Vec<String> = tables.iter().map(|t| qualified(&t.name)).collect();
        sqlx::query(&format!(
            "LOCK TABLE {} IN EXCLUSIVE MODE",
            names.join(", ")
        ))
        .execute(&mut *dst)
        .await
        .map_err(failed("cannot lock the PostgreSQL tables"))?;
    }
    let mut occupied = Vec::new();
    for table in &tables {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", qualified(&table.name));
        let (any,): (bool,) = sqlx::query_as(&sql)
            .fetch_one(&mut *dst)
            .await
            .map_err(failed(format!("cannot read {} in PostgreSQL", table.name)))?;
        if any {
            occupied.push(table.name.clone());
        }
    }
    if !occupied.is_empty() {
        return Err(MoveError::NotEmpty(occupied));
    }

    let mut report = MoveReport {
        tables: Vec::new(),
        sequences: Vec::new(),
    };
    for table in &tables {
        let rows = copy_table(table, &mut src, &mut dst).await?;
        progress(&table.name, rows);
        report.tables.push((table.name.clone(), rows));
    }

    for (table, copied) in &report.tables {
        let count = format!("SELECT COUNT(*) FROM {}", quote(table));
        let (in_sqlite,): (i64,) = sqlx::query_as(&count)
            .fetch_one(&mut *src)
            .await
            .map_err(failed(format!("cannot count {table} in SQLite")))?;
        let count = format!("SELECT COUNT(*) FROM {}", qualified(table));
        let (in_postgres,): (i64,) = sqlx::query_as(&count)
            .fetch_one(&mut *dst)
            .await
            .map_err(failed(format!("cannot count {table} in PostgreSQL")))?;
        if in_sqlite != in_postgres || u64::try_from(in_postgres).ok() != Some(*copied) {
            return Err(MoveError::CountMismatch {
                table: table.clone(),
                in_sqlite,
                in_postgres,
            });
        }
    }

    // Last, as `setval` is not undone by a rollback: a failed move before
    // this point leaves the sequences untouched too.
    for table in &tables {
        let autoincrement = source_schema
            .get(&table.name)
            .and_then(|t| t.autoincrement.as_ref());
        for column in &table.columns {
            let floor = autoincrement.and_then(|(col, seq)| (*col == column.name).then_some(*seq));
            if let Some(next) = move_sequence_on(&table.name, &column.name, floor, &mut dst).await?
            {
                report
                    .sequences
                    .push((table.name.clone(), column.name.clone(), next));
            }
        }
    }

    dst.commit()
        .await
        .map_err(failed("cannot commit the copy in PostgreSQL"))?;
    // Only read: ending the transaction either way changes nothing.
    let _ = src.rollback().await;
    Ok(report)
}

/// The source must have every migration the target has, and no other.
async fn check_versions(
    source: &Path,
    src: &mut Transaction<'_, Sqlite>,
    dst: &mut Transaction<'_, Postgres>,
) -> Result<(), MoveError> {
    let (has_table,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1)",
    )
    .bind(MIGRATIONS)
    .fetch_one(&mut **src)
    .await
    .map_err(failed("cannot read the SQLite schema"))?;
    if !has_table {
        return Err(MoveError::NotTaproom(source.to_owned()));
    }
    let sql = format!("SELECT version FROM {MIGRATIONS} WHERE success");
    let in_source: BTreeSet<i64> = sqlx::query_scalar::<_, i64>(&sql)
        .fetch_all(&mut **src)
        .await
        .map_err(failed("cannot read the migrations of the SQLite database"))?
        .into_iter()
        .collect();
    let in_target: BTreeSet<i64> = sqlx::query_scalar::<_, i64>(&sql)
        .fetch_all(&mut **dst)
        .await
        .map_err(failed(
            "cannot read the migrations of the PostgreSQL database",
        ))?
        .into_iter()
        .collect();
    let behind: Vec<i64> = in_target.difference(&in_source).copied().collect();
    if !behind.is_empty() {
        return Err(MoveError::SourceBehind(behind));
    }
    let ahead: Vec<i64> = in_source.difference(&in_target).copied().collect();
    if !ahead.is_empty() {
        return Err(MoveError::SourceAhead(ahead));
    }
    Ok(())
}

/// A table of the target, with the columns to fill.
#[derive(Debug)]
struct Table {
    name: String,
    columns: Vec<Column>,
    /// A `GENERATED ALWAYS AS IDENTITY` column needs `OVERRIDING SYSTEM VALUE`.
    identity_always: bool,
}

#[derive(Debug)]
struct Column {
    name: String,
    kind: Kind,
}

/// The PostgreSQL column types a move copies, and the Rust type each
/// value is read and bound as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    BigInt,
    Integer,
    SmallInt,
    Boolean,
    Double,
    Bytea,
}

impl Kind {
    /// From `pg_type.typname`.
    fn of(typname: &str) -> Option<Kind> {
        Some(match typname {
            "text" | "varchar" | "bpchar" => Kind::Text,
            "int8" => Kind::BigInt,
            "int4" => Kind::Integer,
            "int2" => Kind::SmallInt,
            "bool" => Kind::Boolean,
            "float8" => Kind::Double,
            "bytea" => Kind::Bytea,
            _ => return None,
        })
    }

    /// The array type a batch of this column is bound as. `text[]` also
    /// feeds `varchar(n)` columns: the insert's assignment cast then checks
    /// the length instead of truncating as an explicit cast would.
    fn array(self) -> &'static str {
        match self {
            Kind::Text => "text[]",
            Kind::BigInt => "int8[]",
            Kind::Integer => "int4[]",
            Kind::SmallInt => "int2[]",
            Kind::Boolean => "bool[]",
            Kind::Double => "float8[]",
            Kind::Bytea => "bytea[]",
        }
    }
}

/// The tables of the target's `public` schema (but sqlx's), referenced
/// tables before those that reference them.
async fn target_tables(dst: &mut Transaction<'_, Postgres>) -> Result<Vec<Table>, MoveError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
           AND c.relname <> $1
         ORDER BY c.relname",
    )
    .bind(MIGRATIONS)
    .fetch_all(&mut **dst)
    .await
    .map_err(failed("cannot list the PostgreSQL tables"))?;
    let references: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.relname::text, r.relname::text FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_class r ON r.oid = k.confrelid
         WHERE k.contype = 'f' AND n.nspname = 'public'",
    )
    .fetch_all(&mut **dst)
    .await
    .map_err(failed("cannot read the PostgreSQL foreign keys"))?;
    let mut tables = Vec::new();
    for name in dependency_order(&names, &references)? {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT a.attname::text, t.typname::text, format_type(a.atttypid, a.atttypmod),
                    a.attidentity::text
             FROM pg_attribute a
             JOIN pg_class c ON c.oid = a.attrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_type t ON t.oid = a.atttypid
             WHERE n.nspname = 'public' AND c.relname = $1
               AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
             ORDER BY a.attnum",
        )
        .bind(&name)
        .fetch_all(&mut **dst)
        .await
        .map_err(failed(format!("cannot read the columns of {name}")))?;
        let mut columns = Vec::new();
        let mut identity_always = false;
        for (column, typname, ty, identity) in rows {
            let kind = Kind::of(&typname).ok_or_else(|| MoveError::UnsupportedType {
                table: name.clone(),
                column: column.clone(),
                ty,
            })?;
            identity_always |= identity == "a";
            columns.push(Column { name: column, kind });
        }
        tables.push(Table {
            name,
            columns,
            identity_always,
        });
    }
    Ok(tables)
}

/// Orders `tables` so that every table comes after the tables it
/// references (Kahn's algorithm; ties alphabetical, so runs repeat). A
/// table referencing itself is no obstacle: its rows keep SQLite's order.
fn dependency_order(
    tables: &[String],
    references: &[(String, String)],
) -> Result<Vec<String>, MoveError> {
    let known: BTreeSet<&str> = tables.iter().map(String::as_str).collect();
    // For each table, the tables it still waits for.
    let mut waits: BTreeMap<&str, BTreeSet<&str>> =
        known.iter().map(|t| (*t, BTreeSet::new())).collect();
    for (from, to) in references {
        if from != to && known.contains(to.as_str()) {
            if let Some(deps) = waits.get_mut(from.as_str()) {
                deps.insert(to.as_str());
            }
        }
    }
    let mut order = Vec::with_capacity(tables.len());
    while !waits.is_empty() {
        let Some(next) = waits
            .iter()
            .find(|(_, deps)| deps.is_empty())
            .map(|(t, _)| *t)
        else {
            return Err(MoveError::Cycle(
                waits.keys().map(|t| (*t).to_owned()).collect(),
            ));
        };
        waits.remove(next);
        for deps in waits.values_mut() {
            deps.remove(next);
        }
        order.push(next.to_owned());
    }
    Ok(order)
}

/// A table of the source: its columns, and its `AUTOINCREMENT` column with
/// the highest value SQLite ever handed out there.
#[derive(Debug, Default)]
struct SourceTable {
    columns: BTreeSet<String>,
    autoincrement: Option<(String, i64)>,
}

/// The tables and columns of the SQLite database (but its own and sqlx's).
async fn sqlite_schema(
    src: &mut Transaction<'_, Sqlite>,
) -> Result<BTreeMap<String, SourceTable>, MoveError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> $1",
    )
    .bind(MIGRATIONS)
    .fetch_all(&mut **src)
    .await
    .map_err(failed("cannot list the SQLite tables"))?;
    let (has_sequences,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence')",
    )
    .fetch_one(&mut **src)
    .await
    .map_err(failed("cannot read the SQLite schema"))?;
    let mut schema = BTreeMap::new();
    for name in names {
        let columns: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT name, type, pk FROM pragma_table_info($1)")
                .bind(&name)
                .fetch_all(&mut **src)
                .await
                .map_err(failed(format!(
                    "cannot read the columns of {name} in SQLite"
                )))?;
        // `sqlite_sequence` counts for the rowid, which an `INTEGER PRIMARY
        // KEY` column (the only key column) names.
        let keys: Vec<&(String, String, i64)> = columns.iter().filter(|c| c.2 > 0).collect();
        let rowid = match keys.as_slice() {
            [(column, ty, _)] if ty.eq_ignore_ascii_case("integer") => Some(column.clone()),
            _ => None,
        };
        let mut autoincrement = None;
        if let (Some(column), true) = (rowid, has_sequences) {
            let seq: Option<i64> =
                sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = $1")
                    .bind(&name)
                    .fetch_optional(&mut **src)
                    .await
                    .map_err(failed("cannot read sqlite_sequence"))?;
            autoincrement = seq.map(|seq| (column, seq));
        }
        schema.insert(
            name,
            SourceTable {
                columns: columns.into_iter().map(|c| c.0).collect(),
                autoincrement,
            },
        );
    }
    Ok(schema)
}

/// Every table and column must exist on both sides: a missing one would
/// fail the copy, an extra one would be silently left behind.
fn check_schemas(
    tables: &[Table],
    source: &BTreeMap<String, SourceTable>,
) -> Result<(), MoveError> {
    for table in tables {
        let Some(found) = source.get(&table.name) else {
            return Err(MoveError::MissingTable(table.name.clone()));
        };
        for column in &table.columns {
            if !found.columns.contains(&column.name) {
                return Err(MoveError::MissingColumn(
                    table.name.clone(),
                    column.name.clone(),
                ));
            }
        }
        if let Some(extra) = found
            .columns
            .iter()
            .find(|c| !table.columns.iter().any(|t| &t.name == *c))
        {
            return Err(MoveError::ExtraColumn(table.name.clone(), extra.clone()));
        }
    }
    if let Some(extra) = source
        .keys()
        .find(|name| !tables.iter().any(|t| &t.name == *name))
    {
        return Err(MoveError::ExtraTable(extra.clone()));
    }
    Ok(())
}

/// Column-wise values of up to [`BATCH`] rows.
enum Values {
    Text(Vec<Option<String>>),
    BigInt(Vec<Option<i64>>),
    Integer(Vec<Option<i32>>),
    SmallInt(Vec<Option<i16>>),
    Boolean(Vec<Option<bool>>),
    Double(Vec<Option<f64>>),
    Bytea(Vec<Option<Vec<u8>>>),
}

impl Values {
    fn new(kind: Kind) -> Values {
        match kind {
            Kind::Text => Values::Text(Vec::with_capacity(BATCH)),
            Kind::BigInt => Values::BigInt(Vec::with_capacity(BATCH)),
            Kind::Integer => Values::Integer(Vec::with_capacity(BATCH)),
            Kind::SmallInt => Values::SmallInt(Vec::with_capacity(BATCH)),
            Kind::Boolean => Values::Boolean(Vec::with_capacity(BATCH)),
            Kind::Double => Values::Double(Vec::with_capacity(BATCH)),
            Kind::Bytea => Values::Bytea(Vec::with_capacity(BATCH)),
        }
    }

    /// Reads column `i` of a SQLite row as this column's type. Integers are
    /// read as 64 bits and narrowed with a check: SQLite's own narrowing
    /// would wrap silently.
    fn push(&mut self, row: &SqliteRow, i: usize) -> Result<(), String> {
        fn narrow<T: TryFrom<i64>>(v: Option<i64>, ty: &str) -> Result<Option<T>, String> {
            v.map(|v| T::try_from(v).map_err(|_| format!("{v} does not fit in {ty}")))
                .transpose()
        }
        let int = |row: &SqliteRow| row.try_get::<Option<i64>, _>(i).map_err(|e| e.to_string());
        match self {
            Values::Text(v) => v.push(row.try_get(i).map_err(|e| e.to_string())?),
            Values::BigInt(v) => v.push(int(row)?),
            Values::Integer(v) => v.push(narrow(int(row)?, "integer")?),
            Values::SmallInt(v) => v.push(narrow(int(row)?, "smallint")?),
            // SQLite keeps booleans as integers; any non-zero one is true.
            Values::Boolean(v) => v.push(int(row)?.map(|b| b != 0)),
            Values::Double(v) => v.push(row.try_get(i).map_err(|e| e.to_string())?),
            Values::Bytea(v) => v.push(row.try_get(i).map_err(|e| e.to_string())?),
        }
        Ok(())
    }

    /// Binds the batch as one array and empties it.
    fn bind_into<'q>(
        &mut self,
        query: sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments> {
        match self {
            Values::Text(v) => query.bind(std::mem::take(v)),
            Values::BigInt(v) => query.bind(std::mem::take(v)),
            Values::Integer(v) => query.bind(std::mem::take(v)),
            Values::SmallInt(v) => query.bind(std::mem::take(v)),
            Values::Boolean(v) => query.bind(std::mem::take(v)),
            Values::Double(v) => query.bind(std::mem::take(v)),
            Values::Bytea(v) => query.bind(std::mem::take(v)),
        }
    }
}

/// Copies one table in batches; returns the rows copied.
async fn copy_table(
    table: &Table,
    src: &mut Transaction<'_, Sqlite>,
    dst: &mut Transaction<'_, Postgres>,
) -> Result<u64, MoveError> {
    let names: Vec<String> = table.columns.iter().map(|c| quote(&c.name)).collect();
    let select = format!("SELECT {} FROM {}", names.join(", "), quote(&table.name));
    let arrays: Vec<String> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("${}::{}", i + 1, c.kind.array()))
        .collect();
    let insert = format!(
        "INSERT INTO {} ({}){} SELECT * FROM UNNEST({})",
        qualified(&table.name),
        names.join(", "),
        if table.identity_always {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        },
        arrays.join(", ")
    );
    let mut batch: Vec<Values> = table.columns.iter().map(|c| Values::new(c.kind)).collect();
    let mut pending = 0usize;
    let mut copied = 0u64;
    let mut rows = sqlx::query(&select).fetch(&mut **src);
    while let Some(row) = rows
        .try_next()
        .await
        .map_err(failed(format!("cannot read {} from SQLite", table.name)))?
    {
        for (i, (values, column)) in batch.iter_mut().zip(&table.columns).enumerate() {
            values.push(&row, i).map_err(|reason| MoveError::Value {
                table: table.name.clone(),
                column: column.name.clone(),
                reason,
            })?;
        }
        pending += 1;
        if pending == BATCH {
            copied += insert_batch(&insert, &mut batch, &table.name, dst).await?;
            pending = 0;
        }
    }
    if pending > 0 {
        copied += insert_batch(&insert, &mut batch, &table.name, dst).await?;
    }
    Ok(copied)
}

async fn insert_batch(
    insert: &str,
    batch: &mut [Values],
    table: &str,
    dst: &mut Transaction<'_, Postgres>,
) -> Result<u64, MoveError> {
    let query = batch
        .iter_mut()
        .fold(sqlx::query(insert), |query, values| values.bind_into(query));
    Ok(query
        .execute(&mut **dst)
        .await
        .map_err(failed(format!("cannot insert into {table} in PostgreSQL")))?
        .rows_affected())
}

/// Moves the sequence a column owns (a `BIGSERIAL` or identity column), if
/// any, past the highest value copied, and past what SQLite's
/// `AUTOINCREMENT` ever handed out (`floor`): ids are never reused, so event
/// cursors held by clients stay behind every new event. Returns the next
/// value the sequence will give.
async fn move_sequence_on(
    table: &str,
    column: &str,
    floor: Option<i64>,
    dst: &mut Transaction<'_, Postgres>,
) -> Result<Option<i64>, MoveError> {
    let sequence: Option<String> = sqlx::query_scalar("SELECT pg_get_serial_sequence($1, $2)")
        .bind(qualified(table))
        .bind(column)
        .fetch_one(&mut **dst)
        .await
        .map_err(failed(format!(
            "cannot find the sequence of {table}.{column}"
        )))?;
    let Some(sequence) = sequence else {
        return Ok(None);
    };
    let max: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT MAX({})::int8 FROM {}",
        quote(column),
        qualified(table)
    ))
    .fetch_one(&mut **dst)
    .await
    .map_err(failed(format!("cannot read the highest {table}.{column}")))?;
    let Some(last) = max.into_iter().chain(floor).max() else {
        // Nothing was ever numbered: the sequence starts where it would.
        return Ok(None);
    };
    sqlx::query("SELECT setval($1::regclass, $2, true)")
        .bind(&sequence)
        .bind(last)
        .execute(&mut **dst)
        .await
        .map_err(failed(format!(
            "cannot move the sequence of {table}.{column} on"
        )))?;
    Ok(Some(last.saturating_add(1)))
}

/// An identifier quoted for either backend.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A table of the target's `public` schema, whatever the search path.
fn qualified(table: &str) -> String {
    format!("public.{}", quote(table))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    fn refs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn referenced_tables_come_first() {
        let tables = names(&["order_lines", "orders", "users", "events", "menu"]);
        let order = dependency_order(
            &tables,
            &refs(&[
                ("order_lines", "orders"),
                ("orders", "users"),
                ("orders", "users"),
                ("order_lines", "order_lines"),
                ("menu", "elsewhere"),
            ]),
        )
        .unwrap();
        let at = |t: &str| order.iter().position(|o| o == t).unwrap();
        assert_eq!(order.len(), 5);
        assert!(at("users") < at("orders"));
        assert!(at("orders") < at("order_lines"));
    }

    #[test]
    fn a_cycle_of_foreign_keys_is_refused_by_name() {
        let err = dependency_order(&names(&["a", "b", "c"]), &refs(&[("a", "b"), ("b", "a")]))
            .unwrap_err();
        assert!(
            matches!(&err, MoveError::Cycle(t) if t == &names(&["a", "b"])),
            "{err}"
        );
    }

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote("users"), "\"users\"");
        assert_eq!(quote("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(qualified("events"), "public.\"events\"");
    }
}
