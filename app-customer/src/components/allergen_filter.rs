//! "Hide items with…": a checkbox per allergen, folded away until opened.
//! The menu leaves out items that contain any allergen ticked and says how
//! many it left out, so a filtered menu never looks silently short.

use leptos::prelude::*;
use shared::bar::allergen_names;
use ui::components::AllergenCheckboxes;

use crate::allergens::{hidden_note, use_allergen_filter};

/// The filter and the line saying how many items it hides.
#[component]
pub(crate) fn AllergenFilterPanel(
    /// How many items of the menu the filter hides right now.
    #[prop(into)]
    hidden_count: Signal<usize>,
) -> impl IntoView {
    let filter = use_allergen_filter();
    let hidden = filter.hidden;
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
                        on:click=move |_| filter.clear()
                    >
                        "Show everything"
                    </button>
                </Show>
            </div>
        </div>
    }
}
