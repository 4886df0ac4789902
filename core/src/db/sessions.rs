//! The `user_sessions` table.

use std::borrow::Cow;
use std::sync::OnceLock;

use sqlx::FromRow;

use super::{on_pool, Db, DbError};

/// A session as stored.
#[derive(Clone, FromRow)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub refresh_token_hash: String,
    pub previous_token_hash: Option<String>,
    pub refresh_seed: String,
    pub rotated_at: i64,
    pub device_info: String,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub client_app: Option<String>,
    pub is_active: bool,
    pub expires_at: i64,
    pub absolute_expires_at: i64,
    pub last_activity: i64,
    pub created_at: i64,
    pub revoked_reason: Option<String>,
}

/// A session joined with the user it belongs to.
#[derive(Clone, FromRow)]
pub struct SessionWithUser {
    #[sqlx(flatten)]
    pub session: SessionRow,
    pub user_email: String,
    pub user_name: String,
    pub user_role: String,
    pub user_active: bool,
}

const COLUMNS: &str =
    "s.id, s.user_id, s.refresh_token_hash, s.previous_token_hash, s.refresh_seed, \
     s.rotated_at, s.device_info, s.ip_address, s.user_agent, s.client_app, s.is_active, \
     s.expires_at, s.absolute_expires_at, s.last_activity, s.created_at, s.revoked_reason";

/// A session to insert.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub refresh_token_hash: &'a str,
    pub refresh_seed: &'a str,
    pub access_token_jti: &'a str,
    pub device_info: &'a str,
    pub ip_address: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub client_app: Option<&'a str>,
    pub expires_at: i64,
    pub absolute_expires_at: i64,
    pub now: i64,
    /// The user's credentials version read with the password hash: the
    /// session is opened only if it is still current and the user active.
    pub credentials_version: i64,
}

/// Why a session could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The user's password or standing changed since the credentials were
    /// checked (or the account was switched off): no session was opened.
    #[error("the user's credentials changed during the login")]
    CredentialsChanged,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The new state after a rotation.
pub struct Rotation<'a> {
    pub id: &'a str,
    pub old_hash: &'a str,
    pub new_hash: &'a str,
    pub new_seed: &'a str,
    pub access_token_jti: &'a str,
    pub expires_at: i64,
    pub ip_address: Option<&'a str>,
    pub now: i64,
}

/// Inserts a session, then ends the user's least recently used active
/// sessions so that the new one and the `max_active - 1` most recently used
/// others remain. Returns the ids it ended.
///
/// No lock and no transaction: each login's trim keeps its own session and
/// the newest others by itself, so concurrent logins of one user never
/// leave more than `max_active` (ties in time are broken by id, so every
/// trim agrees on the order), and a login costs two statements.
pub async fn insert_within_limit(
    db: &Db,
    new: &NewSession<'_>,
    max_active: u32,
) -> Result<Vec<String>, OpenError> {
    // SQLite needs a LIMIT before OFFSET (-1: none); PostgreSQL takes OFFSET
    // alone. PostgreSQL also share-locks the user row: a concurrent change of
    // credentials then either waits for this insert to commit (and ends the
    // new session) or commits first (and this insert finds a newer version).
    let (insert, trim) = match db {
        Db::Sqlite { .. } => (
            INSERT_SQL.replace("{LOCK}", ""),
            TRIM_SQL.replace("{LIMIT}", "LIMIT -1"),
        ),
        Db::Postgres(_) => (
            INSERT_SQL.replace("{LOCK}", "FOR SHARE"),
            TRIM_SQL.replace("{LIMIT}", ""),
        ),
    };
    let ended: Vec<(String,)> = on_pool!(db, write, |pool| {
        let inserted = sqlx::query(&insert)
            .bind(new.id)
            .bind(new.user_id)
            .bind(new.refresh_token_hash)
            .bind(new.refresh_seed)
            .bind(new.now)
            .bind(new.access_token_jti)
            .bind(new.device_info)
            .bind(new.ip_address)
            .bind(new.user_agent)
            .bind(new.client_app)
            .bind(new.expires_at)
            .bind(new.absolute_expires_at)
            .bind(new.credentials_version)
            .execute(pool)
            .await
            .map_err(DbError::classify)?
            .rows_affected();
        if inserted == 0 {
            return Err(OpenError::CredentialsChanged);
        }
        sqlx::query_as(&trim)
            .bind(new.user_id)
            .bind(new.now)
            .bind(i64::from(max_active.saturating_sub(1)))
            .bind(new.id)
            .fetch_all(pool)
            .await
            .map_err(DbError::from)?
    });
    Ok(ended.into_iter().map(|(id,)| id).collect())
}

/// Inserts a session only while its user is active with the credentials
/// version the login read.
const INSERT_SQL: &str = "INSERT INTO user_sessions (id, user_id, refresh_token_hash, refresh_seed,
         rotated_at, access_token_jti, device_info, ip_address, user_agent, client_app, is_active,
         expires_at, absolute_expires_at, last_activity, created_at, reauth_at)
     SELECT $1, u.id, $3, $4, $5, $6, $7, $8, $9, $10, TRUE, $11, $12, $5, $5, $5
     FROM users u WHERE u.id = $2 AND u.is_active AND u.credentials_version = $13 {LOCK}";

/// Ends a user's active sessions other than `$4` beyond the `$3` most
/// recently used ones.
const TRIM_SQL: &str = "UPDATE user_sessions
     SET is_active = FALSE, revoked_at = $2, revoked_reason = 'session_limit'
     WHERE is_active AND id IN (
         SELECT id FROM user_sessions
         WHERE user_id = $1 AND is_active AND expires_at > $2 AND id <> $4
         ORDER BY last_activity DESC, created_at DESC, id DESC
         {LIMIT} OFFSET $3)
     RETURNING id";

/// A session with its user, whatever its state.
pub async fn find_with_user(db: &Db, id: &str) -> Result<Option<SessionWithUser>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS}, u.email AS user_email, u.name AS user_name, u.role AS user_role,
                u.is_active AS user_active
         FROM user_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1"
    );
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, SessionWithUser>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await?
    }))
}

/// Rotates the refresh token if (and only if) `old_hash` is still the
/// current one: a compare-and-swap, so of two racing refreshes one wins.
pub async fn rotate(db: &Db, r: &Rotation<'_>) -> Result<bool, DbError> {
    let rows = on_pool!(db, write, |pool| {
        sqlx::query(
            "UPDATE user_sessions
             SET previous_token_hash = refresh_token_hash, refresh_token_hash = $3, refresh_seed = $4,
                 rotated_at = $8, access_token_jti = $5, expires_at = $6,
                 ip_address = COALESCE($7, ip_address), last_activity = $8
             WHERE id = $1 AND refresh_token_hash = $2 AND is_active",
        )
        .bind(r.id)
        .bind(r.old_hash)
        .bind(r.new_hash)
        .bind(r.new_seed)
        .bind(r.access_token_jti)
        .bind(r.expires_at)
        .bind(r.ip_address)
        .bind(r.now)
        .execute(pool)
        .await
        .map_err(DbError::classify)?
        .rows_affected()
    });
    Ok(rows == 1)
}

/// One refresh for [`rotate_many`]: the compare-and-swap of [`rotate`],
/// taken only while everything else a refresh needs of the session and its
/// user also holds (so that when it succeeds nothing had to be read first).
#[derive(Debug, Clone)]
pub struct QuickRotation {
    pub id: String,
    /// The user the token names: the session must be theirs.
    pub user_id: String,
    /// The role the new tokens carry: still the user's role.
    pub role: &'static str,
    pub old_hash: String,
    pub new_hash: String,
    pub new_seed: String,
    pub access_token_jti: String,
    /// The new expiry: not past the session's absolute expiry.
    pub expires_at: i64,
    pub ip_address: Option<String>,
    pub now: i64,
}

/// A session [`rotate_many`] rotated: which hash it now holds (of several
/// rotations of one session in a batch, one took), and its user.
#[derive(Debug, Clone, FromRow)]
pub struct Rotated {
    pub id: String,
    pub refresh_token_hash: String,
    pub user_email: String,
    pub user_name: String,
}

/// Columns of one [`QuickRotation`] in the batch's `VALUES`.
const QUICK_COLUMNS: usize = 10;

/// Rotates each session of the batch whose current hash is the one
/// presented, if the session is active, unexpired, its user's, and the
/// user active with the role the new tokens carry; one statement (one
/// round trip, one commit) for the lot. Answers the rotated sessions; a
/// rotation absent from the answer changed nothing and is decided by the
/// careful path (grace, reuse, ended).
pub async fn rotate_many(db: &Db, batch: &[QuickRotation]) -> Result<Vec<Rotated>, DbError> {
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    let sql = rotate_many_sql(batch.len());
    Ok(on_pool!(db, write, |pool| {
        let mut query = sqlx::query_as::<_, Rotated>(&sql);
        for r in batch {
            query = query
                .bind(&r.id)
                .bind(&r.user_id)
                .bind(r.role)
                .bind(&r.old_hash)
                .bind(&r.new_hash)
                .bind(&r.new_seed)
                .bind(&r.access_token_jti)
                .bind(r.expires_at)
                .bind(&r.ip_address)
                .bind(r.now);
        }
        query.fetch_all(pool).await.map_err(DbError::classify)?
    }))
}

/// Batch sizes whose statement text is kept once written.
const KEPT_SQL: usize = 64;

/// The statement of [`rotate_many`] for `n` rotations. The same text on
/// both databases (`CAST` types the `VALUES` for PostgreSQL); one text per
/// batch size, written once and prepared once per connection.
fn rotate_many_sql(n: usize) -> Cow<'static, str> {
    static KEPT: [OnceLock<String>; KEPT_SQL] = [const { OnceLock::new() }; KEPT_SQL];
    match KEPT.get(n.wrapping_sub(1)) {
        Some(kept) => Cow::Borrowed(kept.get_or_init(|| write_rotate_many_sql(n))),
        // Larger than any batch the queue makes: written for the call.
        None => Cow::Owned(write_rotate_many_sql(n)),
    }
}

fn write_rotate_many_sql(n: usize) -> String {
    const TYPES: [&str; QUICK_COLUMNS] = [
        "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "BIGINT", "TEXT", "BIGINT",
    ];
    let mut values = String::with_capacity(n * 200);
    for row in 0..n {
        values.push_str(if row == 0 { "(" } else { ", (" });
        for (col, ty) in TYPES.iter().enumerate() {
            if col > 0 {
                values.push_str(", ");
            }
            let param = row * QUICK_COLUMNS + col + 1;
            values.push_str(&format!("CAST(${param} AS {ty})"));
        }
        values.push(')');
    }
    format!(
        "WITH v (sid, user_id, role, old_hash, new_hash, seed, jti, exp, ip, now) AS (VALUES {values})
         UPDATE user_sessions
         SET previous_token_hash = user_sessions.refresh_token_hash, refresh_token_hash = v.new_hash,
             refresh_seed = v.seed, rotated_at = v.now, access_token_jti = v.jti,
             expires_at = v.exp, ip_address = COALESCE(v.ip, user_sessions.ip_address),
             last_activity = v.now
         FROM v
         WHERE user_sessions.id = v.sid AND user_sessions.refresh_token_hash = v.old_hash
           AND user_sessions.is_active AND user_sessions.user_id = v.user_id
           AND user_sessions.expires_at > v.now AND user_sessions.absolute_expires_at >= v.exp
           AND EXISTS (SELECT 1 FROM users u
                       WHERE u.id = v.user_id AND u.is_active AND u.role = v.role)
         RETURNING user_sessions.id, user_sessions.refresh_token_hash,
           (SELECT u.email FROM users u WHERE u.id = user_sessions.user_id) AS user_email,
           (SELECT u.name FROM users u WHERE u.id = user_sessions.user_id) AS user_name"
    )
}

/// Records that the session's user proved their password at `now`.
pub async fn set_reauth(db: &Db, id: &str, now: i64) -> Result<bool, DbError> {
    let rows = on_pool!(db, write, |pool| {
        sqlx::query("UPDATE user_sessions SET reauth_at = $2 WHERE id = $1 AND is_active")
            .bind(id)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(rows == 1)
}

/// When an active session's user last proved their password; `None` if
/// the session is not active.
pub async fn reauth_at(db: &Db, id: &str) -> Result<Option<i64>, DbError> {
    let row: Option<(i64,)> = on_pool!(db, read, |pool| {
        sqlx::query_as("SELECT reauth_at FROM user_sessions WHERE id = $1 AND is_active")
            .bind(id)
            .fetch_optional(pool)
            .await?
    });
    Ok(row.map(|(at,)| at))
}

/// Records activity on a session (throttled by the caller).
pub async fn touch(db: &Db, id: &str, now: i64) -> Result<(), DbError> {
    on_pool!(db, write, |pool| {
        sqlx::query("UPDATE user_sessions SET last_activity = $2 WHERE id = $1 AND is_active AND last_activity < $2")
            .bind(id)
            .bind(now)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Ends one session if it is active; true when it was.
pub async fn revoke(db: &Db, id: &str, reason: &str, now: i64) -> Result<bool, DbError> {
    let rows = on_pool!(db, write, |pool| {
        sqlx::query(
            "UPDATE user_sessions SET is_active = FALSE, revoked_at = $2, revoked_reason = $3
             WHERE id = $1 AND is_active",
        )
        .bind(id)
        .bind(now)
        .bind(reason)
        .execute(pool)
        .await?
        .rows_affected()
    });
    Ok(rows == 1)
}

/// Ends the active sessions of user `$1` but `$4` at time `$2` for reason `$3`.
pub(super) const REVOKE_ALL_SQL: &str =
    "UPDATE user_sessions SET is_active = FALSE, revoked_at = $2, revoked_reason = $3
     WHERE user_id = $1 AND is_active AND id <> COALESCE($4, '')
     RETURNING id";

/// Ends every active session of a user except `keep`; returns the ids ended.
pub async fn revoke_all_for_user(
    db: &Db,
    user_id: &str,
    keep: Option<&str>,
    reason: &str,
    now: i64,
) -> Result<Vec<String>, DbError> {
    let ids: Vec<(String,)> = on_pool!(db, write, |pool| {
        sqlx::query_as(REVOKE_ALL_SQL)
            .bind(user_id)
            .bind(now)
            .bind(reason)
            .bind(keep)
            .fetch_all(pool)
            .await?
    });
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// A user's active, unexpired sessions, most recently active first.
pub async fn list_active(db: &Db, user_id: &str, now: i64) -> Result<Vec<SessionRow>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM user_sessions s
         WHERE s.user_id = $1 AND s.is_active AND s.expires_at > $2
         ORDER BY s.last_activity DESC, s.created_at DESC"
    );
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, SessionRow>(&sql)
            .bind(user_id)
            .bind(now)
            .fetch_all(pool)
            .await?
    }))
}

/// How many sessions are active and unexpired, across all users.
pub async fn count_active(db: &Db, now: i64) -> Result<i64, DbError> {
    let (n,): (i64,) = on_pool!(db, read, |pool| {
        sqlx::query_as(
            "SELECT COUNT(*) FROM user_sessions
             WHERE is_active AND expires_at > $1 AND absolute_expires_at > $1",
        )
        .bind(now)
        .fetch_one(pool)
        .await?
    });
    Ok(n)
}

/// Marks sessions past their sliding or absolute expiry inactive; returns how many.
pub async fn expire(db: &Db, now: i64) -> Result<u64, DbError> {
    Ok(on_pool!(db, write, |pool| {
        sqlx::query(
            "UPDATE user_sessions SET is_active = FALSE, revoked_at = $1, revoked_reason = 'expired'
             WHERE is_active AND (expires_at <= $1 OR absolute_expires_at <= $1)",
        )
        .bind(now)
        .execute(pool)
        .await?
        .rows_affected()
    }))
}

/// Deletes ended sessions that expired before `cutoff`; returns how many.
pub async fn purge(db: &Db, cutoff: i64) -> Result<u64, DbError> {
    Ok(on_pool!(db, write, |pool| {
        sqlx::query("DELETE FROM user_sessions WHERE NOT is_active AND expires_at < $1")
            .bind(cutoff)
            .execute(pool)
            .await?
            .rows_affected()
    }))
}

/// Tells other server instances sharing a PostgreSQL database that
/// sessions ended (`payload` names them); a no-op on SQLite.
pub async fn notify_revoked(db: &Db, payload: &str) -> Result<(), DbError> {
    if let Db::Postgres(pool) = db {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(REVOCATION_CHANNEL)
            .bind(payload)
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// The PostgreSQL channel revocations are announced on.
pub const REVOCATION_CHANNEL: &str = "taproom_session_revoked";

/// Application name prefix of the listening connections, by which an
/// instance finds the other live instances.
const LISTENER_APP_PREFIX: &str = "taproom-listener:";

/// The instances that hold a listening connection to this database now.
pub async fn live_instances(db: &Db) -> Result<Vec<String>, DbError> {
    let Db::Postgres(pool) = db else {
        return Ok(Vec::new());
    };
    let names: Vec<(String,)> = sqlx::query_as(
        "SELECT application_name FROM pg_stat_activity
         WHERE datname = current_database() AND application_name LIKE 'taproom-listener:%'",
    )
    .fetch_all(pool)
    .await?;
    Ok(names
        .into_iter()
        .filter_map(|(n,)| n.strip_prefix(LISTENER_APP_PREFIX).map(str::to_owned))
        .collect())
}

/// A dedicated PostgreSQL connection listening for revocation notices.
pub struct RevocationListener(sqlx::postgres::PgListener);

impl RevocationListener {
    /// Connects, names the connection after the instance and subscribes to
    /// [`REVOCATION_CHANNEL`].
    pub async fn connect(db: &Db, instance: &str) -> Result<RevocationListener, DbError> {
        let Db::Postgres(pool) = db else {
            return Err(DbError::Sqlx(sqlx::Error::Configuration(
                "revocation notices need PostgreSQL".into(),
            )));
        };
        let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
        // `SET` takes no bind parameters; the name is our own hex id.
        let name = format!("{LISTENER_APP_PREFIX}{instance}");
        debug_assert!(name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '-'));
        sqlx::query(&format!("SET application_name = '{name}'"))
            .execute(&mut listener)
            .await?;
        listener.listen(REVOCATION_CHANNEL).await?;
        Ok(RevocationListener(listener))
    }

    /// The next message's payload; `Ok(None)` when the connection dropped,
    /// in which case messages may have been lost.
    pub async fn recv(&mut self) -> Result<Option<String>, DbError> {
        Ok(self.0.try_recv().await?.map(|n| n.payload().to_owned()))
    }
}

/// Which sessions the admin console lists.
pub struct SessionFilter<'a> {
    pub user_id: Option<&'a str>,
    pub client_app: Option<&'a str>,
    /// `Some(true)`: active only; `Some(false)`: ended only; `None`: all.
    pub active: Option<bool>,
    pub now: i64,
    pub limit: i64,
}

/// Sessions of all users with their users, most recent activity first.
pub async fn search(db: &Db, f: &SessionFilter<'_>) -> Result<Vec<SessionWithUser>, DbError> {
    // Built from fixed fragments only; every value is bound.
    let mut conditions = vec!["1 = 1".to_owned()];
    let mut next = 3;
    if f.user_id.is_some() {
        conditions.push(format!("s.user_id = ${next}"));
        next += 1;
    }
    if f.client_app.is_some() {
        conditions.push(format!("s.client_app = ${next}"));
    }
    let live = "(s.is_active AND s.expires_at > $1 AND s.absolute_expires_at > $1)";
    match f.active {
        Some(true) => conditions.push(live.to_owned()),
        Some(false) => conditions.push(format!("NOT {live}")),
        None => conditions.push("$1 = $1".to_owned()),
    }
    let sql = format!(
        "SELECT {COLUMNS}, u.email AS user_email, u.name AS user_name, u.role AS user_role,
                u.is_active AS user_active
         FROM user_sessions s JOIN users u ON u.id = s.user_id
         WHERE {} ORDER BY s.last_activity DESC, s.id LIMIT $2",
        conditions.join(" AND ")
    );
    Ok(on_pool!(db, read, |pool| {
        let mut query = sqlx::query_as::<_, SessionWithUser>(&sql)
            .bind(f.now)
            .bind(f.limit);
        if let Some(user) = f.user_id {
            query = query.bind(user);
        }
        if let Some(app) = f.client_app {
            query = query.bind(app);
        }
        query.fetch_all(pool).await?
    }))
}

/// Active sessions per client app: (app, count).
pub async fn active_per_app(db: &Db, now: i64) -> Result<Vec<(Option<String>, i64)>, DbError> {
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as(
            "SELECT client_app, COUNT(*) FROM user_sessions
             WHERE is_active AND expires_at > $1 AND absolute_expires_at > $1
             GROUP BY client_app",
        )
        .bind(now)
        .fetch_all(pool)
        .await?
    }))
}
