//! The admin console's menu editor at `/admin/menu` and what it is built
//! from: a crate of its own, as the page is a chunk of its own, so an edit
//! to it compiles this crate, not the whole console (README).

#![expect(
    unreachable_pub,
    reason = "#[component] gives the props builder of a pub(crate) component pub methods"
)]

use leptos::prelude::*;

mod editor;
mod item_form;
pub mod menu;
mod options_editor;
mod rename;
mod stations_editor;

/// A select's options, `(value, label)`, the one whose value is `chosen`
/// selected.
pub(crate) fn select_options(list: Vec<(String, String)>, chosen: &str) -> impl IntoView {
    list.into_iter()
        .map(|(value, label)| {
            let selected = value == chosen;
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view()
}

/// A labelled text field in a box of class `class`: `max_len` is the
/// server's limit, if it has one; `decimal` asks for the number keypad.
#[component]
pub(crate) fn TextField(
    id: String,
    #[prop(default = "field")] class: &'static str,
    label: &'static str,
    testid: &'static str,
    #[prop(optional)] max_len: Option<usize>,
    #[prop(optional)] decimal: bool,
    #[prop(optional)] placeholder: Option<&'static str>,
    #[prop(optional)] required: bool,
    value: RwSignal<String>,
) -> impl IntoView {
    view! {
        <div class=class>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                data-testid=testid
                maxlength=max_len
                inputmode=decimal.then_some("decimal")
                placeholder=placeholder
                autocomplete="off"
                required=required
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}
