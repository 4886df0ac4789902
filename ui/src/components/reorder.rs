//! "↑" and "↓" beside each row of a list the person puts in order by hand.

use leptos::prelude::*;

/// Moves one row up or down its list. `place` is the row's index (none
/// while it is not in the list) and the list's length: the first row
/// cannot go up, nor the last down.
#[component]
pub fn MoveButtons(
    /// The buttons' test ids are `{what}-up` and `{what}-down`.
    what: &'static str,
    /// The row's name, for the labels ("Move Lager up").
    #[prop(into)]
    name: Signal<String>,
    #[prop(into)] place: Signal<(Option<usize>, usize)>,
    /// Both wait while another change runs.
    #[prop(into, optional)]
    locked: Signal<bool>,
    /// Called with `true` to move up, `false` to move down.
    on_move: Callback<bool>,
) -> impl IntoView {
    let button = move |up: bool| {
        let (direction, arrow) = if up { ("up", "↑") } else { ("down", "↓") };
        let at_end = move || {
            let (at, count) = place.get();
            at.is_none_or(|at| if up { at == 0 } else { at + 1 >= count })
        };
        view! {
            <button
                type="button"
                class="button secondary"
                data-testid=format!("{what}-{direction}")
                aria-label=move || format!("Move {} {direction}", name.get())
                disabled=move || locked.get() || at_end()
                on:click=move |_| on_move.run(up)
            >
                {arrow}
            </button>
        }
    };
    (button(true), button(false))
}
