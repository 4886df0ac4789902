//! Pieces every app's pages use.

pub mod form;
pub mod header;
pub mod not_found;
pub mod require_auth;

pub use form::{Field, FormError, Submit};
pub use header::{Header, OfflineBanner};
pub use not_found::NotFound;
pub use require_auth::RequireAuth;
