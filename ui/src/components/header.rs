//! The bar across the top of every page, and the offline banner.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api;
use crate::components::{BusyButton, ReauthDialog, SignInAlerts};
use crate::session::use_auth;

/// The app's name, its pages and, when signed in, the user and sign out.
#[component]
pub fn Header(
    /// Links to the app's own pages, shown before Devices and Password.
    #[prop(optional)]
    links: Vec<(String, &'static str)>,
) -> impl IntoView {
    let auth = use_auth();
    let info = auth.info;
    let signing_out = RwSignal::new(false);
    // On a phone the pages and the account fold behind one button, so the
    // header is a single line; wider screens show them all (CSS).
    let menu_open = RwSignal::new(false);
    let sign_out = move |_| {
        signing_out.set(true);
        spawn_local(async move {
            // Keys are cleared even when the server cannot be reached; the
            // page then sends us to the sign-in page.
            let _ = api::logout().await;
            auth.notice.set(None);
            auth.signed_out_here.set(true);
            auth.user.set(None);
            signing_out.set(false);
        });
    };
    let name = move || {
        auth.user
            .with(|u| u.as_ref().map(|u| u.name.clone()).unwrap_or_default())
    };
    view! {
        <header class="app-header" class:menu-open=move || menu_open.get()>
            <a class="brand" href=info.home()>
                "Taproom" <span class="brand-app">{info.title}</span>
            </a>
            <Show when=move || auth.ready.get() && auth.signed_in()>
                <button
                    type="button"
                    class="button secondary menu-toggle"
                    data-testid="menu-toggle"
                    aria-controls="app-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| menu_open.update(|open| *open = !*open)
                >
                    {move || if menu_open.get() { "Close" } else { "Pages" }}
                </button>
                // A chosen page folds the menu again.
                <nav
                    class="app-nav"
                    id="app-nav"
                    aria-label="Main"
                    on:click=move |_| menu_open.set(false)
                >
                    {links
                        .clone()
                        .into_iter()
                        .map(|(href, label)| view! { <A href=href exact=true>{label}</A> })
                        .collect_view()}
                    <A href=info.path("/devices")>"Devices"</A>
                    <A href=info.path("/activity")>"Activity"</A>
                    <A href=info.path("/password")>"Password"</A>
                </nav>
                <div class="who">
                    <span class="who-name" data-testid="user-name">{name}</span>
                    <BusyButton
                        label="Sign out"
                        busy_label="Signing out…"
                        busy=signing_out
                        on_click=Callback::new(sign_out)
                    />
                </div>
            </Show>
        </header>
        // Says so while the server cannot be reached; the app keeps retrying
        // and nobody is signed out for it.
        <Show when=move || auth.offline.get()>
            <div class="banner offline" role="status" data-testid="offline">
                "Offline: cannot reach the server. Retrying…"
            </div>
        </Show>
        <Show when=move || auth.ready.get() && auth.signed_in()>
            <SignInAlerts />
        </Show>
        <ReauthDialog />
    }
}
