//! A page the app does not have.

use leptos::prelude::*;
use leptos_router::components::A;
use std::future::Future;
use std::time::Duration;

use crate::session::use_auth;

/// Says so, with the way home. `parts` gives someone signed in the
/// header's pages, which come with the pages' chunks ([`crate::lazy_pages`]).
pub fn not_found<F: Future<Output = ()> + 'static>(parts: fn() -> F) -> AnyView {
    crate::session::start_with_page();
    let auth = use_auth();
    Effect::new(move |_| {
        if auth.ready.get() && auth.signed_in() {
            leptos::task::spawn_local_scoped(parts());
        }
    });
    view! {
        <main class="page">
            <h1>"Page not found"</h1>
            <p>
                "There is no such page here. " <A href=auth.info.home()>"Go to the start page"</A>
            </p>
        </main>
    }
    .into_any()
}

/// A few seconds on a browser timer, between two tries of a page's chunk.
pub async fn pause() {
    let (done, wait) = futures::channel::oneshot::channel::<()>();
    set_timeout(move || drop(done), Duration::from_secs(3));
    let _ = wait.await;
}

/// After a chunk failed to arrive: when the server's page for this address
/// names another main bundle (a new release, which serves only its own
/// files), loads the address again, with that release, and does not return.
pub async fn load_new_release() {
    #[cfg(target_arch = "wasm32")] // on the server, no chunk is fetched
    {
        let link = document().query_selector("link[rel=modulepreload]");
        let Some(bundle) = link.ok().flatten().and_then(|l| l.get_attribute("href")) else {
            return;
        };
        let location = window().location();
        let here = location.href().unwrap_or_default();
        let request = gloo_net::http::Request::get(&here).header("Accept", "text/html");
        let Ok(page) = request.send().await else {
            return;
        };
        let text = if page.ok() {
            page.text().await.ok()
        } else {
            None
        };
        // Attributes are quoted: the bundle's address is a value of its own.
        if text.is_some_and(|text| !text.split('"').any(|value| value == bundle)) {
            let _ = location.reload();
            std::future::pending::<()>().await;
        }
    }
}

/// A page whose chunk could not be fetched (the connection dropped first):
/// says so, and shows the app offline, so that it probes the server. When
/// the server answers, `fetch` tries the chunk again; once it has arrived,
/// or the server runs a new release, the address is loaded again and the
/// page opens.
pub fn not_loaded<F: Future<Output = bool> + 'static>(fetch: fn() -> F) -> AnyView {
    crate::session::start_with_page();
    let auth = use_auth();
    auth.offline.set(true);
    // Any answer clears the flag, one in flight when the connection dropped
    // too, and a server may answer while its chunk does not arrive: reloading
    // then would leave the app, or reload it again and again.
    Effect::new(move |_| {
        if !auth.offline.get() {
            leptos::task::spawn_local(async move {
                if fetch().await {
                    let _ = window().location().reload();
                } else {
                    load_new_release().await;
                    auth.offline.set(true);
                }
            });
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
