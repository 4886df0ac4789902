pub mod api;
pub mod bar;
pub mod events;
pub mod security;
pub mod session;
pub mod validate;
