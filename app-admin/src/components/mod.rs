//! Pieces the admin console's pages are built from.

#![expect(
    unreachable_pub,
    reason = "#[component] gives the props builder of a pub(crate) component pub methods"
)]

use leptos::prelude::*;

pub(crate) mod charts;
pub(crate) mod editor;
pub(crate) mod item_form;
pub(crate) mod options_editor;
pub(crate) mod rename;
pub(crate) mod stations_editor;
pub(crate) mod timers_form;
pub(crate) mod user_search;

/// A table's header row: one column heading per name, in order. A macro,
/// so that literal names stay static text, as written out by hand: a
/// function iterating over the names cost each page that uses it 1.9 to
/// 2.8 KB brotli (docs/BENCHMARKS.md).
macro_rules! column_heads {
    ($($name:literal),+ $(,)?) => {
        ::leptos::prelude::view! {
            <thead>
                <tr>$(<th scope="col">$name</th>)+</tr>
            </thead>
        }
    };
    ($($name:expr),+ $(,)?) => {
        ::leptos::prelude::view! {
            <thead>
                <tr>$(<th scope="col">{$name}</th>)+</tr>
            </thead>
        }
    };
}
pub(crate) use column_heads;

/// What `check` made of what was typed, or `None` with its refusal in
/// `error`.
pub(crate) fn checked<T>(check: Result<T, String>, error: RwSignal<Option<String>>) -> Option<T> {
    check.map_err(|message| error.set(Some(message))).ok()
}

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
