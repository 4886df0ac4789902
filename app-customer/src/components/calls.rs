//! "Call staff" and "Ask for the bill" for the guest's table, and a line
//! under them saying where each call stands, kept current by the live
//! stream. The menu (the table from the cart) and an order's page (the
//! order's table) show them.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bar::CallKind;
use ui::bar_api;
use ui::components::BusyButton;
use ui::format::{now_millis, timestamp_millis};
use ui::live::{use_live, LiveEvent};
use ui::load::Actions;
use ui::use_auth;

use crate::calls::{answered_text, waiting_text, Calls, ANSWERED_SHOWN_MS};
use ui::components::form_error;

/// How often "asked 3 min ago" moves on.
const TICK: Duration = Duration::from_secs(15);

/// The two buttons for `table` (none typed yet: both wait for one) and
/// the status lines. A button waits while its call is open: one tap is
/// enough, and the server would only answer with the same call.
#[component]
pub(crate) fn CallButtons(#[prop(into)] table: Signal<String>) -> impl IntoView {
    let auth = use_auth();
    let calls = RwSignal::new(Calls::default());
    // One call at a time, named by its kind.
    let actions = Actions::new(auth);
    let now = RwSignal::new(now_millis());

    let load = move || {
        spawn_local(async move {
            // Without the list the buttons still work (a tap answers with
            // the call as the server has it); the offline banner says why.
            if let Ok(mine) = auth.watch(bar_api::my_calls().await) {
                calls.maybe_update(|held| held.take_all(mine.calls));
            }
        });
    };
    // Effects run only in the browser, once hydration is done.
    Effect::new(move |_| load());
    // The page shows the live badge; this only listens, and reloads the
    // list after a reconnect (an answer may have come meanwhile).
    use_live(
        move |event| {
            if let LiveEvent::TableCall(call) = event {
                calls.maybe_update(|held| held.take(call));
            }
        },
        load,
    );
    Effect::new(
        move |_| match set_interval_with_handle(move || now.set(now_millis()), TICK) {
            Ok(timer) => on_cleanup(move || timer.clear()),
            Err(e) => leptos::logging::warn!("could not start the clock of the calls: {e:?}"),
        },
    );

    let tap = move |kind: CallKind| {
        let table = match shared::validate::table(&table.get_untracked()) {
            Ok(table) => table,
            Err(message) => return actions.error.set(Some(message)),
        };
        actions.run(kind.as_str(), async move {
            let call = bar_api::call_staff(&table, kind).await?;
            calls.maybe_update(|held| held.take(call));
            Ok(None)
        });
    };

    let button = move |kind: CallKind, testid: &'static str| {
        let open = move || table.with(|t| calls.with(|c| c.is_open(t, kind)));
        view! {
            <BusyButton
                class="button secondary call-button"
                testid=testid
                attr:aria-busy=move || actions.running(kind.as_str()).to_string()
                label=kind.label()
                busy_label="Sending…"
                busy=move || actions.running(kind.as_str())
                disabled=move || table.with(String::is_empty) || actions.locked() || open()
                on_click=Callback::new(move |()| tap(kind))
            />
        }
    };

    // Where the guest's latest call of `kind` at the table stands; nothing
    // once an answered one has been shown for a while.
    let line = move |kind: CallKind| {
        move || {
            let now_ms = now.get();
            let call = table.with(|t| calls.with(|c| c.latest(t, kind).cloned()))?;
            let answered = !call.is_open();
            let text = if answered {
                let at = call.acknowledged_at.as_deref().and_then(timestamp_millis);
                if at.is_some_and(|at| now_ms - at > ANSWERED_SHOWN_MS) {
                    return None;
                }
                answered_text(kind).to_owned()
            } else {
                let seconds = timestamp_millis(&call.created_at)
                    .map(|asked| ((now_ms - asked) / 1000.0) as i64);
                waiting_text(kind, seconds)
            };
            Some(view! {
                <p
                    class="call-status"
                    class:answered=answered
                    data-testid="call-status"
                    data-kind=kind.as_str()
                    data-state=if answered { "acknowledged" } else { "open" }
                >
                    {text}
                </p>
            })
        }
    };

    view! {
        <section class="call-staff" aria-label="Call the bar">
            <div class="call-buttons">
                {button(CallKind::Staff, "call-staff")}
                {button(CallKind::Bill, "ask-bill")}
            </div>
            <Show when=move || table.with(String::is_empty)>
                <p class="call-hint">"Enter your table number to call staff or ask for the bill."</p>
            </Show>
            <div class="call-lines" role="status" aria-live="polite">
                {line(CallKind::Staff)}
                {line(CallKind::Bill)}
            </div>
            {form_error(actions.error, Some("call-error"))}
        </section>
    }
}
