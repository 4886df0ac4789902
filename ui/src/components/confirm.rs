//! An action asked again in place before it runs: "Delete", "Deactivate".

use leptos::prelude::*;

use super::BusyButton;

/// A button that turns into a question, "Yes" and "No". The caller acts in
/// `on_confirm` and closes the question (`confirming`) once it is done.
#[component]
pub fn Confirm(
    /// The buttons' test ids: `{testid}` and `confirm-{testid}`.
    testid: String,
    /// The button before the question: "Delete".
    label: &'static str,
    /// What is asked: "Delete Lager?".
    #[prop(into)]
    question: Signal<String>,
    /// The answer that acts ("Yes, delete"), and what it says while the
    /// action runs ("Deleting…").
    yes: &'static str,
    busy_label: &'static str,
    /// How the question is announced: "Confirm deleting the item".
    group_label: String,
    /// Whether the question is showing.
    confirming: RwSignal<bool>,
    /// The form's error line, cleared when the question opens.
    #[prop(optional)]
    error: Option<RwSignal<Option<String>>>,
    /// Asking and "Yes" wait while any change runs.
    #[prop(into)]
    locked: Signal<bool>,
    /// This action is in flight: "No" waits.
    #[prop(into)]
    running: Signal<bool>,
    /// Why the action cannot be asked for now, if it cannot (its title).
    #[prop(into, optional)]
    blocked: Signal<Option<&'static str>>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let confirm_testid = format!("confirm-{testid}");
    let ask = move || {
        view! {
            <button
                type="button"
                class="button secondary danger-text"
                data-testid=testid.clone()
                disabled=move || blocked.get().is_some() || locked.get()
                title=move || blocked.get()
                on:click=move |_| {
                    if let Some(error) = error {
                        error.set(None);
                    }
                    confirming.set(true);
                }
            >
                {label}
            </button>
        }
    };
    view! {
        <Show when=move || confirming.get() fallback=ask>
            <span class="confirm-inline" role="group" aria-label=group_label.clone()>
                {move || question.get()}
                <BusyButton
                    class="button danger"
                    testid=confirm_testid.clone()
                    label=yes
                    busy_label
                    busy=running
                    disabled=locked
                    on_click=on_confirm
                />
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

/// "Delete" asked again: "Delete {name}? Yes, delete / No".
#[component]
pub fn ConfirmDelete(
    /// What is deleted: the test ids are `delete-{what}` and
    /// `confirm-delete-{what}`.
    what: &'static str,
    #[prop(into)] name: Signal<String>,
    confirming: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    #[prop(into)] locked: Signal<bool>,
    #[prop(into)] running: Signal<bool>,
    #[prop(into, optional)] blocked: Signal<Option<&'static str>>,
    on_delete: Callback<()>,
) -> impl IntoView {
    view! {
        <Confirm
            testid=format!("delete-{what}")
            label="Delete"
            question=move || format!("Delete {}?", name.get())
            yes="Yes, delete"
            busy_label="Deleting…"
            group_label=format!("Confirm deleting the {what}")
            confirming
            error
            locked
            running
            blocked
            on_confirm=on_delete
        />
    }
}
