//! "Hide items with…": a checkbox per allergen, folded away until opened.
//! The menu leaves out items that contain any allergen ticked and says how
//! many it left out, so a filtered menu never looks silently short. The
//! choice is kept in `localStorage`, so a reload or a locked phone keeps it,
//! and forgotten at sign-out with the cart and the table, so the next guest
//! on a shared tablet neither inherits it nor learns what the last one avoids.

use leptos::prelude::*;
use shared::bar::{allergen_names, Allergen, MenuCategory};
use ui::components::AllergenCheckboxes;

/// `localStorage` key of the allergens to hide (a JSON list of names).
const HIDDEN_KEY: &str = "customer_hidden_allergens";

/// The allergens saved under [`HIDDEN_KEY`]. A name this app does not know
/// (a hand edit, an older build) is skipped; unreadable text hides nothing.
fn parse_saved(json: &str) -> Vec<Allergen> {
    let names: Vec<String> = serde_json::from_str(json).unwrap_or_default();
    let known: Vec<Allergen> = names.iter().filter_map(|n| Allergen::parse(n)).collect();
    shared::validate::allergens(&known)
}

/// The menu as shown: items containing a hidden allergen left out, and
/// categories left empty by that too; with the number of items left out.
pub(crate) fn visible(
    categories: &[MenuCategory],
    hidden: &[Allergen],
) -> (Vec<MenuCategory>, usize) {
    let mut left_out = 0;
    let mut shown = categories.to_vec();
    shown.retain_mut(|category| {
        let all = category.items.len();
        category
            .items
            .retain(|item| !item.allergens.iter().any(|a| hidden.contains(a)));
        left_out += all - category.items.len();
        !category.items.is_empty()
    });
    (shown, left_out)
}

/// "1 item hidden", "3 items hidden"; nothing for none.
fn hidden_note(count: usize) -> String {
    match count {
        0 => String::new(),
        1 => "1 item hidden".to_owned(),
        n => format!("{n} items hidden"),
    }
}

/// The allergens to hide, shared by every page of the app.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AllergenFilter {
    pub(crate) hidden: RwSignal<Vec<Allergen>>,
}

impl AllergenFilter {
    /// Creates the filter from what this browser saved and keeps saving it.
    /// Reading storage while hydrating is safe for the same reason as the
    /// cart's: the menu shows only once the session is known.
    pub(crate) fn provide() -> AllergenFilter {
        let hidden = ui::storage::load(HIDDEN_KEY)
            .map(|json| parse_saved(&json))
            .unwrap_or_default();
        let filter = AllergenFilter {
            hidden: RwSignal::new(hidden),
        };
        Effect::new(move |_| {
            let hidden = filter.hidden.read();
            let keep = Some(&*hidden).filter(|h| !h.is_empty());
            ui::storage::keep_json(HIDDEN_KEY, "the allergen filter", keep);
        });
        provide_context(filter);
        filter
    }
}

/// The filter and the line saying how many items it hides (`hidden_count`:
/// how many items of the menu the filter hides right now).
pub(crate) fn allergen_filter_panel(hidden_count: Signal<usize>) -> impl IntoView {
    let hidden = expect_context::<AllergenFilter>().hidden;
    view! {
        <div class="allergen-filter">
            <details data-testid="allergen-filter">
                <summary>
                    "Hide items with…"
                    {move || {
                        let names = hidden.with(|hidden| allergen_names(hidden));
                        (!names.is_empty()).then(|| view! { <span class="filter-chosen">{format!("({names})")}</span> })
                    }}
                </summary>
                <fieldset class="allergen-options">
                    <legend>"Hide items that contain"</legend>
                    <AllergenCheckboxes chosen=hidden id_prefix="hide" testid="hide-allergen" />
                </fieldset>
            </details>
            <div class="hidden-line">
                // Always in the page, so a screen reader hears the count change.
                <p class="hidden-note" role="status" data-testid="hidden-count">
                    {move || hidden_note(hidden_count.get())}
                </p>
                <Show when=move || hidden.with(|h| !h.is_empty())>
                    <button
                        type="button"
                        class="link-button"
                        data-testid="show-all"
                        on:click=move |_| hidden.set(Vec::new())
                    >
                        "Show everything"
                    </button>
                </Show>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::bar::Allergen::{Eggs, Gluten, Milk, Peanuts, Sulphites};
    use shared::bar::MenuItem;

    fn item(id: &str, allergens: &[Allergen]) -> MenuItem {
        MenuItem {
            id: id.to_owned(),
            allergens: allergens.to_vec(),
            ..MenuItem::default()
        }
    }

    fn category(id: &str, items: Vec<MenuItem>) -> MenuCategory {
        MenuCategory {
            id: id.to_owned(),
            items,
            ..MenuCategory::default()
        }
    }

    fn names(categories: &[MenuCategory]) -> Vec<Vec<&str>> {
        categories
            .iter()
            .map(|c| c.items.iter().map(|i| i.id.as_str()).collect())
            .collect()
    }

    fn bar() -> Vec<MenuCategory> {
        let beer = vec![item("lager", &[Gluten]), item("stout", &[Gluten])];
        let snacks = vec![
            item("nachos", &[Milk]),
            item("fries", &[Gluten, Milk]),
            item("crisps", &[]),
        ];
        vec![category("beer", beer), category("snacks", snacks)]
    }

    #[test]
    fn items_with_any_hidden_allergen_leave_and_empty_categories_go() {
        let (shown, left_out) = visible(&bar(), &[Gluten]);
        assert_eq!(names(&shown), [vec!["nachos", "crisps"]]);
        assert_eq!(left_out, 3);
        let (shown, left_out) = visible(&bar(), &[Milk, Sulphites]);
        assert_eq!(names(&shown), [vec!["lager", "stout"], vec!["crisps"]]);
        assert_eq!(left_out, 2);
    }

    #[test]
    fn nothing_hidden_shows_the_whole_menu() {
        let (shown, left_out) = visible(&bar(), &[]);
        assert_eq!(shown, bar());
        assert_eq!(left_out, 0);
        assert_eq!(hidden_note(0), "");
        assert_eq!(hidden_note(1), "1 item hidden");
        assert_eq!(hidden_note(3), "3 items hidden");
    }

    #[test]
    fn the_saved_choice_reads_back_and_unknown_names_are_skipped() {
        let json = serde_json::to_string(&[Gluten, Peanuts]).unwrap();
        assert_eq!(json, r#"["gluten","peanuts"]"#);
        assert_eq!(parse_saved(&json), [Gluten, Peanuts]);
        assert_eq!(
            parse_saved(r#"["eggs","nuts","gluten","eggs"]"#),
            [Gluten, Eggs]
        );
        assert!(parse_saved("not json").is_empty());
        assert!(parse_saved("{}").is_empty());
    }
}
