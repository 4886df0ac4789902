//! The form for a menu item: adding one to a category, or editing one in
//! place, with its allergens and options. Checked here first, then by the
//! server.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::bar::{
    format_price, MenuItem, NewItemRequest, UpdateItemRequest, DESCRIPTION_MAX_LEN,
    MENU_NAME_MAX_LEN,
};
use shared::validate::{self, Named};
use ui::bar_api;
use ui::components::{checked, AllergenCheckboxes};
use ui::load::error_line;

use crate::editor::{Editor, SubmitButton};
use crate::options_editor::{checked_options, OptionDrafts, OptionsEditor};
use crate::{select_options, TextField};

/// What the form checked: name, description and price in cents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ItemFields {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) price_cents: i64,
}

/// Checks what was typed with the server's own rules, with a sentence
/// saying what to fix.
pub(crate) fn check_item(name: &str, description: &str, price: &str) -> Result<ItemFields, String> {
    Ok(ItemFields {
        name: validate::menu_name(name, Named::Item)?,
        description: validate::description(description)?,
        price_cents: validate::typed_price(price)?,
    })
}

/// Name, description, price, allergens, options (and, when editing, the
/// category). `item` is the item being edited; without it the form adds to
/// `category_id`.
#[component]
pub(crate) fn ItemForm(
    category_id: String,
    #[prop(optional)] item: Option<MenuItem>,
    /// Closes an edit form: after a successful save, or without saving.
    #[prop(optional)]
    on_close: Option<Callback<()>>,
) -> impl IntoView {
    let editor = expect_context::<Editor>();
    let adding = item.is_none();
    let suffix = item
        .as_ref()
        .map_or_else(|| format!("new-{category_id}"), |i| i.id.clone());
    let key = StoredValue::new(format!("item-form:{suffix}"));
    let start = item.clone().unwrap_or_default();
    let name = RwSignal::new(start.name);
    let description = RwSignal::new(start.description);
    // A new item's price starts empty, not at 0.00.
    let price = item.as_ref().map(|i| format_price(i.price_cents));
    let price = RwSignal::new(price.unwrap_or_default());
    let allergens = RwSignal::new(start.allergens);
    let options = OptionDrafts::new(&start.option_groups);
    let category = RwSignal::new(category_id.clone());
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let check = check_item(
            &name.get_untracked(),
            &description.get_untracked(),
            &price.get_untracked(),
        );
        let Some(fields) = checked(check, error) else {
            return;
        };
        // The item being edited as the menu has it now: the ids its groups
        // and options may keep, and their availability, which the bar may
        // have changed since the form opened.
        let current = item.as_ref().map(|item| {
            let now = editor.menu.state.with_untracked(|s| {
                let mut items = s.ready()?.categories.iter().flat_map(|c| c.items.iter());
                items.find(|i| i.id == item.id).cloned()
            });
            now.unwrap_or_else(|| item.clone())
        });
        let check = checked_options(options, fields.price_cents, current.as_ref());
        let Some(option_groups) = checked(check, error) else {
            return;
        };
        match item.clone() {
            Some(item) => {
                let moved_to = category.get_untracked();
                let request = UpdateItemRequest {
                    category_id: (moved_to != item.category_id).then_some(moved_to),
                    name: Some(fields.name),
                    description: Some(fields.description),
                    price_cents: Some(fields.price_cents),
                    allergens: Some(validate::allergens(&allergens.get_untracked())),
                    option_groups: Some(option_groups),
                    available: None,
                };
                editor.run(key.get_value(), error, async move {
                    bar_api::update_item(&item.id, &request).await?;
                    if let Some(close) = on_close {
                        close.try_run(());
                    }
                    Ok(())
                });
            }
            None => {
                let request = NewItemRequest {
                    category_id: category.get_untracked(),
                    name: fields.name,
                    description: fields.description,
                    price_cents: fields.price_cents,
                    allergens: validate::allergens(&allergens.get_untracked()),
                    option_groups,
                    available: true,
                };
                editor.run(key.get_value(), error, async move {
                    bar_api::create_item(&request).await?;
                    for field in [name, description, price] {
                        field.set(String::new());
                    }
                    allergens.set(Vec::new());
                    options.set(&[]);
                    Ok(())
                });
            }
        }
    };

    let running = move || key.with_value(|key| editor.actions.running(key));
    let categories = move || {
        editor.menu.state.with(|s| {
            let list = s.ready().into_iter().flat_map(|m| &m.categories);
            list.map(|c| (c.id.clone(), c.name.clone())).collect()
        })
    };
    let id = |field: &str| format!("{field}-{suffix}");

    view! {
        <form
            class="item-form"
            class:adding=adding
            data-testid=if adding { "add-item-form" } else { "edit-item-form" }
            on:submit=submit
            novalidate
        >
            <TextField
                id=id("item-name")
                label="Name"
                testid="item-name"
                max_len=MENU_NAME_MAX_LEN
                required=true
                value=name
            />
            <TextField
                id=id("item-description")
                class="field field-wide"
                label="Description"
                testid="item-description"
                max_len=DESCRIPTION_MAX_LEN
                value=description
            />
            <TextField
                id=id("item-price")
                class="field field-price"
                label="Price"
                testid="item-price"
                decimal=true
                placeholder="6.50"
                required=true
                value=price
            />
            <fieldset class="field-allergens" data-testid="item-allergens">
                <legend>"Allergens"</legend>
                <AllergenCheckboxes
                    chosen=allergens
                    id_prefix=id("item-allergen")
                    testid="item-allergen"
                />
            </fieldset>
            <OptionsEditor drafts=options id_prefix=id("item-options") />
            {(!adding).then(|| view! {
                <div class="field">
                    <label for=id("item-category")>"Category"</label>
                    <select
                        id=id("item-category")
                        data-testid="item-category"
                        on:change=move |ev| category.set(event_target_value(&ev))
                    >
                        {move || select_options(categories(), &category.get_untracked())}
                    </select>
                </div>
            })}
            <div class="form-actions">
                <SubmitButton
                    testid=if adding { "add-item" } else { "save-item" }
                    label=if adding { "Add item" } else { "Save" }
                    busy_label=if adding { "Adding…" } else { "Saving…" }
                    busy=running
                />
                {on_close.map(|cancel| view! {
                    <button
                        type="button"
                        class="button secondary"
                        disabled=running
                        on:click=move |_| cancel.run(())
                    >
                        "Cancel"
                    </button>
                })}
            </div>
            {move || error_line(error.get())}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_need_a_name_and_a_price_typed_like_money() {
        assert!(check_item(" ", "", "6.50").is_err());
        assert!(check_item("IPA", "", "six").is_err());
        assert!(check_item("IPA", "", "").is_err());
        assert!(check_item("IPA", "", "6.505").is_err());
        assert!(check_item("IPA", "", "10000.01").is_err());
        assert!(check_item(&"x".repeat(81), "", "6").is_err());
        assert!(check_item("IPA", &"x".repeat(301), "6").is_err());
        assert_eq!(
            check_item(" IPA ", " Hoppy ", "6,5"),
            Ok(ItemFields {
                name: "IPA".to_owned(),
                description: "Hoppy".to_owned(),
                price_cents: 650,
            })
        );
    }
}
