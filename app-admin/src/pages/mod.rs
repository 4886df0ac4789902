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

pub(crate) use dashboard::DashboardPage;
pub(crate) use log::LogPage;
pub(crate) use menu::MenuEditorPage;
pub(crate) use sessions::SessionsPage;
pub(crate) use users::UsersPage;
