//! Create a customer account.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use shared::api::{check_new_password, normalize_email, normalize_name, RegisterRequest};

use crate::api;
use crate::session::use_auth;

/// Name, e-mail and a password typed twice; checked here the way the server
/// checks them, so most mistakes show before anything is sent.
#[component]
pub fn SignupPage() -> impl IntoView {
    let auth = use_auth();
    let info = auth.info;
    let navigate = use_navigate();

    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let checked = (|| {
            let name = normalize_name(&name.get_untracked())?;
            let email = normalize_email(&email.get_untracked())?;
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
            Err(message) => {
                error.set(Some(message.to_owned()));
                return;
            }
        };
        error.set(None);
        pending.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match auth.watch(api::register(&request).await) {
                Ok(user) => {
                    auth.notice.set(None);
                    auth.user.set(Some(user));
                    pending.set(false);
                    navigate(&info.home(), Default::default());
                }
                Err(e) => {
                    error.set(Some(e.to_string()));
                    pending.set(false);
                }
            }
        });
    };

    let field = move |id: &'static str,
                      label: &'static str,
                      kind: &'static str,
                      autocomplete: &'static str,
                      value: RwSignal<String>| {
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
    };

    view! {
        <main class="auth-page">
            <h1>"Create an account"</h1>
            <form class="stack" on:submit=submit novalidate>
                {field("name", "Your name", "text", "name", name)}
                {field("email", "E-mail", "email", "email", email)}
                {field("password", "Password (at least 8 characters)", "password", "new-password", password)}
                {field("confirm", "Password again", "password", "new-password", confirm)}
                {move || {
                    error
                        .get()
                        .map(|message| {
                            view! {
                                <p class="form-error" role="alert" data-testid="form-error">
                                    {message}
                                </p>
                            }
                        })
                }}
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || pending.get() || !auth.ready.get()
                >
                    {move || if pending.get() { "Creating your account…" } else { "Create account" }}
                </button>
            </form>
            <p class="aside">
                "Already have an account? " <A href=info.path("/login")>"Sign in"</A>
            </p>
        </main>
    }
}
