//! `GET /api/openapi.json`: the OpenAPI 3 document, generated from the
//! handlers' annotations and the shared types.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
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
        super::auth::reauth,
        super::auth::activity,
        super::auth::alerts,
        super::auth::dismiss_alert,
        super::sessions::list,
        super::sessions::revoke,
        super::menu::menu,
        super::menu::create_category,
        super::menu::rename_category,
        super::menu::delete_category,
        super::menu::reorder_categories,
        super::menu::reorder_items,
        super::menu::create_item,
        super::menu::update_item,
        super::menu::delete_item,
        super::menu::set_availability,
        super::menu::set_option_availability,
        super::orders::place,
        super::orders::list,
        super::orders::mine,
        super::orders::one,
        super::orders::change_status,
        super::orders::recall,
        super::orders::station_ready,
        super::calls::call,
        super::calls::open,
        super::calls::mine,
        super::calls::acknowledge,
        super::tabs::mine,
        super::tabs::open,
        super::tabs::one,
        super::tabs::close,
        super::events::ticket,
        super::events::stream,
        super::admin::users,
        super::admin::create_user,
        super::admin::deactivate,
        super::admin::reactivate,
        super::admin::reset_password,
        super::admin::sign_out_everywhere,
        super::admin::sessions,
        super::admin::revoke_session,
        super::admin::stats,
        super::admin::figures,
        super::admin::activity,
        super::admin::activity_csv,
        super::settings::bar_settings,
        super::settings::set_timers,
        super::stations::stations,
        super::stations::create_station,
        super::stations::rename_station,
        super::stations::delete_station,
    ),
    modifiers(&BearerAuth, &CommonErrors),
    tags(
        (name = "auth", description = "Sign in, tokens and passwords"),
        (name = "sessions", description = "The signed-in user's devices"),
        (name = "menu", description = "The menu: public read, admin edits, staff availability of items and options"),
        (name = "orders", description = "Placing orders, moving them through their statuses, and recalling a mistaken step"),
        (name = "calls", description = "Guests calling staff or asking for the bill; staff acknowledging"),
        (name = "tabs", description = "A guest's orders at a table in one visit; staff closing them as paid, whole or split"),
        (name = "events", description = "The live stream of order, menu and call changes"),
        (name = "admin", description = "Users, every session, today's figures and a day's figures by hour"),
        (name = "stations", description = "Where categories are prepared: the list, and admins changing it"),
        (name = "settings", description = "The bar's settings: when tickets on the bartender's board turn amber and red"),
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

/// The errors every operation of a kind can answer, added where the
/// handler's own list does not already name them: the bearer extractor
/// answers 401 on any secured route, and the JSON body extractor answers
/// 400 (malformed), 413 (too large), 415 (not JSON) and 422 (wrong shape)
/// on any route with a body. Route-specific statuses (403, 404, 409, 429)
/// stay on the handlers, which alone know when they occur.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        const BEARER: (&str, &str) = (
            "401",
            "Missing, invalid or expired access token, or the session has ended",
        );
        const BODY: [(&str, &str); 4] = [
            ("400", "Malformed JSON"),
            ("413", "Body too large"),
            ("415", "Not JSON (Content-Type must be application/json)"),
            ("422", "A field missing, of the wrong type or invalid"),
        ];
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                item.get.as_mut(),
                item.put.as_mut(),
                item.post.as_mut(),
                item.delete.as_mut(),
                item.patch.as_mut(),
            ];
            for op in operations.into_iter().flatten() {
                let mut wanted = Vec::new();
                if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    wanted.push(BEARER);
                }
                if op.request_body.is_some() {
                    wanted.extend(BODY);
                }
                for (status, description) in wanted {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| error_response(description));
                }
            }
        }
    }
}

/// A response carrying the API's error body.
fn error_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}

/// The document route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/openapi.json", get(openapi_json))
}

/// The OpenAPI 3 document of the whole API.
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
