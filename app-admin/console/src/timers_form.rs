//! The "Ticket timers" form: how long a ticket on the bartender's board may
//! wait after it was received before it turns amber, then red. Asked in
//! minutes and checked here with the server's own rule
//! (`shared::validate::ticket_timers`) before sending; the server's refusal,
//! if any, is shown as it words it. Open bartender boards follow a change
//! at once.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use shared::bar::{BarSettings, TicketTimers, TIMER_MAX_SECS, TIMER_MIN_SECS};
use shared::validate;
use ui::components::{checked, BusyButton};
use ui::load::{error_line, notice, staged, Actions, Loader};
use ui::{bar_api, use_auth};

/// Seconds as the minutes the form shows: `300` → `"5"`, `90` → `"1.5"`
/// (timers set through the API need not be whole minutes).
fn minutes_text(secs: u32) -> String {
    let text = format!("{:.2}", f64::from(secs) / 60.0);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The two fields as typed: read as minutes, then checked by the rule the
/// server applies.
fn check_timers(amber: &str, red: &str) -> Result<TicketTimers, String> {
    validate::ticket_timers(TicketTimers {
        amber_after_secs: validate::typed_minutes(amber)?,
        red_after_secs: validate::typed_minutes(red)?,
    })
}

/// The current timers, two fields in minutes and "Save timers".
#[component]
pub(crate) fn TicketTimersForm() -> impl IntoView {
    let auth = use_auth();
    let settings = Loader::<BarSettings>::new();
    let load = move || settings.load(auth, bar_api::bar_settings);
    Effect::new(move |_| load());
    settings.reload_when_online(auth, load);

    let amber = RwSignal::new(String::new());
    let red = RwSignal::new(String::new());
    let actions = Actions::new(auth);

    // The fields show the timers as stored: once loaded, and after a save.
    Effect::new(move |_| {
        if let Some(timers) = settings.state.with(|s| s.ready().map(|s| s.ticket_timers)) {
            amber.set(minutes_text(timers.amber_after_secs));
            red.set(minutes_text(timers.red_after_secs));
        }
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if actions.locked() {
            return;
        }
        actions.notice.set(None);
        let check = check_timers(&amber.get_untracked(), &red.get_untracked());
        let Some(timers) = checked(check, actions.error) else {
            return;
        };
        actions.run("save", async move {
            let saved = bar_api::set_ticket_timers(&timers).await?;
            let now = saved.ticket_timers;
            settings.patch(|held| *held = saved);
            Ok(Some(format!(
                "Saved: tickets turn amber after {} min and red after {} min. \
                 Open boards show it now.",
                minutes_text(now.amber_after_secs),
                minutes_text(now.red_after_secs)
            )))
        });
    };

    view! {
        <section class="card ticket-timers" aria-labelledby="timers-title" data-testid="ticket-timers">
            <h2 id="timers-title">"Ticket timers"</h2>
            <p class="stat-note">
                "How long a ticket on the bartender's board may wait after it was received "
                "before it turns amber (waiting), then red (late). Open boards follow at once."
            </p>
            {staged(settings.stage(), "Loading the ticket timers…", load, move || view! {
                <form class="timers-form" on:submit=submit novalidate data-testid="timers-form">
                    <MinutesField id="amber-after" label="Amber after (minutes)" value=amber />
                    <MinutesField id="red-after" label="Red after (minutes)" value=red />
                    <BusyButton
                        submit=true
                        class="button primary"
                        testid="save-timers"
                        label="Save timers"
                        busy_label="Saving…"
                        busy=move || actions.locked()
                    />
                    {move || error_line(actions.error.get())}
                    {move || notice(actions.notice.get())}
                </form>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_seconds_show_as_minutes() {
        assert_eq!(minutes_text(300), "5");
        assert_eq!(minutes_text(60), "1");
        assert_eq!(minutes_text(90), "1.5");
        assert_eq!(minutes_text(100), "1.67");
        assert_eq!(minutes_text(86_400), "1440");
    }

    #[test]
    fn the_form_checks_what_the_server_checks() {
        assert_eq!(
            check_timers("1", "2"),
            Ok(TicketTimers {
                amber_after_secs: 60,
                red_after_secs: 120
            })
        );
        assert_eq!(
            check_timers(" 5 ", "10"),
            Ok(TicketTimers::default()),
            "the defaults, as typed"
        );
        let order = check_timers("3", "2").unwrap_err();
        assert!(order.contains("later than the amber"), "{order}");
        for (amber, red) in [("0.5", "2"), ("5", "1441"), ("", "10"), ("five", "10")] {
            assert!(check_timers(amber, red).is_err(), "{amber:?}, {red:?}");
        }
        // What the form shows reads back as what was stored.
        for secs in [60, 300, 600, 86_400] {
            assert_eq!(validate::typed_minutes(&minutes_text(secs)), Ok(secs));
        }
    }
}

/// A number of minutes (decimals allowed), bound to `value`; `id` is also
/// its `data-testid`.
#[component]
fn MinutesField(id: &'static str, label: &'static str, value: RwSignal<String>) -> impl IntoView {
    // The browser's own hints; the rule that counts is `check_timers`.
    let (min, max) = (minutes_text(TIMER_MIN_SECS), minutes_text(TIMER_MAX_SECS));
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input
                id=id
                type="number"
                inputmode="decimal"
                min=min
                max=max
                step="any"
                autocomplete="off"
                data-testid=id
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}
