//! The bartender app's own pages (sign-in, devices and password come from `ui`).

pub(crate) mod queue;
pub(crate) mod tabs;
