//! Pieces the customer app's pages are built from.

#![expect(
    unreachable_pub,
    reason = "#[component] gives the props builder of a pub(crate) component pub methods"
)]

pub(crate) mod allergen_filter;
pub(crate) mod calls;
pub(crate) mod menu_item;
