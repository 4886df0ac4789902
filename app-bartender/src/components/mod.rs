//! Pieces of the queue page.

pub(crate) mod availability;
pub(crate) mod order_card;
pub(crate) mod recall;
pub(crate) mod table_calls;

use app_bartender_state::queue::Queue;
use leptos::prelude::*;

/// The note on the card of the order or call `id` (e.g. why a tap did not
/// work), while it lasts.
fn card_note(queue: Queue, id: String) -> impl IntoView {
    move || {
        let note = queue.notes.with(|notes| notes.get(&id).cloned());
        note.map(|text| {
            view! { <p class="card-note" role="alert" data-testid="card-note">{text}</p> }
        })
    }
}
