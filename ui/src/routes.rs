//! Pages downloaded when they are first shown.
//!
//! Each app's wasm is split by route (`cargo leptos build --split`): the
//! main bundle holds the header, the session and the router, and every
//! page is a chunk of its own that the router fetches when the page is
//! first needed (code shared by several pages goes into chunks of its own).
//! So a guest opening the menu never downloads the sign-up form, and the
//! sign-in page of the admin console does not bring the console with it.

/// Declares one lazily loaded route per line, `Name => view`, for use as
/// `<Route path=… view=Lazy::<Name>::new() />`. The view is built only in
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
                ::leptos::prelude::IntoAny::into_any($view)
            }
        }
    )*};
}
