//! Pages downloaded when they are first shown.
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

/// Declares one lazily loaded route per line, `Name => view`, for use as
/// `<Route path=… view={Lazy::<Name>::new()} />`. The view is built only in
/// the page's chunk.
#[macro_export]
macro_rules! lazy_pages {
    ($($route:ident => $view:expr;)*) => {$(
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
                ::leptos::prelude::IntoAny::into_any($view)
            }
        }
    )*};
}
