//! Pages only for signed-in users.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use crate::format::encode_component;
use crate::load::loading;
use crate::session::use_auth;

/// Shows `children` to a signed-in user; sends anyone else to the sign-in
/// page, which brings them back here afterwards. Until the session is known
/// (on the server and before hydration) it shows a loading line.
#[component]
pub fn RequireAuth(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    let signed_in = Memo::new(move |_| auth.signed_in());
    move || {
        if !auth.ready.get() {
            return loading("Loading…");
        }
        if !signed_in.get() {
            let mut to = auth.info.path("/login");
            if !auth.signed_out_here.get_untracked() {
                // The router's `search` comes without its `?`.
                let here = match location.search.get_untracked().trim_start_matches('?') {
                    "" => location.pathname.get_untracked(),
                    query => format!("{}?{query}", location.pathname.get_untracked()),
                };
                to = format!("{to}?next={}", encode_component(&here));
            }
            return view! { <Redirect path=to /> }.into_any();
        }
        // Only a change notifies.
        auth.signed_out_here.maybe_update(std::mem::take);
        children().into_any()
    }
}
