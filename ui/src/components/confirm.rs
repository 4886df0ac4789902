//! "Delete", asked again in place before anything is deleted.

use leptos::prelude::*;

/// A "Delete" button that turns into "Delete {name}? Yes, delete / No".
/// The caller deletes in `on_delete` and closes the question
/// (`confirming`) once the deletion is done.
#[component]
pub fn ConfirmDelete(
    /// What is deleted: the test ids are `delete-{what}` and
    /// `confirm-delete-{what}`.
    what: &'static str,
    #[prop(into)] name: Signal<String>,
    /// Whether the question is showing.
    confirming: RwSignal<bool>,
    /// The form's error line, cleared when the question opens.
    error: RwSignal<Option<String>>,
    /// "Yes" waits while any change runs.
    #[prop(into)]
    locked: Signal<bool>,
    /// This deletion is in flight: "Deleting…", and "No" waits.
    #[prop(into)]
    running: Signal<bool>,
    /// Why "Delete" cannot be pressed now, if it cannot (shown as its title).
    #[prop(into, optional)]
    blocked: Signal<Option<&'static str>>,
    on_delete: Callback<()>,
) -> impl IntoView {
    let ask = move || {
        view! {
            <button
                type="button"
                class="button secondary danger-text"
                data-testid=format!("delete-{what}")
                disabled=move || blocked.get().is_some()
                title=move || blocked.get()
                on:click=move |_| {
                    error.set(None);
                    confirming.set(true);
                }
            >
                "Delete"
            </button>
        }
    };
    view! {
        <Show when=move || confirming.get() fallback=ask>
            <span class="confirm-inline" role="group" aria-label=format!("Confirm deleting the {what}")>
                {move || format!("Delete {}?", name.get())}
                <button
                    type="button"
                    class="button danger"
                    data-testid=format!("confirm-delete-{what}")
                    disabled=move || locked.get()
                    on:click=move |_| on_delete.run(())
                >
                    {move || if running.get() { "Deleting…" } else { "Yes, delete" }}
                </button>
                <button
                    type="button"
                    class="button secondary"
                    disabled=move || running.get()
                    on:click=move |_| confirming.set(false)
                >
                    "No"
                </button>
            </span>
        </Show>
    }
}
