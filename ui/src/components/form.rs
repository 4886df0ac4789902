//! Form pieces the pages share, so every form looks and behaves alike.

use leptos::prelude::*;

/// A labelled input bound to `value`.
#[component]
pub fn Field(
    id: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    autocomplete: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            name=id
            type=kind
            autocomplete=autocomplete
            required
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

/// The form's error, announced to screen readers when it appears.
#[component]
pub fn FormError(error: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! {
                <p class="form-error" role="alert" data-testid="form-error">
                    {message}
                </p>
            }
        })
    }
}

/// The submit button: disabled while `busy` (and saying so), and until the
/// page has hydrated, so a form is never sent the browser's own way.
#[component]
pub fn Submit(
    label: &'static str,
    busy_label: &'static str,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let ready = crate::session::use_auth().ready;
    let disabled = move || busy.get() || !ready.get();
    view! {
        <button type="submit" class="button primary" disabled=disabled>
            {move || if busy.get() { busy_label } else { label }}
        </button>
    }
}
