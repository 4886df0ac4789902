//! `/api/menu`: the menu. Anyone reads it; admins change it; staff switch
//! availability, of an item or of one of its options.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use shared::api::{ErrorBody, Role};
use shared::bar::{
    AvailabilityRequest, CategoryRequest, DeleteResponse, MenuCategory, MenuItem, MenuResponse,
    NewItemRequest, ReorderRequest, UpdateItemRequest,
};

use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiPath, AuthUser};
use crate::http::AppState;

const ADMIN: &[Role] = &[Role::Admin];
const STAFF: &[Role] = &[Role::Bartender, Role::Admin];

/// The menu routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/menu", get(menu))
        .route("/api/menu/categories", post(create_category))
        .route("/api/menu/categories/order", put(reorder_categories))
        .route(
            "/api/menu/categories/{id}",
            patch(rename_category).delete(delete_category),
        )
        .route("/api/menu/categories/{id}/order", put(reorder_items))
        .route("/api/menu/items", post(create_item))
        .route(
            "/api/menu/items/{id}",
            patch(update_item).delete(delete_item),
        )
        .route("/api/menu/items/{id}/availability", put(set_availability))
        .route(
            "/api/menu/items/{id}/options/{option_id}/availability",
            put(set_option_availability),
        )
}

/// The whole menu: categories in order, each with its items.
#[utoipa::path(get, path = "/api/menu", tag = "menu",
    responses((status = 200, description = "The menu", body = MenuResponse)))]
pub async fn menu(State(state): State<AppState>) -> Result<Json<MenuResponse>, AppError> {
    Ok(Json(state.menu.menu().await?))
}

/// Adds a category at the end of the menu (admin).
#[utoipa::path(post, path = "/api/menu/categories", tag = "menu", security(("bearer" = [])),
    request_body = CategoryRequest,
    responses(
        (status = 201, description = "Created", body = MenuCategory),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "Invalid name", body = ErrorBody),
    ))]
pub async fn create_category(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(req): ApiJson<CategoryRequest>,
) -> Result<(StatusCode, Json<MenuCategory>), AppError> {
    auth.require(ADMIN)?;
    Ok((
        StatusCode::CREATED,
        Json(state.menu.create_category(req).await?),
    ))
}

/// Renames a category (admin).
#[utoipa::path(patch, path = "/api/menu/categories/{id}", tag = "menu", security(("bearer" = [])),
    params(("id" = String, Path, description = "Category id")), request_body = CategoryRequest,
    responses(
        (status = 200, description = "Renamed", body = MenuCategory),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such category", body = ErrorBody),
    ))]
pub async fn rename_category(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<CategoryRequest>,
) -> Result<Json<MenuCategory>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(state.menu.rename_category(&id, req).await?))
}

/// Deletes a category without items (admin).
#[utoipa::path(delete, path = "/api/menu/categories/{id}", tag = "menu", security(("bearer" = [])),
    params(("id" = String, Path, description = "Category id")),
    responses(
        (status = 200, description = "Deleted or archived", body = DeleteResponse),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such category", body = ErrorBody),
        (status = 409, description = "The category still has items", body = ErrorBody),
    ))]
pub async fn delete_category(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<DeleteResponse>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(state.menu.delete_category(&id).await?))
}

/// Puts the categories in a new order; every id exactly once (admin).
#[utoipa::path(put, path = "/api/menu/categories/order", tag = "menu", security(("bearer" = [])),
    request_body = ReorderRequest,
    responses(
        (status = 200, description = "The menu in its new order", body = MenuResponse),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "Not every category exactly once", body = ErrorBody),
    ))]
pub async fn reorder_categories(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(req): ApiJson<ReorderRequest>,
) -> Result<Json<MenuResponse>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(state.menu.reorder_categories(req.ids).await?))
}

/// Puts a category's items in a new order; every id exactly once (admin).
#[utoipa::path(put, path = "/api/menu/categories/{id}/order", tag = "menu", security(("bearer" = [])),
    params(("id" = String, Path, description = "Category id")), request_body = ReorderRequest,
    responses(
        (status = 200, description = "The category in its new order", body = MenuCategory),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 422, description = "Not every item exactly once", body = ErrorBody),
    ))]
pub async fn reorder_items(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<ReorderRequest>,
) -> Result<Json<MenuCategory>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(state.menu.reorder_items(&id, req.ids).await?))
}

/// Adds an item at the end of its category (admin).
#[utoipa::path(post, path = "/api/menu/items", tag = "menu", security(("bearer" = [])),
    request_body = NewItemRequest,
    responses(
        (status = 201, description = "Created", body = MenuItem),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such category", body = ErrorBody),
        (status = 422, description = "Invalid field (an unknown allergen or option groups that break a rule, too)", body = ErrorBody),
    ))]
pub async fn create_item(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(req): ApiJson<NewItemRequest>,
) -> Result<(StatusCode, Json<MenuItem>), AppError> {
    auth.require(ADMIN)?;
    Ok((
        StatusCode::CREATED,
        Json(state.menu.create_item(req).await?),
    ))
}

/// Changes the given fields of an item (admin).
#[utoipa::path(patch, path = "/api/menu/items/{id}", tag = "menu", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")), request_body = UpdateItemRequest,
    responses(
        (status = 200, description = "Changed", body = MenuItem),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "Invalid field (an unknown allergen or option groups that break a rule, too)", body = ErrorBody),
    ))]
pub async fn update_item(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<UpdateItemRequest>,
) -> Result<Json<MenuItem>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(state.menu.update_item(&id, req).await?))
}

/// Deletes an item, or archives it when past orders name it (admin).
#[utoipa::path(delete, path = "/api/menu/items/{id}", tag = "menu", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")),
    responses(
        (status = 200, description = "Deleted or archived", body = DeleteResponse),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
    ))]
pub async fn delete_item(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<DeleteResponse>, AppError> {
    auth.require(ADMIN)?;
    Ok(Json(state.menu.delete_item(&id).await?))
}

/// Marks an item available or sold out (bartenders and admins).
#[utoipa::path(put, path = "/api/menu/items/{id}/availability", tag = "menu", security(("bearer" = [])),
    params(("id" = String, Path, description = "Item id")), request_body = AvailabilityRequest,
    responses(
        (status = 200, description = "Changed", body = MenuItem),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
    ))]
pub async fn set_availability(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<AvailabilityRequest>,
) -> Result<Json<MenuItem>, AppError> {
    auth.require(STAFF)?;
    Ok(Json(state.menu.set_availability(&id, req.available).await?))
}

/// Marks one option of an item available or sold out (bartenders and admins).
#[utoipa::path(put, path = "/api/menu/items/{id}/options/{option_id}/availability", tag = "menu",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Item id"),
        ("option_id" = String, Path, description = "Option id, one of the item's")
    ),
    request_body = AvailabilityRequest,
    responses(
        (status = 200, description = "Changed; the item with all its options", body = MenuItem),
        (status = 403, description = "Not staff", body = ErrorBody),
        (status = 404, description = "No such item, or no such option of it", body = ErrorBody),
    ))]
pub async fn set_option_availability(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiPath((id, option_id)): ApiPath<(String, String)>,
    ApiJson(req): ApiJson<AvailabilityRequest>,
) -> Result<Json<MenuItem>, AppError> {
    auth.require(STAFF)?;
    Ok(Json(
        state
            .menu
            .set_option_availability(&id, &option_id, req.available)
            .await?,
    ))
}
