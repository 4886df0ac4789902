//! Pieces the customer app's pages are built from.

#![expect(
    unreachable_pub,
    reason = "#[component] gives the props builder of a pub(crate) component pub methods"
)]

pub(crate) mod allergen_filter;
pub(crate) mod calls;
pub(crate) mod cart;
pub(crate) mod item_options;
pub(crate) mod menu_item;
pub(crate) mod status;
pub(crate) mod tab;

use leptos::prelude::*;

/// `error`, announced when it appears, with the test id `testid` if any.
pub(crate) fn error_line(
    testid: Option<&'static str>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! { <p class="form-error" role="alert" data-testid=testid>{message}</p> }
        })
    }
}
