//! Shared types of the Taproom server and apps.

pub mod api;
