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
use ui::components::AllergenCheckboxes;

use crate::components::editor::use_editor;
use crate::components::options_editor::{checked_options, OptionDrafts, OptionsEditor};
use ui::load::error_line;

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
    /// After a successful save: closes an edit form.
    #[prop(optional)]
    on_saved: Option<Callback<()>>,
    /// Closes an edit form without saving.
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let editor = use_editor();
    let editing = item.clone();
    let suffix = match &item {
        Some(item) => item.id.clone(),
        None => format!("new-{category_id}"),
    };
    let key = StoredValue::new(format!("item-form:{suffix}"));
    let name = RwSignal::new(item.as_ref().map(|i| i.name.clone()).unwrap_or_default());
    let description = RwSignal::new(
        item.as_ref()
            .map(|i| i.description.clone())
            .unwrap_or_default(),
    );
    let price = RwSignal::new(
        item.as_ref()
            .map(|i| format_price(i.price_cents))
            .unwrap_or_default(),
    );
    let allergens = RwSignal::new(
        item.as_ref()
            .map(|i| i.allergens.clone())
            .unwrap_or_default(),
    );
    let options = RwSignal::new(OptionDrafts::from_groups(
        item.as_ref()
            .map(|i| i.option_groups.as_slice())
            .unwrap_or_default(),
    ));
    let category = RwSignal::new(category_id.clone());
    let error = RwSignal::new(None::<String>);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let fields = match check_item(
            &name.get_untracked(),
            &description.get_untracked(),
            &price.get_untracked(),
        ) {
            Ok(fields) => fields,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        // The item being edited as the menu has it now: the ids its groups
        // and options may keep, and their availability, which the bar may
        // have changed since the form opened.
        let current = editing.as_ref().map(|item| {
            editor
                .menu
                .state
                .with_untracked(|s| {
                    s.ready().and_then(|m| {
                        m.categories
                            .iter()
                            .flat_map(|c| c.items.iter())
                            .find(|i| i.id == item.id)
                            .cloned()
                    })
                })
                .unwrap_or_else(|| item.clone())
        });
        let option_groups = match options
            .with_untracked(|drafts| checked_options(drafts, fields.price_cents, current.as_ref()))
        {
            Ok(groups) => groups,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        match editing.clone() {
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
                editor.run(
                    key.get_value(),
                    error,
                    move || async move { bar_api::update_item(&item.id, &request).await },
                    move |_| {
                        if let Some(saved) = on_saved {
                            saved.try_run(());
                        }
                    },
                );
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
                editor.run(
                    key.get_value(),
                    error,
                    move || async move { bar_api::create_item(&request).await },
                    move |_| {
                        for field in [name, description, price] {
                            field.set(String::new());
                        }
                        allergens.set(Vec::new());
                        options.set(OptionDrafts::default());
                    },
                );
            }
        }
    };

    let adding = item.is_none();
    let running = move || key.with_value(|key| editor.running(key));
    let categories = move || {
        editor.menu.state.with(|s| {
            s.ready()
                .map(|m| {
                    m.categories
                        .iter()
                        .map(|c| (c.id.clone(), c.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
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
            <div class="field">
                <label for=id("item-name")>"Name"</label>
                <input
                    id=id("item-name")
                    data-testid="item-name"
                    maxlength=MENU_NAME_MAX_LEN
                    autocomplete="off"
                    required
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
            </div>
            <div class="field field-wide">
                <label for=id("item-description")>"Description"</label>
                <input
                    id=id("item-description")
                    data-testid="item-description"
                    maxlength=DESCRIPTION_MAX_LEN
                    autocomplete="off"
                    prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))
                />
            </div>
            <div class="field field-price">
                <label for=id("item-price")>"Price"</label>
                <input
                    id=id("item-price")
                    data-testid="item-price"
                    inputmode="decimal"
                    placeholder="6.50"
                    autocomplete="off"
                    required
                    prop:value=move || price.get()
                    on:input=move |ev| price.set(event_target_value(&ev))
                />
            </div>
            <fieldset class="field-allergens" data-testid="item-allergens">
                <legend>"Allergens"</legend>
                <AllergenCheckboxes
                    chosen=allergens
                    id_prefix=id("item-allergen")
                    testid="item-allergen"
                />
            </fieldset>
            <OptionsEditor drafts=options id_prefix=id("item-options") />
            {(!adding)
                .then(|| {
                    view! {
                        <div class="field">
                            <label for=id("item-category")>"Category"</label>
                            <select
                                id=id("item-category")
                                data-testid="item-category"
                                on:change=move |ev| category.set(event_target_value(&ev))
                            >
                                {move || {
                                    categories()
                                        .into_iter()
                                        .map(|(value, label)| {
                                            let selected = category.get_untracked() == value;
                                            view! {
                                                <option value=value selected=selected>{label}</option>
                                            }
                                        })
                                        .collect_view()
                                }}
                            </select>
                        </div>
                    }
                })}
            <div class="form-actions">
                <button
                    type="submit"
                    class="button primary"
                    data-testid=if adding { "add-item" } else { "save-item" }
                    disabled=move || editor.locked()
                >
                    {move || match (running(), adding) {
                        (true, true) => "Adding…",
                        (true, false) => "Saving…",
                        (false, true) => "Add item",
                        (false, false) => "Save",
                    }}
                </button>
                {on_cancel
                    .map(|cancel| {
                        view! {
                            <button
                                type="button"
                                class="button secondary"
                                disabled=running
                                on:click=move |_| cancel.run(())
                            >
                                "Cancel"
                            </button>
                        }
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
