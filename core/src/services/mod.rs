//! Domain services: the rules of sessions, users, the menu, orders, calls
//! for staff, live events, the bar's settings and the admin console. No
//! HTTP types, no SQL.

pub mod activity;
pub mod admin;
pub mod calls;
pub mod demo;
pub mod device;
pub mod events;
pub mod health;
pub mod menu;
pub mod orders;
pub mod rate_limit;
pub mod revocation;
pub mod rotations;
pub mod session_cache;
pub mod sessions;
pub mod settings;
pub mod tabs;
pub mod users;
