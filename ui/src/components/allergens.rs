//! The 14 allergens as a group of checkboxes, each with the law's name:
//! what an item contains (the admin's item form) and what a guest avoids
//! (the customer's "Hide items with…" filter).

use leptos::prelude::*;
use shared::bar::Allergen;

/// Adds (`on`) or removes `allergen`, keeping the list each once and in
/// the law's order.
pub fn toggle_allergen(list: &mut Vec<Allergen>, allergen: Allergen, on: bool) {
    list.retain(|a| *a != allergen);
    if on {
        list.push(allergen);
        list.sort_unstable();
    }
}

/// A checkbox per allergen, in the law's order, bound to `chosen`. The
/// caller wraps them in a fieldset with its legend. `id_prefix` keeps the
/// ids unique on the page; each box carries `data-testid=testid` and
/// `data-allergen` (its wire name).
#[component]
pub fn AllergenCheckboxes(
    chosen: RwSignal<Vec<Allergen>>,
    #[prop(into)] id_prefix: String,
    testid: &'static str,
) -> impl IntoView {
    Allergen::ALL
        .into_iter()
        .map(|allergen| {
            let id = format!("{id_prefix}-{}", allergen.as_str());
            view! {
                <label class="allergen-option" for=id>
                    <input
                        type="checkbox"
                        id=id.clone()
                        data-testid=testid
                        data-allergen=allergen.as_str()
                        prop:checked=move || chosen.with(|list| list.contains(&allergen))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            chosen.update(|list| toggle_allergen(list, allergen, on));
                        }
                    />
                    {allergen.label()}
                </label>
            }
        })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::bar::Allergen::{Gluten, Milk, Sesame};

    #[test]
    fn ticking_keeps_the_list_in_the_laws_order_and_each_once() {
        let mut list = Vec::new();
        toggle_allergen(&mut list, Sesame, true);
        toggle_allergen(&mut list, Gluten, true);
        toggle_allergen(&mut list, Gluten, true);
        toggle_allergen(&mut list, Milk, true);
        assert_eq!(list, [Gluten, Milk, Sesame]);
        toggle_allergen(&mut list, Milk, false);
        toggle_allergen(&mut list, Milk, false);
        assert_eq!(list, [Gluten, Sesame]);
    }
}
