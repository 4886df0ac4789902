//! Names in the menu editor (a category, a station): the field they are
//! typed in, and renaming a row in place, where its name turns into a form
//! and back once the new name is saved.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use ui::components::{checked, BusyButton};

use crate::editor::Editor;

/// The text field a name is typed in, at most `max_len` long (the
/// server's limit).
#[component]
pub(crate) fn NameInput(
    #[prop(into)] id: String,
    #[prop(into)] testid: String,
    max_len: usize,
    #[prop(optional)] placeholder: Option<&'static str>,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <input
            id=id
            data-testid=testid
            maxlength=max_len
            placeholder=placeholder
            autocomplete="off"
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

/// The row's name (`children`) or, while `open`, a form to rename it from
/// `current`. The new name is checked with `check` (the rule the server
/// applies) before `on_save` gets it; a refusal shows in `error`.
#[component]
pub(crate) fn RenameForm(
    /// Test ids: `{what}-name-input` and `save-{what}`.
    what: &'static str,
    /// The input's (hidden) label: "Category name".
    label: &'static str,
    id: String,
    max_len: usize,
    open: RwSignal<bool>,
    #[prop(into)] current: Signal<String>,
    check: fn(&str) -> Result<String, String>,
    error: RwSignal<Option<String>>,
    /// The rename is in flight: "Saving…", and "Cancel" waits.
    #[prop(into)]
    saving: Signal<bool>,
    on_save: Callback<String>,
    children: ChildrenFn,
) -> impl IntoView {
    let editor = expect_context::<Editor>();
    // Built each time it opens, with the name as it is then.
    let form = move || {
        let value = RwSignal::new(current.get_untracked());
        let submit = move |ev: SubmitEvent| {
            ev.prevent_default();
            if let Some(text) = checked(check(&value.get_untracked()), error) {
                on_save.run(text);
            }
        };
        view! {
            <form class="inline-form" on:submit=submit novalidate>
                <label class="visually-hidden" for=id.clone()>{label}</label>
                <NameInput id=id.clone() testid=format!("{what}-name-input") max_len value />
                <BusyButton
                    submit=true
                    class="button primary"
                    testid=format!("save-{what}")
                    label="Save"
                    busy_label="Saving…"
                    busy=saving
                    // "Save" waits while any change runs.
                    disabled=move || editor.actions.locked()
                />
                <button
                    type="button"
                    class="button secondary"
                    disabled=move || saving.get()
                    on:click=move |_| open.set(false)
                >
                    "Cancel"
                </button>
            </form>
        }
    };
    view! {
        <Show when=move || open.get() fallback=move || children()>
            {form()}
        </Show>
    }
}

/// "Rename": opens the [`RenameForm`].
#[component]
pub(crate) fn RenameButton(
    /// Test id: `rename-{what}`.
    what: &'static str,
    open: RwSignal<bool>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button secondary"
            data-testid=format!("rename-{what}")
            disabled=move || open.get()
            on:click=move |_| {
                error.set(None);
                open.set(true);
            }
        >
            "Rename"
        </button>
    }
}
