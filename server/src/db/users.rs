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

const COLUMNS: &str = "id, email, name, role, password_hash, is_active, created_at";

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

/// Replaces a user's password hash.
pub async fn set_password(
    db: &Db,
    id: &str,
    password_hash: &str,
    now: i64,
) -> Result<bool, DbError> {
    let done = on_pool!(db, write, |pool| {
        sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(password_hash)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
    });
    Ok(done == 1)
}
