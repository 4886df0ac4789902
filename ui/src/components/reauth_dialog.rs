//! The password dialog of [`crate::reauth`]: shown over the page when a
//! sensitive action needs the password confirmed, so whatever was typed
//! behind it stays.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::BusyButton;
use crate::reauth::{answer, ReauthPrompt};
use crate::session::use_auth;

/// "Confirm your password": a modal with the password, Confirm and Cancel.
#[component]
pub fn ReauthDialog() -> impl IntoView {
    let auth = use_auth();
    let prompt = expect_context::<ReauthPrompt>();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();

    // Focus the field as the dialog opens, so a keyboard user can type at once.
    Effect::new(move |_| {
        if prompt.open.get() {
            if let Some(field) = input.get() {
                let _ = field.focus();
            }
        }
    });

    let close = move |confirmed: bool| {
        password.set(String::new());
        error.set(None);
        answer(prompt, confirmed);
    };
    // A session that ends while the dialog is open (signed out everywhere
    // from another device, say) closes it as cancelled: there is no session
    // left to confirm, and the sign-in page must not sit behind it.
    Effect::new(move |_| {
        if !auth.signed_in() && prompt.open.get_untracked() {
            close(false);
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let secret = password.get_untracked();
        if secret.is_empty() {
            return error.set(Some("Enter your password.".to_owned()));
        }
        pending.set(true);
        error.set(None);
        spawn_local(async move {
            match auth.watch(api::reauth(&secret).await) {
                Ok(_) => close(true),
                Err(e) if e.ends_session() => close(false),
                Err(e) => error.set(Some(e.to_string())),
            }
            pending.set(false);
        });
    };

    view! {
        <Show when=move || prompt.open.get()>
            <div class="modal-backdrop">
                <form
                    class="modal stack"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby="reauth-title"
                    data-testid="reauth-dialog"
                    on:submit=submit
                    on:keydown=move |ev| {
                        if ev.key() == "Escape" && !pending.get_untracked() {
                            close(false);
                        }
                    }
                    novalidate
                >
                    <h2 id="reauth-title">"Confirm your password"</h2>
                    <p>"This can sign people out or change who may do what, so Taproom asks for your password first."</p>
                    <label for="reauth-password">"Password"</label>
                    <input
                        id="reauth-password"
                        type="password"
                        autocomplete="current-password"
                        node_ref=input
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                    // Written out rather than `form_error`: the dialog is in every
                    // page's bundle, and the admin's main bundle then took the
                    // chunk that holds it (0.4 KB brotli more, 1.7 KB on Devices).
                    {move || error.get().map(|message| view! {
                        <p class="form-error" role="alert" data-testid="reauth-error">{message}</p>
                    })}
                    <div class="modal-actions">
                        <BusyButton
                            submit=true
                            class="button primary"
                            label="Confirm"
                            busy_label="Confirming…"
                            busy=pending
                        />
                        <button
                            type="button"
                            class="button secondary"
                            disabled=move || pending.get()
                            on:click=move |_| close(false)
                        >
                            "Cancel"
                        </button>
                    </div>
                </form>
            </div>
        </Show>
    }
}
