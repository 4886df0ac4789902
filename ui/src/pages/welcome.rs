//! Who is signed in, for each app's home page.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::session::use_auth;

/// "Signed in as …" with the way to the devices page.
#[component]
pub fn Welcome() -> impl IntoView {
    let auth = use_auth();
    move || {
        auth.user.get().map(|user| {
            view! {
                <section class="card welcome" data-testid="welcome">
                    <p>
                        "Signed in as " <strong>{user.name.clone()}</strong> " ("
                        {user.email.clone()} ", " {user.role.as_str()} ")."
                    </p>
                    <p><A href=auth.info.path("/devices")>"See where you are signed in"</A></p>
                </section>
            }
        })
    }
}
