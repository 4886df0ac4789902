//! The admin console's own pages; sign-in, devices and password come from `ui`.

#![expect(
    unreachable_pub,
    reason = "#[component] gives the props builder of a pub(crate) component pub methods"
)]

pub(crate) mod dashboard;
pub(crate) mod log;
pub(crate) mod menu;
pub(crate) mod sessions;
pub(crate) mod users;
