//! Form pieces and buttons the pages share, so every form looks and
//! behaves alike.

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

/// `error` while there is one, announced when it appears, with the test id
/// `testid` if any: the error line of a form, a panel or a card.
pub fn form_error(error: RwSignal<Option<String>>, testid: Option<&'static str>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! { <p class="form-error" role="alert" data-testid=testid>{message}</p> }
        })
    }
}

/// What `check` made of what was typed, or `None` with its refusal in
/// `error`.
pub fn checked<T>(check: Result<T, String>, error: RwSignal<Option<String>>) -> Option<T> {
    check.map_err(|message| error.set(Some(message))).ok()
}

/// The submit button: disabled while `busy` (and saying so), and until the
/// page has hydrated, so a form is never sent the browser's own way.
#[component]
pub fn Submit(
    label: &'static str,
    busy_label: &'static str,
    busy: RwSignal<bool>,
) -> impl IntoView {
    // Written out rather than a BusyButton: built on it, the admin's
    // sign-in page needed 1.1 KB more (brotli), on every first visit.
    let ready = crate::session::use_auth().ready;
    view! {
        <button type="submit" class="button primary" disabled=move || busy.get() || !ready.get()>
            {move || if busy.get() { busy_label } else { label }}
        </button>
    }
}

/// A button that says what it is doing while its action runs, and waits
/// meanwhile: "Save", then "Saving…".
#[component]
pub fn BusyButton(
    label: &'static str,
    busy_label: &'static str,
    #[prop(into)] busy: Signal<bool>,
    /// Waits for something else too (another change running).
    #[prop(into, optional)]
    disabled: Signal<bool>,
    #[prop(default = "button secondary")] class: &'static str,
    #[prop(optional, into)] testid: Option<String>,
    /// A form's submit button rather than a plain one.
    #[prop(optional)]
    submit: bool,
    #[prop(optional)] on_click: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <button
            type=if submit { "submit" } else { "button" }
            class=class
            data-testid=testid
            disabled=move || busy.get() || disabled.get()
            on:click=move |_| {
                if let Some(on_click) = on_click {
                    on_click.run(());
                }
            }
        >
            {move || if busy.get() { busy_label } else { label }}
        </button>
    }
}
