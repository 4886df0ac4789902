//! The bar across the top of every page, and the offline banner.
//!
//! What the header shows for someone signed in (the app's pages, the user
//! with "Sign out", the new-device notices and the password dialog) comes
//! from [`provide_signed_in_parts`], which the pages call rather than the
//! header: in an app built split, the sign-in page in the main bundle does
//! not carry them, and the first page in a chunk of its own brings them
//! with it (docs/BENCHMARKS.md).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api;
use crate::components::{BusyButton, ReauthDialog, SignInAlerts};
use crate::session::{use_auth, Auth};

/// The app's own pages, as the header links to them.
type Links = Vec<(String, &'static str)>;

/// The header's signed-in parts, once a page has given them.
#[derive(Clone, Copy)]
struct SignedInParts {
    /// In the bar: the pages (folded behind one button on a phone), the
    /// user and "Sign out".
    bar: fn(Auth, Links, RwSignal<bool>) -> AnyView,
    /// Under it: the new-device notices and the password dialog.
    below: fn(Auth) -> AnyView,
}

/// Where the header finds its signed-in parts.
#[derive(Clone, Copy)]
struct PartsSlot(RwSignal<Option<SignedInParts>>);

/// Provides the (empty) place of the header's signed-in parts, with the
/// session ([`crate::provide_auth`]).
pub(crate) fn provide_slot() {
    provide_context(PartsSlot(RwSignal::new(None)));
}

/// Gives the app's header its signed-in parts. Every page that someone
/// signed in sees calls it: in an app built split, each page in a chunk of
/// its own ([`crate::lazy_pages`]); in an app built whole, its root. Called
/// from the main bundle of a split app, it would bring them back into it.
pub fn provide_signed_in_parts() {
    let PartsSlot(slot) = expect_context();
    // In the browser only, once the page has hydrated: the server renders
    // none of it (nobody is signed in before the session has started).
    Effect::new(move |_| {
        if slot.with_untracked(Option::is_none) {
            slot.set(Some(SignedInParts {
                bar: signed_in_bar,
                below: signed_in_below,
            }));
        }
    });
}

/// The app's name, its pages and, when signed in, the user and sign out.
#[component]
pub fn Header(
    /// Links to the app's own pages, shown before Devices and Password.
    #[prop(optional)]
    links: Links,
) -> impl IntoView {
    let auth = use_auth();
    let info = auth.info;
    let PartsSlot(slot) = expect_context();
    // On a phone the pages and the account fold behind one button, so the
    // header is a single line; wider screens show them all (CSS).
    let menu_open = RwSignal::new(false);
    let has_parts = move || slot.with(Option::is_some);
    view! {
        <header class="app-header" class:menu-open=move || menu_open.get()>
            <a class="brand" href=info.home()>
                "Taproom" <span class="brand-app">{info.title}</span>
            </a>
            <Show when=move || auth.ready.get() && auth.signed_in() && has_parts()>
                {
                    let links = links.clone();
                    move || slot.get().map(|parts| (parts.bar)(auth, links.clone(), menu_open))
                }
            </Show>
        </header>
        // Says so while the server cannot be reached; the app keeps retrying
        // and nobody is signed out for it.
        <Show when=move || auth.offline.get()>
            <div class="banner offline" role="status" data-testid="offline">
                "Offline: cannot reach the server. Retrying…"
            </div>
        </Show>
        <Show when=move || auth.ready.get() && has_parts()>
            {move || slot.get().map(|parts| (parts.below)(auth))}
        </Show>
    }
}

/// The pages' menu, the user's name and "Sign out".
fn signed_in_bar(auth: Auth, links: Links, menu_open: RwSignal<bool>) -> AnyView {
    let info = auth.info;
    let signing_out = RwSignal::new(false);
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
        <nav class="app-nav" id="app-nav" aria-label="Main" on:click=move |_| menu_open.set(false)>
            {links.into_iter().map(|(href, label)| view! { <A href=href exact=true>{label}</A> }).collect_view()}
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
    }
    .into_any()
}

/// The new-device notices while someone is signed in, and the password
/// dialog (which stays when the session ends, to close as cancelled).
fn signed_in_below(auth: Auth) -> AnyView {
    view! {
        <Show when=move || auth.signed_in()><SignInAlerts /></Show>
        <ReauthDialog />
    }
    .into_any()
}
