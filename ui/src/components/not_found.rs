//! A page the app does not have.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::session::use_auth;

/// Says so, with the way home.
#[component]
pub fn NotFound() -> impl IntoView {
    crate::session::start_with_page();
    view! {
        <main class="page">
            <h1>"Page not found"</h1>
            <p>
                "There is no such page here. " <A href=use_auth().info.home()>"Go to the start page"</A>
            </p>
        </main>
    }
}

/// A page whose chunk could not be fetched (the connection dropped first):
/// says so, and shows the app offline, so that it probes the server; when
/// the server answers, the address is loaded again, chunk and all.
pub fn not_loaded() -> AnyView {
    crate::session::start_with_page();
    let auth = use_auth();
    auth.offline.set(true);
    // Set above, the flag is cleared only by an answer from the server.
    Effect::new(move |_| {
        if !auth.offline.get() {
            let _ = window().location().reload();
        }
    });
    view! {
        <main class="page" data-testid="page-not-loaded">
            <h1>"This page could not be loaded"</h1>
            <p>"It opens by itself as soon as the connection is back."</p>
        </main>
    }
    .into_any()
}
