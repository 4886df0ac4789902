//! The bartender app's own pages (sign-in, devices and password come from `ui`).

pub(crate) mod queue;
pub(crate) mod tabs;

pub(crate) use queue::QueuePage;
pub(crate) use tabs::TabsPage;
