//! Accounts: creation from the command line and the demo accounts.

use shared::api::{check_new_password, normalize_email, normalize_name, Role};

use crate::clock::Clock;
use crate::crypto::password::PasswordHasher;
use crate::db::{users, Db, DbError};
use crate::error::{AppError, AppResult};

/// The demo accounts `serve --demo` creates: (e-mail, name, role).
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 3] = [
    ("admin@taproom.test", "Alex Admin", Role::Admin),
    (
        "bartender@taproom.test",
        "Bailey Bartender",
        Role::Bartender,
    ),
    ("customer@taproom.test", "Casey Customer", Role::Customer),
];

/// The demo accounts' shared password.
pub const DEMO_PASSWORD: &str = "taproom-demo";

/// Whether a user was created or already existed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    New,
    Existing,
}

/// Creates a user after checking every field.
pub async fn create_user(
    db: &Db,
    hasher: &PasswordHasher,
    clock: &dyn Clock,
    email: &str,
    name: &str,
    role: Role,
    password: String,
) -> AppResult<Created> {
    let email = normalize_email(email).map_err(|m| AppError::Validation(m.to_owned()))?;
    let name = normalize_name(name).map_err(|m| AppError::Validation(m.to_owned()))?;
    check_new_password(&password).map_err(|m| AppError::Validation(m.to_owned()))?;
    if users::find_by_email(db, &email).await?.is_some() {
        return Ok(Created::Existing);
    }
    let hash = hasher.hash(password).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let new = users::NewUser {
        id: &id,
        email: &email,
        name: &name,
        role: role.as_str(),
        password_hash: &hash,
        now: clock.now_ms(),
    };
    match users::insert(db, &new).await {
        Ok(()) => Ok(Created::New),
        Err(DbError::UniqueViolation) => Ok(Created::Existing),
        Err(e) => Err(e.into()),
    }
}

/// Creates the demo accounts that do not exist yet.
pub async fn ensure_demo_users(
    db: &Db,
    hasher: &PasswordHasher,
    clock: &dyn Clock,
) -> AppResult<()> {
    for (email, name, role) in DEMO_ACCOUNTS {
        create_user(
            db,
            hasher,
            clock,
            email,
            name,
            role,
            DEMO_PASSWORD.to_owned(),
        )
        .await?;
    }
    Ok(())
}
