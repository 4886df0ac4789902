//! The menu editor at `/admin/menu`: the stations, categories (each
//! prepared at a station) and their items, edited in place. Availability
//! changes made at the bar arrive live.

use leptos::prelude::*;
use ui::live::{use_live, LiveIndicator};
use ui::load::{notice, staged};
use ui::menu::apply_item_event;
use ui::use_auth;

use crate::editor::{AddCategoryForm, CategoryCard, Editor};
use crate::stations_editor::StationsSection;

/// Every category as a card, in menu order, and a form for a new one.
#[component]
pub fn MenuEditorPage() -> impl IntoView {
    let auth = use_auth();
    let editor = Editor::provide(auth);
    let load = move || editor.reload();
    Effect::new(move |_| load());
    editor.menu.reload_when_online(auth, load);
    let live = use_live(
        move |event| {
            if let Some(change) = event.menu_item() {
                let mut known = true;
                editor
                    .menu
                    .patch(|menu| known = apply_item_event(&mut menu.categories, &change));
                if !known {
                    load();
                }
            }
        },
        load,
    );

    view! {
        <main class="page menu-editor">
            <div class="page-title">
                <h1>"Menu"</h1>
                <LiveIndicator status=live />
            </div>
            <p class="lead">
                "Changes show on guests' phones at once. Prices are typed like 6.50."
            </p>
            {move || notice(editor.actions.notice.get())}
            {staged(editor.menu.stage(), "Loading the menu…", load, move || view! {
                <StationsSection />
                <AddCategoryForm />
                <Show when=move || editor.category_ids().is_empty()>
                    <p class="empty">"No categories yet: add the first one above."</p>
                </Show>
                <div class="categories">
                    <For
                        each=move || editor.category_ids()
                        key=|id| id.clone()
                        children=|id| view! { <CategoryCard id /> }
                    />
                </div>
            })}
        </main>
    }
}
