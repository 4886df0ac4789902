//! The menu: categories and items, read by anyone, changed by admins;
//! staff switch availability. Every item change reaches live streams.

use std::sync::Arc;

use shared::bar::{
    CategoryRequest, DeleteResponse, MenuCategory, MenuItem, MenuItemEvent, MenuResponse,
    NewItemRequest, UpdateItemRequest,
};
use shared::validate::{self, Named};

use crate::clock::Clock;
use crate::db::menu::{self as store, CategoryRow, ItemFields, ItemRow, Removal};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::services::events::EventHub;

/// The menu service.
pub struct MenuService {
    db: Db,
    clock: Arc<dyn Clock>,
    hub: Arc<EventHub>,
}

impl MenuService {
    /// Builds the service.
    pub fn new(db: Db, clock: Arc<dyn Clock>, hub: Arc<EventHub>) -> MenuService {
        MenuService { db, clock, hub }
    }

    /// The whole menu, in order.
    pub async fn menu(&self) -> AppResult<MenuResponse> {
        let (categories, items) = store::list(&self.db).await?;
        Ok(assemble(categories, items))
    }

    /// Whether the menu has no category at all (archived ones included).
    pub async fn is_empty(&self) -> AppResult<bool> {
        Ok(store::is_empty(&self.db).await?)
    }

    /// Adds a category at the end.
    pub async fn create_category(&self, req: CategoryRequest) -> AppResult<MenuCategory> {
        let name = check_name(&req.name, Named::Category)?;
        let id = uuid::Uuid::new_v4().to_string();
        store::insert_category(&self.db, &id, &name, self.clock.now_ms()).await?;
        self.category(&id).await
    }

    /// Renames a category.
    pub async fn rename_category(&self, id: &str, req: CategoryRequest) -> AppResult<MenuCategory> {
        let name = check_name(&req.name, Named::Category)?;
        if !store::rename_category(&self.db, id, &name, self.clock.now_ms()).await? {
            return Err(no_category());
        }
        self.category(id).await
    }

    /// Deletes an empty category (archives it if past orders name its items).
    pub async fn delete_category(&self, id: &str) -> AppResult<DeleteResponse> {
        match store::remove_category(&self.db, id, self.clock.now_ms()).await? {
            Removal::Deleted => Ok(DeleteResponse {
                outcome: "deleted".to_owned(),
                message: "The category was deleted.".to_owned(),
            }),
            Removal::Archived => Ok(DeleteResponse {
                outcome: "archived".to_owned(),
                message:
                    "The category left the menu; it is kept because past orders name its items."
                        .to_owned(),
            }),
            Removal::NotEmpty => Err(AppError::Conflict {
                code: "category_not_empty",
                message: "This category still has items on the menu. Move or delete them first."
                    .to_owned(),
            }),
            Removal::NotFound => Err(no_category()),
        }
    }

    /// Puts the categories in the given order.
    pub async fn reorder_categories(&self, ids: Vec<String>) -> AppResult<MenuResponse> {
        if !store::reorder_categories(&self.db, &ids, self.clock.now_ms()).await? {
            return Err(AppError::Validation(
                "List every category on the menu exactly once.".to_owned(),
            ));
        }
        self.menu().await
    }

    /// Puts a category's items in the given order.
    pub async fn reorder_items(
        &self,
        category_id: &str,
        ids: Vec<String>,
    ) -> AppResult<MenuCategory> {
        store::category(&self.db, category_id)
            .await?
            .ok_or_else(no_category)?;
        if !store::reorder_items(&self.db, category_id, &ids, self.clock.now_ms()).await? {
            return Err(AppError::Validation(
                "List every item of the category exactly once.".to_owned(),
            ));
        }
        self.category(category_id).await
    }

    /// Adds an item at the end of its category.
    pub async fn create_item(&self, req: NewItemRequest) -> AppResult<MenuItem> {
        let name = check_name(&req.name, Named::Item)?;
        let description = check_description(&req.description)?;
        check_price(req.price_cents)?;
        let allergens = validate::allergens(&req.allergens);
        store::category(&self.db, &req.category_id)
            .await?
            .ok_or_else(no_category)?;
        let id = uuid::Uuid::new_v4().to_string();
        let fields = ItemFields {
            id: &id,
            category_id: &req.category_id,
            name: &name,
            description: &description,
            price_cents: req.price_cents,
            allergens: &allergens,
            available: req.available,
        };
        let row = store::insert_item(&self.db, &fields, self.clock.now_ms(), &changed).await?;
        self.hub.poke();
        Ok(item(row))
    }

    /// Changes the given fields of an item.
    pub async fn update_item(&self, id: &str, req: UpdateItemRequest) -> AppResult<MenuItem> {
        let current = store::item(&self.db, id)
            .await?
            .filter(|i| !i.archived)
            .ok_or_else(no_item)?;
        let name = match &req.name {
            Some(n) => check_name(n, Named::Item)?,
            None => current.name.clone(),
        };
        let description = match &req.description {
            Some(d) => check_description(d)?,
            None => current.description.clone(),
        };
        let price_cents = req.price_cents.unwrap_or(current.price_cents);
        check_price(price_cents)?;
        let allergens = match &req.allergens {
            Some(list) => validate::allergens(list),
            None => store::decode_allergens(&current.allergens),
        };
        let category_id = req.category_id.unwrap_or(current.category_id);
        store::category(&self.db, &category_id)
            .await?
            .ok_or_else(no_category)?;
        let fields = ItemFields {
            id,
            category_id: &category_id,
            name: &name,
            description: &description,
            price_cents,
            allergens: &allergens,
            available: req.available.unwrap_or(current.available),
        };
        let row = store::update_item(&self.db, &fields, self.clock.now_ms(), &changed)
            .await?
            .ok_or_else(no_item)?;
        self.hub.poke();
        Ok(item(row))
    }

    /// Marks an item available or sold out (staff).
    pub async fn set_availability(&self, id: &str, available: bool) -> AppResult<MenuItem> {
        self.update_item(
            id,
            UpdateItemRequest {
                available: Some(available),
                ..UpdateItemRequest::default()
            },
        )
        .await
    }

    /// Deletes an item, or archives it when past orders name it.
    pub async fn delete_item(&self, id: &str) -> AppResult<DeleteResponse> {
        let outcome = store::remove_item(&self.db, id, self.clock.now_ms(), &removed).await?;
        self.hub.poke();
        match outcome {
            Removal::Deleted => Ok(DeleteResponse {
                outcome: "deleted".to_owned(),
                message: "The item was deleted.".to_owned(),
            }),
            Removal::Archived => Ok(DeleteResponse {
                outcome: "archived".to_owned(),
                message: "The item left the menu; it is archived, not deleted, because past orders name it."
                    .to_owned(),
            }),
            Removal::NotEmpty | Removal::NotFound => Err(no_item()),
        }
    }

    async fn category(&self, id: &str) -> AppResult<MenuCategory> {
        self.menu()
            .await?
            .categories
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(no_category)
    }
}

fn no_category() -> AppError {
    AppError::NotFound("There is no such category on the menu.".to_owned())
}

fn no_item() -> AppError {
    AppError::NotFound("There is no such item on the menu.".to_owned())
}

fn check_name(raw: &str, what: Named) -> AppResult<String> {
    validate::menu_name(raw, what).map_err(AppError::Validation)
}

fn check_description(raw: &str) -> AppResult<String> {
    validate::description(raw).map_err(AppError::Validation)
}

fn check_price(cents: i64) -> AppResult<()> {
    validate::price_cents(cents)
        .map(drop)
        .map_err(AppError::Validation)
}

/// The API's item.
pub fn item(row: ItemRow) -> MenuItem {
    MenuItem {
        id: row.id,
        category_id: row.category_id,
        name: row.name,
        description: row.description,
        price_cents: row.price_cents,
        allergens: store::decode_allergens(&row.allergens),
        available: row.available && !row.archived,
        position: row.position,
    }
}

fn event_payload(row: &ItemRow, removed: bool) -> String {
    let event = MenuItemEvent {
        item: item(row.clone()),
        removed,
    };
    serde_json::to_string(&event).unwrap_or_default()
}

fn changed(row: &ItemRow) -> String {
    event_payload(row, false)
}

fn removed(row: &ItemRow) -> String {
    event_payload(row, true)
}

fn assemble(categories: Vec<CategoryRow>, items: Vec<ItemRow>) -> MenuResponse {
    let mut out: Vec<MenuCategory> = categories
        .into_iter()
        .map(|c| MenuCategory {
            id: c.id,
            name: c.name,
            position: c.position,
            items: Vec::new(),
        })
        .collect();
    for row in items {
        if let Some(category) = out.iter_mut().find(|c| c.id == row.category_id) {
            category.items.push(item(row));
        }
    }
    MenuResponse { categories: out }
}
