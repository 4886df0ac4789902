//! Pieces the admin console's pages are built from.

#![expect(
    unreachable_pub,
    reason = "#[component] gives the props builder of a pub(crate) component pub methods"
)]

pub(crate) mod charts;
pub(crate) mod editor;
pub(crate) mod item_form;
pub(crate) mod options_editor;
pub(crate) mod rename;
pub(crate) mod stations_editor;
pub(crate) mod timers_form;
pub(crate) mod user_search;
