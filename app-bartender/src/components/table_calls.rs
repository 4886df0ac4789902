//! The strip of tables calling, at the top of the board: which table, what
//! for, how long ago, and "On my way", which acknowledges the call: it
//! leaves every board and the guest's phone says a bartender is coming.

use app_bartender_state::queue::Queue;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bar::{CallKind, TableCall};
use ui::bar_api;
use ui::components::BusyButton;
use ui::format::{age, timestamp_millis};

use super::card_note;
use ui::load::{failed, Stage};

/// The open calls, oldest first; nothing at all while no table calls.
#[component]
pub(crate) fn TableCalls(queue: Queue) -> impl IntoView {
    let calls = Memo::new(move |_| queue.calls.with(|strip| strip.calls.clone()));
    view! {
        <section
            class="call-strip"
            class:empty=move || calls.with(Vec::is_empty)
            data-testid="call-strip"
            aria-label="Tables calling"
        >
            {move || match queue.calls_loading.get() {
                Stage::Failed(message) => Some(failed(message, move || queue.reload_calls())),
                _ => None,
            }}
            // A live region that is always there, so a new call is read out.
            <ol class="table-calls" aria-live="polite">
                <For
                    each=move || calls.get()
                    key=|call| call.id.clone()
                    children=move |call| view! { <TableCallCard call queue /> }
                />
            </ol>
        </section>
    }
}

/// One table calling, with the button that answers it.
#[component]
fn TableCallCard(call: TableCall, queue: Queue) -> impl IntoView {
    let id = call.id;
    let busy = RwSignal::new(false);
    let created = timestamp_millis(&call.created_at);
    let waited_secs = move || created.map(|created| ((queue.now.get() - created) / 1000.0) as i64);
    let waited = move || waited_secs().map(age).unwrap_or_default();
    let call_id = StoredValue::new(id.clone());
    let acknowledge = move |_| {
        busy.set(true);
        let id = call_id.get_value();
        queue.clear_note(&id);
        spawn_local(async move {
            let outcome = queue.auth.watch(bar_api::acknowledge_call(&id).await);
            // On success the call leaves the strip, and this card with it.
            busy.set(false);
            match outcome {
                Ok(call) => {
                    queue.apply_call(call);
                }
                // The session manager sends the user to sign in.
                Err(e) if e.ends_session() => {}
                // Someone else answered it first (or it is gone): the
                // strip is behind, and the reload takes the call off.
                Err(e) if matches!(e.status(), Some(404 | 409)) => queue.reload_calls(),
                Err(e) => queue.note(&id, e.to_string()),
            }
        });
    };
    view! {
        <li
            class="table-call"
            class:is-new=queue.is_new(id.clone())
            data-testid="table-call"
            data-call-id=id
            data-table=call.table
            data-kind=call.kind.as_str()
        >
            <span class="call-table" title="Table">
                <span class="call-table-label">"Table"</span>
                {call.table.clone()}
            </span>
            <span class="call-what">
                <span class="call-kind">
                    {match call.kind {
                        CallKind::Staff => "Calls staff",
                        CallKind::Bill => "Asks for the bill",
                    }}
                </span>
                <span class="call-who">{call.customer_name}</span>
            </span>
            <span class="call-age" data-testid="call-age">{waited}</span>
            <BusyButton
                class="button call-ack"
                testid="acknowledge-call"
                label="On my way"
                busy_label="Saving…"
                busy=busy
                on_click=Callback::new(acknowledge)
            />
            {card_note(queue, id.clone())}
        </li>
    }
}
