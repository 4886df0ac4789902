//! Domain services: the rules of sessions and users. No HTTP types, no SQL.

pub mod device;
pub mod health;
pub mod rate_limit;
pub mod session_cache;
pub mod sessions;
pub mod users;
