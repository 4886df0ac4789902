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
