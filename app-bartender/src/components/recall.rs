//! The recall panel on the board: the last bumps made from this screen,
//! newest first, each saying what taking it back does ("Order 42 · table
//! 7 · Ready → Preparing") beside a button that does it, for as long as
//! the server allows ([`RECALL_WINDOW_SECS`]).

use std::time::Duration;

use app_bartender_state::queue::Queue;
use app_bartender_state::recall::Bump;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bar::RECALL_WINDOW_SECS;
use ui::bar_api;
use ui::components::BusyButton;

/// How long the reason a recall was refused stays in the panel.
const NOTICE_FOR: Duration = Duration::from_secs(15);

/// The panel: the bumps this screen can still take back, or a line saying
/// what it is for while there are none.
#[component]
pub(crate) fn RecallPanel(queue: Queue) -> impl IntoView {
    // Moved on with the board's clock, so a bump leaves once its window
    // has passed even if the timer set for it did not run.
    let bumps = Memo::new(move |_| {
        let now = queue.now.get();
        queue.recalls.with(|recalls| recalls.current(now))
    });
    let notice = RwSignal::new(None::<String>);
    view! {
        <section
            class="recall-panel"
            class:empty=move || bumps.with(Vec::is_empty)
            data-testid="recall-panel"
            aria-label="Recall"
        >
            <h2 class="recall-title">"Recall"</h2>
            <Show when=move || bumps.with(Vec::is_empty)>
                <p class="recall-empty" data-testid="recall-empty">
                    {format!("Bumps you make here can be undone for {} minutes.", RECALL_WINDOW_SECS / 60)}
                </p>
            </Show>
            <ul class="recall-rows">
                <For
                    each=move || bumps.get()
                    key=|bump| (bump.order_id.clone(), bump.version)
                    children=move |bump| view! { <RecallRow bump queue notice /> }
                />
            </ul>
            // Always there, so a refusal is read out when it appears.
            <div class="recall-notice-area" aria-live="polite">
                {move || {
                    notice
                        .get()
                        .map(|text| {
                            view! {
                                <p class="card-note recall-notice" data-testid="recall-notice">
                                    {text}
                                </p>
                            }
                        })
                }}
            </div>
        </section>
    }
}

/// One bump, with the button that takes it back.
#[component]
fn RecallRow(bump: Bump, queue: Queue, notice: RwSignal<Option<String>>) -> impl IntoView {
    let busy = RwSignal::new(false);
    // The order's number in the name, so "Recall" buttons can be told apart.
    let back = bump.from.label().to_lowercase();
    let label = match &bump.station {
        Some((_, name)) => format!("Recall order {}: {name} not ready", bump.number),
        None => format!("Recall order {}: back to {back}", bump.number),
    };
    let held = StoredValue::new(bump.clone());
    let recall = move |_| {
        busy.set(true);
        notice.set(None);
        let bump = held.get_value();
        spawn_local(async move {
            let outcome = queue.auth.watch(
                bar_api::recall_station(&bump.order_id, bump.version, bump.station_id()).await,
            );
            // On success the row leaves the panel, and this button with it.
            busy.set(false);
            match outcome {
                Ok(order) => {
                    queue.forget_bump(&bump);
                    // The same path as the answer to a bump.
                    queue.apply(order);
                }
                // The session manager sends the user to sign in.
                Err(e) if e.ends_session() => {}
                Err(e) => {
                    // Moved on since, too late, or nothing to take back:
                    // the bump can no longer be recalled. Otherwise (not
                    // reached: offline, a server error) try again. The
                    // panel says why.
                    if matches!(e.status(), Some(404 | 409)) {
                        queue.forget_bump(&bump);
                    }
                    let text = format!("Order {}: {e}", bump.number);
                    notice.set(Some(text.clone()));
                    // For NOTICE_FOR, only this notice: a newer one stays its full time.
                    let clear =
                        move || notice.maybe_update(|s| s.take_if(|s| *s == text).is_some());
                    set_timeout(clear, NOTICE_FOR);
                    if e.code() == Some("stale_version") {
                        // The board is behind too.
                        queue.reload();
                    }
                }
            }
        });
    };
    view! {
        <li
            class="recall-row"
            data-testid="recall-row"
            data-order-id=bump.order_id.clone()
            data-version=bump.version.to_string()
            data-from=bump.from.as_str()
            data-to=bump.to.as_str()
            data-station-id=bump.station_id().map(str::to_owned)
        >
            <span class="recall-line">{bump.line()}</span>
            <BusyButton
                class="button recall-button"
                testid="recall"
                attr:aria-label=label
                label="Recall"
                busy_label="Recalling…"
                busy=busy
                on_click=Callback::new(recall)
            />
        </li>
    }
}
