//! Change the password.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::{check_new_password, ChangePasswordRequest};

use crate::api;
use crate::components::{form_error, Field, Submit};
use crate::session::use_auth;

/// Current password, new password twice. Every other session ends; this
/// one stays signed in.
#[component]
pub fn PasswordPage() -> impl IntoView {
    let auth = use_auth();
    let [current, new, confirm] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        done.set(None);
        let request = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        let checked = match check_new_password(&request.new_password) {
            _ if request.current_password.is_empty() => Err("Enter your current password."),
            Ok(()) if request.new_password != confirm.get_untracked() => {
                Err("The two new passwords do not match.")
            }
            checked => checked,
        };
        if let Err(message) = checked {
            return error.set(Some(message.to_owned()));
        }
        error.set(None);
        pending.set(true);
        spawn_local(async move {
            match auth.watch(api::change_password(&request).await) {
                Ok(answer) => {
                    for field in [current, new, confirm] {
                        field.set(String::new());
                    }
                    done.set(Some(match answer.revoked {
                        0 => "Password changed.".to_owned(),
                        1 => "Password changed. 1 other session was signed out.".to_owned(),
                        n => format!("Password changed. {n} other sessions were signed out."),
                    }));
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            pending.set(false);
        });
    };

    view! {
        <main class="page narrow">
            <h1>"Change password"</h1>
            <p class="lead">"Every other device is signed out; this one stays signed in."</p>
            <form class="stack" on:submit=submit novalidate>
                // Written out: the same fields from a table cost every app
                // about 1.5 KB brotli (the array's view of three fields).
                <Field
                    id="current"
                    label="Current password"
                    kind="password"
                    autocomplete="current-password"
                    value=current
                />
                <Field
                    id="new"
                    label="New password (at least 8 characters)"
                    kind="password"
                    autocomplete="new-password"
                    value=new
                />
                <Field
                    id="confirm"
                    label="New password again"
                    kind="password"
                    autocomplete="new-password"
                    value=confirm
                />
                {form_error(error, Some("form-error"))}
                {move || done.get().map(|text| view! { <p class="success" role="status">{text}</p> })}
                <Submit label="Change password" busy_label="Changing…" busy=pending />
            </form>
        </main>
    }
}
