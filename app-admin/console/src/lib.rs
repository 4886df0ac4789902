//! The admin console's pages other than the menu editor (`app-admin-menu`):
//! the dashboard, users, sessions and the security log. They share a chunk,
//! and the chunk a crate, so an edit to them compiles this crate, not the
//! whole console (README). Sign-in, devices and password come from `ui`.

#![expect(
    unreachable_pub,
    reason = "#[component] gives the props builder of a pub(crate) component pub methods"
)]

mod charts;
pub mod dashboard;
pub mod log;
pub mod sessions;
mod timers_form;
mod user_search;
pub mod users;

/// A table's header row: one column heading per name, in order. A macro,
/// so that literal names stay static text, as written out by hand: a
/// function iterating over the names cost each page that uses it 1.9 to
/// 2.8 KB brotli (docs/BENCHMARKS.md).
macro_rules! column_heads {
    ($($name:literal),+ $(,)?) => {
        ::leptos::prelude::view! {
            <thead>
                <tr>$(<th scope="col">$name</th>)+</tr>
            </thead>
        }
    };
    ($($name:expr),+ $(,)?) => {
        ::leptos::prelude::view! {
            <thead>
                <tr>$(<th scope="col">{$name}</th>)+</tr>
            </thead>
        }
    };
}
use column_heads;
