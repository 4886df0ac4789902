//! The generated OpenAPI document.

use reqwest::StatusCode;

use crate::helpers::*;

/// The document, as a fresh server answers it.
pub(crate) async fn openapi_document() -> serde_json::Value {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    let (status, doc) = status_json(res).await;
    assert_eq!(status, StatusCode::OK);
    doc
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let doc = openapi_document().await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/auth/login", "post"),
        ("/api/auth/register", "post"),
        ("/api/auth/refresh", "post"),
        ("/api/auth/logout", "post"),
        ("/api/auth/logout-all", "post"),
        ("/api/auth/sessions", "get"),
        ("/api/auth/sessions/{id}", "delete"),
        ("/api/auth/me", "get"),
        ("/api/auth/password", "post"),
        ("/api/menu", "get"),
        ("/api/menu/categories", "post"),
        ("/api/menu/categories/order", "put"),
        ("/api/menu/categories/{id}", "patch"),
        ("/api/menu/categories/{id}", "delete"),
        ("/api/menu/categories/{id}/order", "put"),
        ("/api/menu/items", "post"),
        ("/api/menu/items/{id}", "patch"),
        ("/api/menu/items/{id}", "delete"),
        ("/api/menu/items/{id}/availability", "put"),
        (
            "/api/menu/items/{id}/options/{option_id}/availability",
            "put",
        ),
        ("/api/orders", "post"),
        ("/api/orders", "get"),
        ("/api/orders/mine", "get"),
        ("/api/orders/{id}", "get"),
        ("/api/orders/{id}/status", "post"),
        ("/api/orders/{id}/recall", "post"),
        ("/api/orders/{id}/stations/{station_id}/ready", "post"),
        ("/api/stations", "get"),
        ("/api/admin/stations", "post"),
        ("/api/admin/stations/{id}", "patch"),
        ("/api/admin/stations/{id}", "delete"),
        ("/api/calls", "post"),
        ("/api/calls", "get"),
        ("/api/calls/mine", "get"),
        ("/api/calls/{id}/acknowledge", "post"),
        ("/api/tabs", "get"),
        ("/api/tabs/mine", "get"),
        ("/api/tabs/{id}", "get"),
        ("/api/tabs/{id}/close", "post"),
        ("/api/events", "get"),
        ("/api/events/ticket", "post"),
        ("/api/admin/users", "get"),
        ("/api/admin/users", "post"),
        ("/api/admin/users/{id}/deactivate", "post"),
        ("/api/admin/users/{id}/reactivate", "post"),
        ("/api/admin/users/{id}/password", "post"),
        ("/api/admin/users/{id}/logout-all", "post"),
        ("/api/admin/sessions", "get"),
        ("/api/admin/sessions/{id}", "delete"),
        ("/api/admin/stats", "get"),
        ("/api/admin/figures", "get"),
        ("/api/bar/settings", "get"),
        ("/api/admin/settings/timers", "put"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for schema in [
        "LoginRequest",
        "TokenResponse",
        "SessionsResponse",
        "ErrorBody",
        "UserInfo",
        "MenuResponse",
        "Allergen",
        "OptionGroup",
        "ItemOption",
        "OptionGroupInput",
        "ItemOptionInput",
        "ChosenOption",
        "NewOrderRequest",
        "Order",
        "StatusChangeRequest",
        "RecallRequest",
        "Station",
        "StationsResponse",
        "StationRequest",
        "StationReadyRequest",
        "CallKind",
        "NewCallRequest",
        "TableCall",
        "TableCallsResponse",
        "StreamTicket",
        "TodayStats",
        "DayFigures",
        "ReadyTimes",
        "AdminSessionsResponse",
        "TicketTimers",
        "BarSettings",
    ] {
        assert!(schemas.contains_key(schema), "{schema} missing");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

/// Statuses an operation must list, from what it is: a bearer route can
/// answer 401, an admin route 403, a JSON body 400/413/415/422, a
/// rate-limited route 429. A generated client then handles them all.
#[tokio::test]
async fn every_operation_lists_the_errors_it_can_answer() {
    let doc = openapi_document().await;
    let rate_limited = [
        ("/api/auth/login", "post"),
        ("/api/auth/register", "post"),
        ("/api/auth/refresh", "post"),
        ("/api/auth/password", "post"),
        ("/api/auth/reauth", "post"),
        ("/api/calls", "post"),
        ("/api/events/ticket", "post"),
        ("/api/events", "get"),
    ];
    let mut missing = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let listed: Vec<&str> = op["responses"]
                .as_object()
                .map(|r| r.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let mut want = Vec::new();
            if op["security"].is_array() {
                want.push("401");
            }
            if path.starts_with("/api/admin") {
                want.push("403");
            }
            if op.get("requestBody").is_some() {
                want.extend(["400", "413", "415", "422"]);
            }
            if rate_limited.contains(&(path.as_str(), method.as_str())) {
                want.push("429");
            }
            for status in want {
                if !listed.contains(&status) {
                    missing.push(format!("{} {path}: {status}", method.to_uppercase()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "statuses not listed:\n{}",
        missing.join("\n")
    );
}
