//! Every route of the API, one module per resource, merged here.

pub mod auth;
pub mod health;
pub mod openapi;
pub mod sessions;

use axum::Router;

use super::AppState;

/// All routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(sessions::router())
        .merge(openapi::router())
}
