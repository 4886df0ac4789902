//! What the three Taproom web apps share: the session in the browser (the
//! signed-in user as a signal, kept current across tabs and refreshed before
//! it expires), calls to the API through the session manager, and the pages
//! every app has: sign-in, sign-up, devices, password.
//!
//! The server renders these components too (as the hydrated shell), but
//! tokens live in `localStorage`, which it cannot see: everything that
//! depends on the session renders only once [`Auth::ready`] is set after
//! hydration, so server and browser render the same first frame.

pub mod api;
pub mod bar_api;
pub mod components;
pub mod document;
pub mod format;
pub mod live;
pub mod load;
pub mod menu;
pub mod pages;
pub mod reauth;
pub mod routes;
pub mod session;
pub mod storage;

pub use document::document;
pub use session::{provide_auth, use_auth, AppInfo, Auth};
