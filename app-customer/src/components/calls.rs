//! "Call staff" and "Ask for the bill" for the guest's table, and a line
//! under them saying where each call stands. The menu (the table from the
//! cart) and an order's page (the order's table) show them. The calls come
//! from the server's list, the answers to taps and the live stream, in any
//! order: a call only goes from open to acknowledged, so a copy that
//! arrives late never undoes a newer one.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bar::{CallKind, TableCall};
use ui::bar_api;
use ui::components::{form_error, BusyButton};
use ui::format::{age, now_millis, timestamp_millis};
use ui::live::use_live;
use ui::load::Actions;
use ui::use_auth;

/// How often "asked 3 min ago" moves on.
const TICK: Duration = Duration::from_secs(15);

/// How long "A bartender is coming" stays under the buttons.
const ANSWERED_SHOWN_MS: f64 = 10.0 * 60.0 * 1000.0;

/// Takes in a call as the server had it among the calls the guest asked
/// for; answers whether anything changed.
fn take(held: &mut Vec<TableCall>, call: TableCall) -> bool {
    match held.iter_mut().find(|known| known.id == call.id) {
        Some(known) if !call.replaces(known) => return false,
        Some(known) => *known = call,
        None => held.push(call),
    }
    true
}

/// Takes in every call of a list (a reload), keeping whatever this page
/// saw that is newer; answers whether anything changed.
fn take_all(held: &mut Vec<TableCall>, calls: Vec<TableCall>) -> bool {
    // `|`, not `||`: every call is taken, whatever came before.
    calls
        .into_iter()
        .fold(false, |changed, call| take(held, call) | changed)
}

/// The guest's latest call of `kind` at `table`: the open one if there
/// is one (a table has one of a kind at a time), else the last answered.
fn latest<'a>(calls: &'a [TableCall], table: &str, kind: CallKind) -> Option<&'a TableCall> {
    calls
        .iter()
        .filter(|c| c.table == table && c.kind == kind)
        .max_by_key(|c| (c.is_open(), c.created_at.as_str()))
}

/// Whether the guest's call of `kind` at `table` waits for staff.
fn is_open(calls: &[TableCall], table: &str, kind: CallKind) -> bool {
    latest(calls, table, kind).is_some_and(TableCall::is_open)
}

/// The line for an open call asked `seconds` ago (`None`: not known).
fn waiting_text(kind: CallKind, seconds: Option<i64>) -> String {
    let what = match kind {
        CallKind::Staff => "Staff are on the way",
        CallKind::Bill => "The bill is on its way",
    };
    match seconds {
        None => what.to_owned(),
        Some(s) if s < 60 => format!("{what} — asked just now"),
        Some(s) => format!("{what} — asked {} ago", age(s)),
    }
}

/// The line once a member of staff has acknowledged the call.
fn answered_text(kind: CallKind) -> &'static str {
    match kind {
        CallKind::Staff => "A bartender is coming",
        CallKind::Bill => "A bartender is coming with the bill",
    }
}

/// The two buttons for `table` (none typed yet: both wait for one) and
/// the status lines. A button waits while its call is open: one tap is
/// enough, and the server would only answer with the same call.
#[component]
pub(crate) fn CallButtons(#[prop(into)] table: Signal<String>) -> impl IntoView {
    let auth = use_auth();
    let calls = RwSignal::new(Vec::new());
    // One call at a time, named by its kind.
    let actions = Actions::new(auth);
    let now = RwSignal::new(now_millis());

    let load = move || {
        spawn_local(async move {
            // Without the list the buttons still work (a tap answers with
            // the call as the server has it); the offline banner says why.
            if let Ok(mine) = auth.watch(bar_api::my_calls().await) {
                calls.maybe_update(|held| take_all(held, mine.calls));
            }
        });
    };
    // Effects run only in the browser, once hydration is done.
    Effect::new(move |_| load());
    // The page shows the live badge; this only listens, and reloads the
    // list after a reconnect (an answer may have come meanwhile).
    use_live(
        move |event| {
            if let Some(call) = event.table_call() {
                calls.maybe_update(|held| take(held, call));
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
            calls.maybe_update(|held| take(held, call));
            Ok(None)
        });
    };

    let button = move |kind: CallKind, testid: &'static str| {
        let open = move || table.with(|t| calls.with(|c| is_open(c, t, kind)));
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
            let call = table.with(|t| calls.with(|c| latest(c, t, kind).cloned()))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use CallKind::{Bill, Staff};

    fn call(id: &str, table: &str, kind: CallKind, minute: u32, answered: bool) -> TableCall {
        TableCall {
            id: id.to_owned(),
            table: table.to_owned(),
            kind,
            customer_name: "Ada".to_owned(),
            created_at: format!("2026-12-06T21:{minute:02}:00.000Z"),
            acknowledged_at: answered.then(|| "2026-12-06T22:00:00.000Z".to_owned()),
            acknowledged_by: answered.then(|| "Sam".to_owned()),
        }
    }

    #[test]
    fn an_answered_call_is_never_reopened_by_a_late_copy() {
        let mut calls = Vec::new();
        assert!(take(&mut calls, call("a", "7", Bill, 1, false)));
        assert!(is_open(&calls, "7", Bill));
        assert!(take(&mut calls, call("a", "7", Bill, 1, true)));
        assert!(!is_open(&calls, "7", Bill));
        // The answer to the tap, or a reload from before, comes in late.
        assert!(!take(&mut calls, call("a", "7", Bill, 1, false)));
        assert!(!take_all(&mut calls, vec![call("a", "7", Bill, 1, false)]));
        assert!(!is_open(&calls, "7", Bill));
    }

    #[test]
    fn each_table_and_kind_has_its_own_latest_call() {
        let mut calls = Vec::new();
        let list = vec![
            call("a", "7", Staff, 1, true),
            call("b", "7", Staff, 5, false),
            call("c", "7", Bill, 2, true),
            call("d", "8", Bill, 3, false),
        ];
        take_all(&mut calls, list);
        assert_eq!(latest(&calls, "7", Staff).unwrap().id, "b");
        assert!(is_open(&calls, "7", Staff));
        assert_eq!(latest(&calls, "7", Bill).unwrap().id, "c");
        assert!(!is_open(&calls, "7", Bill));
        assert!(is_open(&calls, "8", Bill));
        assert!(latest(&calls, "9", Staff).is_none());
        assert!(!is_open(&calls, "9", Staff));
    }

    #[test]
    fn the_lines_say_how_long_ago_the_guest_asked() {
        for (kind, seconds, text) in [
            (Staff, Some(5), "Staff are on the way — asked just now"),
            (Staff, Some(61), "Staff are on the way — asked 1 min ago"),
            (Bill, Some(180), "The bill is on its way — asked 3 min ago"),
            (Bill, None, "The bill is on its way"),
        ] {
            assert_eq!(waiting_text(kind, seconds), text);
        }
        assert_eq!(answered_text(Staff), "A bartender is coming");
    }
}
