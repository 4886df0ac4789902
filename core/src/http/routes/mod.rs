//! Every route of the API, one module per resource, merged here.

pub mod admin;
pub mod auth;
pub mod calls;
pub mod events;
pub mod health;
pub mod menu;
pub mod openapi;
pub mod orders;
pub mod sessions;
pub mod settings;
pub mod stations;
pub mod tabs;

use axum::Router;

use super::AppState;

/// All routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(sessions::router())
        .merge(menu::router())
        .merge(orders::router())
        .merge(calls::router())
        .merge(tabs::router())
        .merge(events::router())
        .merge(admin::router())
        .merge(settings::router())
        .merge(stations::router())
        .merge(openapi::router())
}
