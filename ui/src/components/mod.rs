//! Pieces every app's pages use.

pub mod alerts;
pub mod allergens;
pub mod confirm;
pub mod form;
pub mod header;
pub mod not_found;
pub mod reauth_dialog;
pub mod reorder;
pub mod require_auth;

pub use alerts::SignInAlerts;
pub use allergens::{toggle_allergen, AllergenCheckboxes};
pub use confirm::{Confirm, ConfirmDelete};
pub use form::{checked, form_error, BusyButton, Field, Submit};
pub use header::Header;
pub use reauth_dialog::ReauthDialog;
pub use reorder::MoveButtons;
pub use require_auth::RequireAuth;
