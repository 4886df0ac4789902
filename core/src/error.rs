//! The one error type of the application. Services return it; the HTTP
//! layer (`http::error`) turns it into `{"error", "message"}` with a status.

use std::time::Duration;

use crate::crypto::jwt::JwtError;
use crate::db::DbError;

/// Everything that can go wrong in a request, as the client may learn it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The body was not valid JSON or not the expected shape.
    #[error("{0}")]
    BadRequest(String),
    /// A malformed request with its own code (e.g. a missing header).
    #[error("{message}")]
    BadRequestCode { code: &'static str, message: String },
    /// A field has an unacceptable value.
    #[error("{0}")]
    Validation(String),
    /// Wrong e-mail or password (never says which).
    #[error("the e-mail address or password is wrong")]
    InvalidCredentials,
    /// No bearer token was sent.
    #[error("sign in first: this needs an access token")]
    MissingToken,
    /// A token failed verification.
    #[error("the token was refused: {0}")]
    InvalidToken(JwtError),
    /// The token's session has ended (logout, revocation, expiry).
    #[error("this session has ended; sign in again")]
    SessionEnded,
    /// A rotated refresh token came back after the grace window.
    #[error("this refresh token was already used; the session has been ended for safety")]
    TokenReused,
    /// A sensitive action whose session has not proved the password recently.
    #[error("confirm your password to do this")]
    ReauthRequired,
    /// A cookie-borne request that did not come from our own pages.
    #[error("this request did not come from a Taproom page")]
    CrossSite,
    /// Authenticated, but the role does not allow this.
    #[error("your account is not allowed to do this")]
    Forbidden,
    /// Self sign-up is switched off.
    #[error("sign-up is closed; ask the bar for an account")]
    RegistrationClosed,
    #[error("{0}")]
    NotFound(String),
    /// A stream ticket that is unknown, used or expired.
    #[error("this stream ticket is unknown, used or expired; ask for a new one")]
    InvalidTicket,
    /// The request conflicts with the current state (stale version,
    /// impossible status change, a category that still has items).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A conflict answered with the resource as it is now (`current`), so
    /// the client can show it without reading it again (a tab that changed
    /// since its total was shown).
    #[error("{message}")]
    ConflictWithCurrent {
        code: &'static str,
        message: String,
        current: serde_json::Value,
    },
    /// A rule of the bar refuses the request (unknown or unavailable
    /// items, an idempotency key reused with another body).
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    /// The e-mail address already has an account.
    #[error("an account with this e-mail address already exists")]
    EmailTaken,
    /// Too many attempts; try again after the given time.
    #[error("too many attempts; try again in {} seconds", retry_after.as_secs().max(1))]
    RateLimited { retry_after: Duration },
    /// A session or user has as many live streams open as allowed.
    #[error("too many live streams are open for this account; close one and try again")]
    TooManyStreams,
    /// The server is too busy to take this now.
    #[error("the server is busy; try again shortly")]
    Busy,
    /// Anything unexpected: logged with context, answered without detail.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<DbError> for AppError {
    fn from(err: DbError) -> Self {
        AppError::Internal(err.into())
    }
}

impl From<crate::crypto::password::HashError> for AppError {
    fn from(err: crate::crypto::password::HashError) -> Self {
        match err {
            crate::crypto::password::HashError::Busy => AppError::Busy,
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<JwtError> for AppError {
    fn from(err: JwtError) -> Self {
        AppError::InvalidToken(err)
    }
}

/// Result with [`AppError`].
pub type AppResult<T> = Result<T, AppError>;
