//! The live queue at `/bartender`: the tables calling for staff or the bill
//! in a strip at the top, the "all day" counts of what is waiting and when
//! tickets turn amber and red, the bumps of this screen that can still be
//! recalled, then open orders in three columns (received, preparing,
//! ready), oldest first, all kept current by the live stream. A picker at
//! the top chooses what this screen shows: every order, one station's
//! lines still to make, or "Expo" (whole orders and the stations each
//! waits on).

use app_bartender_state::all_day::{all_day, AllDay};
use app_bartender_state::queue::{Queue, TICK};
use app_bartender_state::stations::StationView;
use app_bartender_state::timers::{threshold_text, TicketStage};
use leptos::prelude::*;
use shared::bar::OrderStatus;
use ui::format::now_millis;
use ui::live::{use_live, LiveIndicator, LiveStatus};
use ui::load::{staged, Stage};
use ui::pages::Welcome;
use ui::use_auth;

use crate::components::availability::{AvailabilityPanel, PANEL_ID};
use crate::components::{order_card::OrderCard, recall::RecallPanel, table_calls::TableCalls};

/// The board's columns: the status, its test id and its heading.
const COLUMNS: [(OrderStatus, &str, &str); 3] = [
    (OrderStatus::Received, "column-received", "Received"),
    (OrderStatus::Preparing, "column-preparing", "Preparing"),
    (OrderStatus::Ready, "column-ready", "Ready"),
];

/// The queue page.
#[component]
pub(crate) fn QueuePage() -> impl IntoView {
    let auth = use_auth();
    let queue = Queue::new(auth);
    let panel_open = RwSignal::new(false);

    let reload_all = move || {
        queue.reload();
        queue.reload_settings();
        queue.reload_calls();
        queue.reload_menu();
        queue.reload_stations();
    };

    let live = use_live(
        // Tabs have their own page; the header shows account alerts.
        move |event| {
            if let Some(order) = event.order() {
                queue.announce(order.id.clone(), queue.loading, queue.apply(order));
            } else if let Some(change) = event.menu_item() {
                queue.menu_item(change);
            } else if let Some(settings) = event.bar_settings() {
                queue.settings_changed(settings);
            } else if let Some(call) = event.table_call() {
                queue.announce(call.id.clone(), queue.calls_loading, queue.apply_call(call));
            }
        },
        // (Re)connected: whatever happened meanwhile is in a fresh load.
        reload_all,
    );

    // Effects run only in the browser, once hydration is done.
    Effect::new(move |_| reload_all());
    // Back online after a failed first load: load again without being asked.
    Effect::new(move |was_offline: Option<bool>| {
        let offline = auth.offline.get();
        let back = was_offline == Some(true) && !offline;
        let retry = |s: RwSignal<Stage>| back && matches!(s.get_untracked(), Stage::Failed(_));
        if retry(queue.loading) {
            queue.reload();
        }
        if retry(queue.calls_loading) {
            queue.reload_calls();
        }
        offline
    });
    let menu = queue.menu;
    menu.reload_when_online(auth, move || queue.reload_menu());
    // Ages on the cards and calls move on while the page is open.
    Effect::new(move |_| {
        match set_interval_with_handle(move || queue.now.set(now_millis()), TICK) {
            Ok(timer) => on_cleanup(move || timer.clear()),
            Err(e) => leptos::logging::warn!("could not start the clock of the cards: {e:?}"),
        }
    });

    // Only a change of state redraws the board, not every reload.
    let state = Memo::new(move |_| queue.loading.get());
    let sound_on = queue.sound.on;
    let all_day = Memo::new(move |_| {
        let view = queue.view.get();
        queue.board.with(|b| all_day(&b.orders, view.station_id()))
    });
    let timers = queue.timers;

    // What this screen shows: "All", each station, "Expo". The choice is
    // remembered on this tablet.
    let choice = move |(label, target): (String, StationView)| {
        let shown = target.clone();
        let chosen = Memo::new(move |_| queue.view.with(|view| *view == shown));
        view! {
            <button
                type="button"
                class="button secondary station-choice"
                class:is-chosen=chosen
                data-testid="station-choice"
                data-view=target.key()
                aria-pressed=move || chosen.get().to_string()
                on:click=move |_| queue.choose_view(target.clone())
            >
                {label}
            </button>
        }
    };

    let column = move |(status, testid, title): (OrderStatus, &'static str, &'static str)| {
        let orders = Memo::new(move |_| {
            let screen = queue.view.get();
            queue.board.with(|board| board.column_for(status, &screen))
        });
        let heading = format!("heading-{testid}");
        view! {
            <section
                class=format!("column column-{}", status.as_str())
                data-testid=testid
                aria-labelledby=heading
            >
                <h2 class="column-head" id=heading.clone()>
                    <span class="column-title">{title}</span>
                    <span class="column-count" data-testid="column-count">
                        {move || orders.with(Vec::len)}
                    </span>
                </h2>
                <ol class="cards">
                    <For
                        each=move || orders.get()
                        key=|order| (order.id.clone(), order.version)
                        children=move |order| {
                            let screen = queue.view.get_untracked();
                            view! { <OrderCard order queue screen /> }
                        }
                    />
                </ol>
                <Show when=move || orders.with(Vec::is_empty)>
                    <p class="column-empty">"Nothing here."</p>
                </Show>
            </section>
        }
    };

    view! {
        <main class="page queue-page">
            <div class="board-bar">
                <h1>"Orders"</h1>
                <LiveIndicator status=live />
                // The thresholds, in words: what the cards' stages mean.
                <p
                    class="timer-legend"
                    data-testid="timer-legend"
                    data-amber-secs=move || timers.get().amber_after_secs.to_string()
                    data-red-secs=move || timers.get().red_after_secs.to_string()
                >
                    <span class="legend-stage legend-waiting">
                        <span aria-hidden="true">{TicketStage::Waiting.icon()} " "</span>
                        {move || format!("Waiting after {}", threshold_text(timers.get().amber_after_secs))}
                    </span>
                    <span class="legend-stage legend-late">
                        <span aria-hidden="true">{TicketStage::Late.icon()} " "</span>
                        {move || format!("Late after {}", threshold_text(timers.get().red_after_secs))}
                    </span>
                </p>
                <div class="board-tools">
                    <button
                        type="button"
                        class="button secondary"
                        data-testid="sound-toggle"
                        aria-pressed=move || sound_on.get().to_string()
                        on:click=move |_| queue.sound.toggle()
                    >
                        {move || if sound_on.get() { "Sound on" } else { "Sound off" }}
                    </button>
                    <button
                        type="button"
                        class="button primary"
                        data-testid="open-availability"
                        aria-controls=PANEL_ID
                        aria-expanded=move || panel_open.get().to_string()
                        on:click=move |_| panel_open.update(|open| *open = !*open)
                    >
                        "Availability"
                    </button>
                </div>
            </div>
            <nav
                class="station-picker"
                data-testid="station-picker"
                aria-label="What this screen shows"
            >
                {move || {
                    let stations = queue.stations.get().into_iter();
                    std::iter::once(("All".to_owned(), StationView::All))
                        .chain(stations.map(|s| (s.name, StationView::Station(s.id))))
                        .chain([("Expo".to_owned(), StationView::Expo)])
                        .map(choice)
                        .collect_view()
                }}
            </nav>
            <TableCalls queue />
            {staged(state, "Loading the orders…", move || {
                queue.loading.set(Stage::Loading);
                queue.reload();
            }, move || view! {
                // "All day": each item the received and preparing
                // orders want, with how many, most first ("House
                // Lager 5 · Negroni 2"); an item with options once
                // per choice ("House Lager (Half pint) 2").
                <section class="all-day" data-testid="all-day" aria-labelledby="all-day-title">
                    <h2 class="all-day-title" id="all-day-title">"All day"</h2>
                    <Show when=move || all_day.with(Vec::is_empty)>
                        <p class="all-day-empty">"Nothing waiting."</p>
                    </Show>
                    <ul class="all-day-items">
                        <For
                            each=move || all_day.get()
                            key=|item| item.clone()
                            children=|AllDay { name, count }| view! {
                                <li
                                    class="all-day-item"
                                    data-testid="all-day-item"
                                    data-item-name=name
                                    data-count=count.to_string()
                                >
                                    <span class="all-day-name">{name.clone()}</span>
                                    " "
                                    <span class="all-day-count">{count}</span>
                                </li>
                            }
                        />
                    </ul>
                </section>
                <RecallPanel queue />
                <div
                    class="board"
                    class:stale=move || live.get() == LiveStatus::Reconnecting
                    data-testid="board"
                >
                    // A station's tickets leave its screen once
                    // its lines are ready: no ready column there.
                    {move || {
                        let at_station = queue.view.with(|v| v.station_id().is_some());
                        COLUMNS
                            .into_iter()
                            .filter(|c| !at_station || c.0 != OrderStatus::Ready)
                            .map(column)
                            .collect_view()
                    }}
                </div>
            })}
            <AvailabilityPanel queue open=panel_open />
            // Who is signed in (and the way to their devices), out of the way.
            <footer class="page-foot">
                <Welcome />
            </footer>
        </main>
    }
}
