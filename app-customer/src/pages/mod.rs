//! The customer app's own pages; sign-in, devices and the rest come from `ui`.

#![expect(
    unreachable_pub,
    reason = "#[component] gives the props builder of a pub(crate) component pub methods"
)]

pub(crate) mod menu;
pub(crate) mod order;
pub(crate) mod orders;
