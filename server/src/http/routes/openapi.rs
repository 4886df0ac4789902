//! `GET /api/openapi.json`: the OpenAPI 3 document, generated from the
//! handlers' annotations and the shared types.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http::AppState;

/// The API document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Taproom API", description = "Bar ordering with session-aware authentication."),
    paths(
        super::health::healthz,
        super::health::readyz,
        super::auth::login,
        super::auth::register,
        super::auth::refresh,
        super::auth::logout,
        super::auth::logout_all,
        super::auth::me,
        super::auth::change_password,
        super::sessions::list,
        super::sessions::revoke,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Sign in, tokens and passwords"),
        (name = "sessions", description = "The signed-in user's devices"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The document route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(openapi_json))
}

/// The OpenAPI 3 document of the whole API.
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
