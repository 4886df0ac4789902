//! The menu: categories and items with their options, read by anyone,
//! changed by admins; staff switch availability, of an item or of one of
//! its options. Every item change reaches live streams.

use std::sync::Arc;

use shared::bar::{
    CategoryRequest, DeleteResponse, ItemOption, MenuCategory, MenuItem, MenuItemEvent,
    MenuResponse, NewItemRequest, OptionGroup, OptionGroupInput, UpdateItemRequest,
};
use shared::validate::{self, Named};

use crate::clock::Clock;
use crate::db::menu::{
    self as store, CategoryRow, GroupRow, ItemFields, ItemRow, OptionRow, Removal,
};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::services::events::EventHub;

mod stations;

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
        let station_id = match req.station_id.as_deref() {
            Some(station_id) => self.known_station(station_id).await?,
            None => self.first_station().await?,
        };
        let id = uuid::Uuid::new_v4().to_string();
        store::insert_category(&self.db, &id, &name, &station_id, self.clock.now_ms()).await?;
        self.category(&id).await
    }

    /// Renames a category, and moves it to another station if one is named.
    pub async fn rename_category(&self, id: &str, req: CategoryRequest) -> AppResult<MenuCategory> {
        let name = check_name(&req.name, Named::Category)?;
        let station_id = match req.station_id.as_deref() {
            Some(station_id) => Some(self.known_station(station_id).await?),
            None => None,
        };
        if !store::rename_category(
            &self.db,
            id,
            &name,
            station_id.as_deref(),
            self.clock.now_ms(),
        )
        .await?
        {
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
        // A new item has no ids to keep yet.
        let groups = check_groups(&req.option_groups, &validate::KnownIds::default())?;
        check_option_prices(req.price_cents, &groups)?;
        store::category(&self.db, &req.category_id)
            .await?
            .ok_or_else(no_category)?;
        let id = uuid::Uuid::new_v4().to_string();
        let groups = group_rows(&id, groups);
        let fields = ItemFields {
            id: &id,
            category_id: &req.category_id,
            name: &name,
            description: &description,
            price_cents: req.price_cents,
            allergens: &allergens,
            option_groups: Some(groups.as_slice()),
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
        // A new list may keep the ids the item has now; the price is checked
        // against the groups it will have, so a lower price alone cannot
        // let the options it keeps take it below zero.
        let new_groups = match &req.option_groups {
            Some(list) => Some(check_groups(list, &known_ids(&current))?),
            None => None,
        };
        let priced_groups: Vec<OptionGroupInput> = match &new_groups {
            Some(list) => list.clone(),
            None => current
                .option_groups
                .iter()
                .map(|g| OptionGroupInput::from(&group(g.clone())))
                .collect(),
        };
        check_option_prices(price_cents, &priced_groups)?;
        let new_groups = new_groups.map(|list| group_rows(id, list));
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
            option_groups: new_groups.as_deref(),
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

    /// Marks one option of an item available or sold out (staff); the item
    /// and its other options stay as they are.
    pub async fn set_option_availability(
        &self,
        item_id: &str,
        option_id: &str,
        available: bool,
    ) -> AppResult<MenuItem> {
        let row = store::set_option_availability(
            &self.db,
            item_id,
            option_id,
            available,
            self.clock.now_ms(),
            &changed,
        )
        .await?
        .ok_or_else(no_option)?;
        self.hub.poke();
        Ok(item(row))
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

fn no_option() -> AppError {
    AppError::NotFound("This item on the menu has no such option.".to_owned())
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

fn check_groups(
    groups: &[OptionGroupInput],
    known_ids: &validate::KnownIds<'_>,
) -> AppResult<Vec<OptionGroupInput>> {
    validate::option_groups(groups, known_ids).map_err(AppError::Validation)
}

fn check_option_prices(price_cents: i64, groups: &[OptionGroupInput]) -> AppResult<()> {
    validate::option_prices(price_cents, groups).map_err(AppError::Validation)
}

/// The ids of an item's groups and options now: those a new list may keep.
fn known_ids(row: &ItemRow) -> validate::KnownIds<'_> {
    validate::KnownIds {
        groups: row.option_groups.iter().map(|g| g.id.as_str()).collect(),
        options: row
            .option_groups
            .iter()
            .flat_map(|g| g.options.iter().map(|o| o.id.as_str()))
            .collect(),
    }
}

/// A checked list of groups as the store writes it: a kept id stays (a
/// cart holding that option still names it), a new group or option gets a
/// fresh one.
fn group_rows(item_id: &str, groups: Vec<OptionGroupInput>) -> Vec<GroupRow> {
    let new_id = || uuid::Uuid::new_v4().to_string();
    groups
        .into_iter()
        .map(|g| {
            let group_id = g.id.unwrap_or_else(new_id);
            let options = g
                .options
                .into_iter()
                .map(|o| OptionRow {
                    id: o.id.unwrap_or_else(new_id),
                    group_id: group_id.clone(),
                    name: o.name,
                    price_delta_cents: o.price_delta_cents,
                    available: o.available,
                })
                .collect();
            GroupRow {
                id: group_id,
                item_id: item_id.to_owned(),
                name: g.name,
                min_choices: i64::from(g.min_choices),
                max_choices: i64::from(g.max_choices),
                options,
            }
        })
        .collect()
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
        option_groups: row.option_groups.into_iter().map(group).collect(),
        available: row.available && !row.archived,
        position: row.position,
    }
}

/// The API's option group. The table's checks keep the counts within
/// `u32`; a count out of range anyway reads as 0, which refuses every
/// choice of the group rather than allowing any.
fn group(row: GroupRow) -> OptionGroup {
    OptionGroup {
        id: row.id,
        name: row.name,
        min_choices: u32::try_from(row.min_choices).unwrap_or(0),
        max_choices: u32::try_from(row.max_choices).unwrap_or(0),
        options: row
            .options
            .into_iter()
            .map(|o| ItemOption {
                id: o.id,
                name: o.name,
                price_delta_cents: o.price_delta_cents,
                available: o.available,
            })
            .collect(),
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
            station_id: c.station_id,
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
