//! The `users` table.

use sqlx::FromRow;

use super::{on_pool, Db, DbError};

/// A user as stored.
#[derive(Clone, FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: String,
    pub is_active: bool,
    pub created_at: i64,
    /// Bumped by every change of password or standing (see the migration).
    pub credentials_version: i64,
}

/// A user to insert.
pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub now: i64,
}

const COLUMNS: &str =
    "id, email, name, role, password_hash, is_active, created_at, credentials_version";

/// Inserts a user; a taken e-mail is [`DbError::UniqueViolation`].
pub async fn insert(db: &Db, user: &NewUser<'_>) -> Result<(), DbError> {
    on_pool!(db, write, |pool| {
        sqlx::query(
            "INSERT INTO users (id, email, name, role, password_hash, is_active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, TRUE, $6, $6)",
        )
        .bind(user.id)
        .bind(user.email)
        .bind(user.name)
        .bind(user.role)
        .bind(user.password_hash)
        .bind(user.now)
        .execute(pool)
        .await
        .map_err(DbError::classify)?;
    });
    Ok(())
}

/// Finds a user by normalised e-mail.
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<UserRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, UserRow>(&sql)
            .bind(email)
            .fetch_optional(pool)
            .await?
    }))
}

/// Finds a user by id.
pub async fn find_by_id(db: &Db, id: &str) -> Result<Option<UserRow>, DbError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, UserRow>(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await?
    }))
}

/// A change of a user's credentials or standing that ends their sessions.
#[derive(Clone, Copy)]
pub enum CredentialChange<'a> {
    /// A new password hash (changed by the user or reset by an admin).
    Password(&'a str),
    /// The account is switched off.
    Deactivate,
}

/// Applies `change`, bumps the user's credentials version and ends their
/// active sessions but `keep`, in one transaction; returns the ids ended
/// (`None` if there is no such user).
///
/// A login that read the old version opens no session afterwards (its
/// insert checks the version); one that opened its session before this
/// commits is ended here. On PostgreSQL the login's insert takes a share
/// lock on the user row, so the two cannot interleave unseen.
pub async fn change_credentials(
    db: &Db,
    id: &str,
    change: CredentialChange<'_>,
    keep: Option<&str>,
    reason: &str,
    now: i64,
) -> Result<Option<Vec<String>>, DbError> {
    Ok(on_pool!(db, write, |pool| {
        let mut tx = pool.begin().await?;
        let changed = match change {
            CredentialChange::Password(hash) => sqlx::query(
                "UPDATE users SET password_hash = $2,
                     credentials_version = credentials_version + 1, updated_at = $3
                 WHERE id = $1",
            )
            .bind(id)
            .bind(hash)
            .bind(now),
            CredentialChange::Deactivate => sqlx::query(
                "UPDATE users SET is_active = FALSE,
                     credentials_version = credentials_version + 1, updated_at = $2
                 WHERE id = $1",
            )
            .bind(id)
            .bind(now),
        }
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(None);
        }
        let ended: Vec<(String,)> = sqlx::query_as(super::sessions::REVOKE_ALL_SQL)
            .bind(id)
            .bind(now)
            .bind(reason)
            .bind(keep)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        Some(ended.into_iter().map(|(id,)| id).collect())
    }))
}

/// A user with the number of their active sessions (the admin console).
#[derive(Clone, FromRow)]
pub struct UserWithSessions {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub active_sessions: i64,
}

/// Users whose name or e-mail contains `search` (any, if empty), newest
/// first, at most `limit`, with their active session counts.
pub async fn search(
    db: &Db,
    search: &str,
    now: i64,
    limit: i64,
) -> Result<Vec<UserWithSessions>, DbError> {
    let pattern = format!(
        "%{}%",
        search
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let sql = "SELECT u.id, u.email, u.name, u.role, u.password_hash, u.is_active, u.created_at,
                u.credentials_version, (SELECT COUNT(*) FROM user_sessions s
                 WHERE s.user_id = u.id AND s.is_active AND s.expires_at > $2
                   AND s.absolute_expires_at > $2) AS active_sessions
         FROM users u
         WHERE LOWER(u.email) LIKE $1 ESCAPE '\\' OR LOWER(u.name) LIKE $1 ESCAPE '\\'
         ORDER BY u.created_at DESC, u.email LIMIT $3";
    Ok(on_pool!(db, read, |pool| {
        sqlx::query_as::<_, UserWithSessions>(sql)
            .bind(&pattern)
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?
    }))
}

/// Switches a user back on; false if there is no such user. (Switching
/// off is a [`CredentialChange::Deactivate`].)
pub async fn reactivate(db: &Db, id: &str, now: i64) -> Result<bool, DbError> {
    let done = on_pool!(db, write, |pool| {
        sqlx::query("UPDATE users SET is_active = TRUE, updated_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(done == 1)
}

/// How many active sessions a user has.
pub async fn active_session_count(db: &Db, id: &str, now: i64) -> Result<i64, DbError> {
    let (n,): (i64,) = on_pool!(db, read, |pool| {
        sqlx::query_as(
            "SELECT COUNT(*) FROM user_sessions
             WHERE user_id = $1 AND is_active AND expires_at > $2 AND absolute_expires_at > $2",
        )
        .bind(id)
        .bind(now)
        .fetch_one(pool)
        .await?
    });
    Ok(n)
}
