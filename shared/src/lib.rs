pub mod api;
pub mod bar;
pub mod session;
