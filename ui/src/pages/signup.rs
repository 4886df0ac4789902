//! Create a customer account.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::api::{check_email, check_new_password, normalize_name, RegisterRequest};

use crate::api;
use crate::components::{form_error, Field, Submit};
use crate::session::use_auth;

/// Name, e-mail and a password typed twice; checked here the way the server
/// checks them, so most mistakes show before anything is sent. In the main
/// bundle, it starts the session manager, as the sign-in page does.
#[component]
pub fn SignupPage() -> impl IntoView {
    crate::session::start_with_page();
    let auth = use_auth();
    let info = auth.info;
    let navigate = use_navigate();

    let [name, email, password, confirm] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let checked = (|| {
            let name = normalize_name(&name.get_untracked())?;
            let email = check_email(&email.get_untracked())?.to_owned();
            let password = password.get_untracked();
            check_new_password(&password)?;
            if password != confirm.get_untracked() {
                return Err("The two passwords do not match.");
            }
            Ok(RegisterRequest {
                email,
                password,
                name,
                client_app: None,
            })
        })();
        let request = match checked {
            Ok(request) => request,
            Err(message) => return error.set(Some(message.to_owned())),
        };
        error.set(None);
        pending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let outcome = auth.watch(api::register(&request).await);
            pending.set(false);
            match outcome {
                Ok(user) => {
                    auth.notice.set(None);
                    auth.user.set(Some(user));
                    navigate(&info.home(), Default::default());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };

    view! {
        <main class="auth-page">
            <h1>"Create an account"</h1>
            <form class="stack" on:submit=submit novalidate>
                <Field id="name" label="Your name" autocomplete="name" value=name />
                <Field id="email" label="E-mail" kind="email" autocomplete="email" value=email />
                <Field
                    id="password"
                    label="Password (at least 8 characters)"
                    kind="password"
                    autocomplete="new-password"
                    value=password
                />
                <Field
                    id="confirm"
                    label="Password again"
                    kind="password"
                    autocomplete="new-password"
                    value=confirm
                />
                {form_error(error, Some("form-error"))}
                <Submit label="Create account" busy_label="Creating your account…" busy=pending />
            </form>
            <p class="aside">
                "Already have an account? " <A href=info.path("/login")>"Sign in"</A>
            </p>
        </main>
    }
}
