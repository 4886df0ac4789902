//! The dashboard at `/admin`: today's figures, refreshed every 30 seconds
//! and whenever an order changes; a picked day's figures by hour as charts;
//! and the ticket timers of the bartender's board.

use std::time::Duration;

use leptos::prelude::*;
use shared::bar::{format_price, DayFigures, FiguresSpan, TodayStats, FIGURES_DAYS_BACK};
use ui::components::BusyButton;
use ui::format::local_day;
use ui::live::{use_live, LiveIndicator, StreamEvent};
use ui::load::{staged, Load, Loader};
use ui::pages::Welcome;
use ui::{bar_api, use_auth};

use crate::charts::day_charts;
use crate::timers_form::TicketTimersForm;

/// Orders, revenue, time to ready, open orders and who is signed in; the
/// ticket timers below them.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let auth = use_auth();
    let stats = Loader::<TodayStats>::new();
    let load = move || stats.load(auth, bar_api::today_stats);
    // A burst of order events makes one more load after the running one,
    // not one load each.
    let again = RwSignal::new(false);
    let refetch = move || again.set(true);
    Effect::new(move |_| {
        if again.get() && !stats.pending.get() {
            again.set(false);
            load();
        }
    });
    Effect::new(move |_| load());
    Effect::new(move |_| {
        if let Ok(timer) = set_interval_with_handle(refetch, Duration::from_secs(30)) {
            on_cleanup(move || timer.clear());
        }
    });
    stats.reload_when_online(auth, load);
    let live = use_live(
        move |event| {
            // Only that something changed: the figures are read again.
            if matches!(event.kind, StreamEvent::Order | StreamEvent::Tab) {
                refetch();
            }
        },
        refetch,
    );

    let figure = move |f: fn(&TodayStats) -> String| {
        move || stats.state.with(|s| s.ready().map(f).unwrap_or_default())
    };

    view! {
        <main class="page dashboard">
            <div class="page-title">
                <h1>"Today"</h1>
                <LiveIndicator status=live />
                <BusyButton
                    testid="refresh"
                    label="Refresh"
                    busy_label="Refreshing…"
                    busy=stats.pending
                    on_click=Callback::new(move |()| load())
                />
            </div>
            <p class="lead">"Since midnight. Updates by itself every 30 seconds and when an order changes."</p>
            {staged(stats.stage(), "Loading today's figures…", load, move || view! {
                <div class="stats">
                    <section class="stat card">
                        <h2>"Orders"</h2>
                        <p class="stat-value" data-testid="stat-orders">{figure(|s| s.orders.to_string())}</p>
                        <p class="stat-note">
                            {figure(|s| match s.cancelled {
                                0 => "none cancelled".to_owned(),
                                n => format!("{n} cancelled"),
                            })}
                        </p>
                    </section>
                    <section class="stat card">
                        <h2>"Revenue"</h2>
                        <p class="stat-value" data-testid="stat-revenue">{figure(|s| format_price(s.revenue_cents))}</p>
                        <p class="stat-note">"cancelled orders not counted"</p>
                    </section>
                    <section class="stat card">
                        <h2>"Average time to ready"</h2>
                        <p class="stat-value" data-testid="stat-ready-time">
                            {figure(|s| duration_text(s.avg_seconds_to_ready))}
                        </p>
                        <p class="stat-note">"from received to ready"</p>
                    </section>
                    <section class="stat card">
                        <h2>"Open orders"</h2>
                        <p class="stat-value" data-testid="stat-open">{figure(|s| s.open_orders.to_string())}</p>
                        <p class="stat-note">"not yet served or cancelled"</p>
                    </section>
                    <section class="stat card">
                        <h2>"Open tabs"</h2>
                        <p class="stat-value" data-testid="stat-tabs">{figure(|s| s.open_tabs.to_string())}</p>
                        <p class="stat-note" data-testid="stat-tabs-total">
                            {figure(|s| match s.open_tabs {
                                0 => "none waiting to be paid".to_owned(),
                                _ => format!("{} to be paid", format_price(s.open_tabs_cents)),
                            })}
                        </p>
                    </section>
                    <section class="stat card stat-wide">
                        <h2>"Signed in now"</h2>
                        <p class="stat-sessions" data-testid="stat-sessions">
                            <span data-app="customer">
                                <strong>{figure(|s| s.active_sessions.customer.to_string())}</strong>
                                " customer"
                            </span>
                            <span data-app="bartender">
                                <strong>{figure(|s| s.active_sessions.bartender.to_string())}</strong>
                                " bartender"
                            </span>
                            <span data-app="admin">
                                <strong>{figure(|s| s.active_sessions.admin.to_string())}</strong>
                                " admin"
                            </span>
                        </p>
                        <p class="stat-note">"active sessions per app"</p>
                    </section>
                </div>
            })}
            <FiguresByHour />
            <TicketTimersForm />
            <footer class="page-foot">
                <Welcome />
            </footer>
        </main>
    }
}

/// "Figures": a day picked from the last [`FIGURES_DAYS_BACK`] (today at
/// first), alone or with the six days before it, and its charts.
#[component]
fn FiguresByHour() -> impl IntoView {
    let auth = use_auth();
    let today = local_day(0);
    let oldest = local_day(-(FIGURES_DAYS_BACK as i32));
    let day = RwSignal::new(today.clone());
    let span = RwSignal::new(FiguresSpan::Day);
    let figures = Loader::<DayFigures>::new();
    let load = move || {
        let (picked, span) = (day.get_untracked(), span.get_untracked());
        figures.load(auth, move || async move {
            bar_api::day_figures(&picked, span).await
        });
    };
    // Another day shows "Loading", not the last day's charts under its date.
    Effect::new(move |_| {
        day.track();
        span.track();
        figures.state.set(Load::Loading);
        load();
    });
    figures.reload_when_online(auth, load);

    view! {
        <section class="figures" aria-labelledby="figures-title" data-testid="figures">
            <div class="figures-head">
                <h2 id="figures-title">"Figures"</h2>
                <div class="segmented" role="radiogroup" aria-label="Figures of">
                    {[(FiguresSpan::Day, "Day"), (FiguresSpan::Week, "Week to day")]
                        .into_iter()
                        .map(|(choice, text)| view! {
                            <label class="segment" class:selected=move || span.get() == choice>
                                <input
                                    type="radio"
                                    name="figures-span"
                                    data-testid=format!("figures-span-{}", choice.as_str())
                                    prop:checked=move || span.get() == choice
                                    on:change=move |_| span.set(choice)
                                />
                                {text}
                            </label>
                        })
                        .collect_view()}
                </div>
                <label for="figures-day">{move || match span.get() {
                    FiguresSpan::Day => "Day",
                    FiguresSpan::Week => "Last day",
                }}</label>
                <input
                    id="figures-day"
                    type="date"
                    data-testid="figures-day"
                    max=today
                    min=oldest
                    prop:value=move || day.get()
                    on:change=move |ev| {
                        let picked = event_target_value(&ev);
                        if !picked.is_empty() {
                            day.set(picked);
                        }
                    }
                />
            </div>
            {staged(figures.stage(), "Loading the figures…", load, move || view! {
                <div class="figures-body">
                    {move || figures.state.with(|s| s.ready().cloned()).map(day_charts)}
                </div>
            })}
        </section>
    }
}

/// Seconds as "4 min 05 s", "45 s" or "1 h 02 min"; "—" when there is
/// nothing to average yet.
fn duration_text(seconds: Option<f64>) -> String {
    let Some(seconds) = seconds.filter(|s| s.is_finite() && *s >= 0.0) else {
        return "—".to_owned();
    };
    let total = seconds.round() as u64;
    let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60);
    if hours > 0 {
        format!("{hours} h {minutes:02} min")
    } else if minutes > 0 {
        format!("{minutes} min {secs:02} s")
    } else {
        format!("{secs} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_person_would_say_them() {
        assert_eq!(duration_text(None), "—");
        assert_eq!(duration_text(Some(f64::NAN)), "—");
        assert_eq!(duration_text(Some(44.6)), "45 s");
        assert_eq!(duration_text(Some(245.0)), "4 min 05 s");
        assert_eq!(duration_text(Some(3720.0)), "1 h 02 min");
    }
}
