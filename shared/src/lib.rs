pub mod api;
pub mod bar;
pub mod security;
pub mod session;
