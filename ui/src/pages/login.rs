//! Sign in.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api;
use crate::components::{form_error, Field, Submit};
use crate::session::use_auth;

/// E-mail and password; goes back to the page that sent the user here.
/// Errors (wrong password, rate limits with their wait, a role this app
/// does not serve) show under the form.
///
/// Starts the session manager once it has hydrated, as every page does:
/// it is the page in the main bundle that everyone starts on
/// ([`crate::lazy_pages`]).
#[component]
pub fn LoginPage() -> impl IntoView {
    crate::session::start_with_page();
    let auth = use_auth();
    let info = auth.info;
    let query = use_query_map();
    let next = move || info.after_login(query.with_untracked(|q| q.get("next")));
    let navigate = use_navigate();

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    // Signed in already, here or in another tab: carry on.
    let go_on = navigate.clone();
    Effect::new(move |_| {
        if auth.ready.get() && auth.signed_in() && !pending.get_untracked() {
            go_on(&next(), Default::default());
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let address = email.get_untracked();
        let secret = password.get_untracked();
        if address.trim().is_empty() || secret.is_empty() {
            return error.set(Some("Enter your e-mail address and password.".to_owned()));
        }
        error.set(None);
        pending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let outcome = auth.watch(api::login(address.trim(), &secret).await);
            pending.set(false);
            match outcome {
                Ok(user) => {
                    auth.notice.set(None);
                    password.set(String::new());
                    auth.user.set(Some(user));
                    navigate(&next(), Default::default());
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };

    view! {
        <main class="auth-page">
            <h1>"Sign in"</h1>
            <p class="lead">{format!("Taproom {}", info.title)}</p>
            {move || auth.notice.get().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
            <form class="stack" on:submit=submit novalidate>
                <Field id="email" label="E-mail" kind="email" autocomplete="username" value=email />
                <Field
                    id="password"
                    label="Password"
                    kind="password"
                    autocomplete="current-password"
                    value=password
                />
                {form_error(error, Some("form-error"))}
                <Submit label="Sign in" busy_label="Signing in…" busy=pending />
            </form>
            <Show when=move || info.signup>
                <p class="aside">
                    "New here? " <A href=info.path("/signup")>"Create an account"</A>
                </p>
            </Show>
        </main>
    }
}
