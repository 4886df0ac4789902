//! Pages downloaded when they are first shown, and [`signed_in`], the
//! guard every app puts its pages for a signed-in user behind.
//!
//! An app built split (`cargo leptos build --split`; the admin console
//! and the bartender's app) declares its pages with
//! [`lazy_pages!`](crate::lazy_pages): its main bundle holds the header,
//! the session, the router and the page everyone starts on (the sign-in
//! page, a plain route that calls
//! [`start_with_page`](crate::session::start_with_page) itself), and each
//! page's code is in chunks the router fetches when the page is first
//! needed (code several pages share is in chunks of its own, fetched
//! once). So the sign-in page does not bring the console or the queue with
//! it. An app built whole must not use it: its wasm would ask for a chunk
//! loader that does not exist.

/// Declares one lazily loaded route per line, `Name => Page`, for use as
/// `<Route path=… view={Lazy::<Name>::new()} />`: the page (a component
/// without props) for a signed-in user, as every lazy page is (the
/// sign-in page is in the main bundle). The page is built only in its
/// chunk.
#[macro_export]
macro_rules! lazy_pages {
    ($($route:ident => $page:path;)*) => {$(
        #[doc = concat!("The route of `", stringify!($route), "`, in a chunk of its own.")]
        pub struct $route;

        #[::leptos_router::lazy_route]
        impl ::leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> ::leptos::prelude::AnyView {
                let _ = this;
                $crate::session::start_with_page();
                $crate::components::header::provide_signed_in_parts();
                $crate::routes::signed_in($page)
            }
        }
    )*};
}

/// Declares, as [`lazy_pages!`](crate::lazy_pages) does, the account pages
/// every app built split has: `Devices`, `Activity` and `Password`, for the
/// app's `/devices`, `/activity` and `/password`.
#[macro_export]
macro_rules! account_pages {
    () => {
        $crate::lazy_pages! {
            Devices => $crate::pages::DevicesPage;
            Activity => $crate::pages::ActivityPage;
            Password => $crate::pages::PasswordPage;
        }
    };
}

/// `page` for a signed-in user only ([`RequireAuth`](crate::components::RequireAuth)):
/// every page but the sign-in and sign-up pages, lazy or not.
pub fn signed_in<V: leptos::prelude::IntoView + 'static>(
    page: fn() -> V,
) -> leptos::prelude::AnyView {
    use crate::components::RequireAuth;
    use leptos::prelude::*;
    view! { <RequireAuth>{page()}</RequireAuth> }.into_any()
}
