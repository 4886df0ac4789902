pub mod api;
pub mod session;
