//! Pages downloaded when they are first shown, and [`signed_in`], the
//! guard every app puts its pages for a signed-in user behind.
//!
//! Every app is built split (`--split`) and declares its pages with
//! [`lazy_pages!`](crate::lazy_pages): its main bundle holds the header,
//! the session, the router and the sign-in page (a plain route that calls
//! [`start_with_page`](crate::session::start_with_page) itself); the other
//! pages come in chunks when first needed.

/// Declares the app's lazy routes, `mod group { Name => Page; … }`, each
/// `Name` for `<Route path=… view={Lazy::<Name>::new()} />`, as `mod
/// account` the account pages every app has (`Devices`, `Activity`,
/// `Password`), and `not_found()`, the routes' fallback. Each page (a
/// component without props) is for a signed-in user. A group's pages are
/// built only in its chunk: wasm-split gives each set of lazy functions
/// that reach some code a chunk, so a group per page would make many.
#[macro_export]
macro_rules! lazy_pages {
    (@ $(mod $group:ident { $($route:ident => $page:path;)* })*) => {
        /// The app's lazily loaded pages, by chunk.
        pub mod chunks {$(
            #[doc = concat!("The pages of `", stringify!($group), "`, in one chunk.")]
            pub mod $group {
                #[allow(unused_imports)]
                use super::super::*;
                /// Which page of the group to show.
                #[derive(Clone, Copy, Debug)]
                pub enum Page { $($route,)* }
                /// The group's pages, built only in its chunk (`None`: only the header's
                /// parts); a chunk that cannot arrive is an error, not a panic.
                #[::leptos::wasm_split::wasm_split($group, wasm_split_path = ::leptos::wasm_split,
                    preload(#[doc(hidden)] __preload_view), fallible)]
                pub fn view(page: Option<Page>) -> Result<::leptos::prelude::AnyView, ::leptos::wasm_split::SplitLoaderError> {
                    ::leptos::prefetch_lazy_fn_on_server(stringify!($group)); // on the server: a preload link
                    $crate::session::start_with_page();
                    $crate::components::header::provide_signed_in_parts();
                    Ok(match page { $(Some(Page::$route) => $crate::routes::signed_in($page),)* None => ::leptos::prelude::IntoAny::into_any(()) })
                }
            }
        )*}
        $($(
            #[doc = concat!("The route of `", stringify!($route), "`, in the chunk of `", stringify!($group), "`.")]
            pub struct $route;

            impl ::leptos_router::LazyRoute for $route {
                fn data() -> Self { $route }
                async fn view(_: Self) -> ::leptos::prelude::AnyView {
                    let page = chunks::$group::view(Some(chunks::$group::Page::$route)).await;
                    let fetch = || async { chunks::$group::__preload_view().await.is_ok() };
                    page.unwrap_or_else(|_| $crate::components::not_found::not_loaded(fetch))
                }
                // Awaited before the page is shown. Taking over the server's HTML, the
                // page must be ready then (nothing else matches it): wait for its chunk
                // (or the page of a new release).
                async fn preload() {
                    use $crate::components::not_found::{load_new_release, pause};
                    while chunks::$group::__preload_view().await.is_err() && !$crate::session::started() {
                        load_new_release().await;
                        pause().await;
                    }
                }
            }
        )*)*
    };
    ($(mod $group:ident { $($route:ident => $page:path;)* })*) => {
        $crate::lazy_pages!(@ $(mod $group { $($route => $page;)* })* mod account {
            Devices => $crate::pages::DevicesPage;
            Activity => $crate::pages::ActivityPage;
            Password => $crate::pages::PasswordPage;
        });
        pub fn not_found() -> ::leptos::prelude::AnyView {
            $crate::components::not_found::not_found(|| async { let _ = chunks::account::view(None).await; })
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
