//! The generated OpenAPI document.

use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let app = spawn_app().await;
    let res = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    let (status, doc) = status_json(res).await;
    assert_eq!(status, StatusCode::OK);
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
        ("/api/orders", "post"),
        ("/api/orders", "get"),
        ("/api/orders/mine", "get"),
        ("/api/orders/{id}", "get"),
        ("/api/orders/{id}/status", "post"),
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
        "NewOrderRequest",
        "Order",
        "StatusChangeRequest",
        "StreamTicket",
        "TodayStats",
        "AdminSessionsResponse",
    ] {
        assert!(schemas.contains_key(schema), "{schema} missing");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}
