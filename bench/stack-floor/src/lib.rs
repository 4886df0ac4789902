//! Six steps of one small app, each a little more of the stack than the
//! last (see Cargo.toml's features), to measure what each weighs.

use leptos::prelude::*;

#[cfg(feature = "net")]
#[derive(serde::Serialize)]
struct Login {
    email: String,
    password: String,
    app: String,
}

#[cfg(feature = "net")]
#[derive(serde::Deserialize, serde::Serialize, Clone)]
struct User {
    id: String,
    email: String,
    name: String,
    role: String,
}

#[cfg(feature = "net")]
#[derive(serde::Deserialize, serde::Serialize, Clone)]
struct Tokens {
    access_token: String,
    refresh_token: String,
    expires_at: i64,
    user: User,
}

#[cfg(not(feature = "ours"))]
#[component]
fn SignIn() -> impl IntoView {
    #[cfg(feature = "session")]
    let auth = ui::use_auth();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        #[cfg(feature = "net")]
        leptos::task::spawn_local(async move {
            use gloo_storage::Storage;
            let body = Login {
                email: email.get_untracked(),
                password: password.get_untracked(),
                app: "admin".into(),
            };
            let sent = gloo_net::http::Request::post("/api/auth/login").json(&body);
            let result = match sent {
                Ok(request) => match request.send().await {
                    Ok(response) if response.ok() => {
                        response.json::<Tokens>().await.map_err(|e| e.to_string())
                    }
                    Ok(response) => Err(format!("status {}", response.status())),
                    Err(e) => Err(e.to_string()),
                },
                Err(e) => Err(e.to_string()),
            };
            match result {
                Ok(tokens) => {
                    let _ = gloo_storage::LocalStorage::set("stack-floor.session", &tokens);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
        #[cfg(feature = "session")]
        leptos::task::spawn_local(async move {
            let outcome = ui::api::login(&email.get_untracked(), &password.get_untracked()).await;
            match auth.watch(outcome) {
                Ok(user) => {
                    auth.user.set(Some(user));
                    error.set(None);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
        #[cfg(not(any(feature = "net", feature = "session")))]
        error.set(Some(format!(
            "{} {}",
            email.get_untracked(),
            password.get_untracked().len()
        )));
    };
    view! {
        <form on:submit=submit>
            <label>"E-mail" <input type="email" bind:value=email /></label>
            <label>"Password" <input type="password" bind:value=password /></label>
            {move || error.get().map(|e| view! { <p class="error">{e}</p> })}
            <button type="submit" disabled=move || busy.get()>"Sign in"</button>
        </form>
    }
}

/// The app the steps with Taproom's session manager sign in to.
#[cfg(any(feature = "ours", feature = "session"))]
const ADMIN: ui::AppInfo = ui::AppInfo {
    app: shared::api::ClientApp::Admin,
    base: "/admin",
    title: "Admin",
    signup: false,
};

#[cfg(feature = "ours")]
#[component]
fn App() -> impl IntoView {
    use leptos_router::components::{Route, Router, Routes};
    use leptos_router::path;
    ui::provide_auth(ADMIN);
    view! {
        <Router>
            {header()}
            <Routes fallback=|| "Not found">
                <Route path=path!("/admin/login") view=ui::pages::LoginPage />
            </Routes>
        </Router>
    }
}

/// The header with its signed-in parts, as an app built whole has it.
#[cfg(feature = "header")]
fn header() -> impl IntoView {
    ui::components::header::provide_signed_in_parts();
    view! { <ui::components::Header /> }
}

#[cfg(all(feature = "ours", not(feature = "header")))]
fn header() -> impl IntoView {}

#[cfg(all(feature = "router", not(feature = "ours")))]
#[component]
fn App() -> impl IntoView {
    use leptos_router::components::{Route, Router, Routes, A};
    use leptos_router::path;
    view! {
        <Router>
            <nav><A href="/">"Home"</A><A href="/other">"Other"</A></nav>
            <Routes fallback=|| "Not found">
                <Route path=path!("/") view=SignIn />
                <Route path=path!("/other") view=|| view! { <p>"Other"</p> } />
            </Routes>
        </Router>
    }
}

#[cfg(not(any(feature = "router", feature = "session")))]
#[component]
fn App() -> impl IntoView {
    view! { <main><SignIn /></main> }
}

/// Step 1's form, signing in through the session manager the apps use,
/// on a page without a router.
#[cfg(all(feature = "session", not(feature = "router")))]
#[component]
fn App() -> impl IntoView {
    ui::provide_auth(ADMIN);
    ui::session::start_with_page();
    view! { <main><SignIn /></main> }
}

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
