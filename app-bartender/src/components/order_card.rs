//! One order on the board: what to make and for whom (each line with its
//! options and allergens), how long it has waited (and, until it is ready, whether that
//! is long: its stage against the ticket timers), one big button to move it
//! on (a bump the recall panel can take back), and cancelling with a
//! reason.
//!
//! On a station's screen the card holds only that station's lines and its
//! button marks them ready; on "All" each line names its station and says
//! when it is ready; on "Expo" the card shows which stations are done and
//! which it still waits on.

use app_bartender_state::queue::Queue;
use app_bartender_state::stations::{chip_text, others_waiting, StationView};
use app_bartender_state::timers::{age_text, ticket_stage, TicketStage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bar::{allergen_names, Order, OrderStatus, REASON_MAX_LEN};
use ui::bar_api;
use ui::components::{form_error, BusyButton};
use ui::format::timestamp_millis;

use super::card_note;

/// The card of one open order. The board keys cards by id and version, so
/// a card shows one version of its order and is replaced when it changes.
#[component]
pub(crate) fn OrderCard(order: Order, queue: Queue, screen: StationView) -> impl IntoView {
    let expo = screen == StationView::Expo;
    // On a station's screen: that station (id, name as on the order).
    let station = screen.station_id().map(|id| {
        let name = order.lines_at(id).next().map_or("", |l| &l.station_name);
        (id.to_owned(), name.to_owned())
    });
    let waiting_hint = screen.station_id().and_then(|s| others_waiting(&order, s));
    let stations = order.stations();
    let chips = (expo && !stations.is_empty()).then(|| {
        view! {
            <ul class="station-chips" data-testid="station-chips" aria-label="Stations">
                {stations
                    .into_iter()
                    .map(|(id, name)| {
                        let ready = order.station_ready(id);
                        view! {
                            <li
                                class="station-chip"
                                class:is-ready=ready
                                data-testid="station-chip"
                                data-ready=ready.to_string()
                            >
                                {chip_text(name, ready)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    });
    // Expo serves ready orders; making them is the stations' part.
    let show_advance = !expo || order.status == OrderStatus::Ready;
    let (id, status, version) = (order.id, order.status, order.version);
    let busy = RwSignal::new(false);
    let cancelling = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);

    // Counted from when the order was received (placed), in the browser's
    // clock, which the board moves on every few seconds.
    let created = timestamp_millis(&order.created_at);
    let waited_secs = move || created.map(|created| ((queue.now.get() - created) / 1000.0) as i64);
    let stage =
        move || waited_secs().and_then(|secs| ticket_stage(status, secs, queue.timers.get()));
    let waited = move || waited_secs().map_or_else(String::new, |secs| age_text(stage(), secs));
    let stage_icon = move || {
        stage().and_then(TicketStage::icon).map(|icon| {
            view! { <span class="stage-icon" aria-hidden="true">{icon}</span> }
        })
    };
    // What the big button says (on a station's screen, where it marks the
    // station's lines ready).
    let primary_label = match status {
        _ if station.is_some() => "Ready",
        OrderStatus::Received => "Start preparing",
        OrderStatus::Preparing => "Mark ready",
        OrderStatus::Ready => "Served",
        OrderStatus::Served | OrderStatus::Cancelled => "",
    };
    // Kept aside, so the taps below are `Copy`.
    let tapped = StoredValue::new((id.clone(), station.clone()));
    // A tap: the order moved on to `to`, or cancelled with its `why`. A
    // conflict (someone else moved the order first) is explained on the
    // card and the queue reloaded; any other failure is said on the card,
    // or under the reason.
    let send = move |to: OrderStatus, why: Option<String>| {
        busy.set(true);
        let ((id, station), cancel) = (tapped.get_value(), why.is_some());
        queue.clear_note(&id);
        spawn_local(async move {
            // On success this card leaves the station's screen, or is
            // replaced by the order's next one.
            let outcome = queue.auth.watch(match &station {
                Some((station_id, _)) if !cancel => {
                    bar_api::station_ready(&id, station_id, version).await
                }
                _ => bar_api::change_status(&id, to, version, why).await,
            });
            busy.set(false);
            match outcome {
                Ok(order) => {
                    if !cancel {
                        // A bump this screen can take back for a while.
                        queue.bumped(status, &order, station);
                    }
                    queue.apply(order);
                }
                // The session manager sends the user to sign in.
                Err(e) if e.ends_session() => {}
                Err(e) if e.status() == Some(409) => {
                    queue.note(
                        &id,
                        "Someone else changed this order just now. The queue is up to date again."
                            .to_owned(),
                    );
                    queue.reload();
                }
                Err(e) if cancel => reason_error.set(Some(e.to_string())),
                Err(e) => queue.note(&id, e.to_string()),
            }
        });
    };
    let cancel = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match shared::validate::cancel_reason(&reason.get_untracked()) {
            Ok(text) => {
                reason_error.set(None);
                send(OrderStatus::Cancelled, Some(text));
            }
            Err(message) => reason_error.set(Some(message)),
        }
    };
    // A finished order has no next step (and is never on the board).
    let advance = move |()| {
        if let Some(next) = status.next() {
            send(next, None);
        }
    };

    let reason_id = format!("cancel-reason-{id}");
    let on_station = station.is_some();
    let lines = order
        .lines
        .into_iter()
        .filter(|line| screen.station_id().is_none_or(|id| line.station_id == id))
        .map(|line| {
            // The allergens the item had when it was ordered, in words (the
            // sign alone would say nothing); a named note, so a screen
            // reader says "Allergens: gluten" rather than "warning sign".
            let allergens = (!line.allergens.is_empty()).then(|| {
                let names = allergen_names(&line.allergens);
                view! {
                    <span
                        class="line-allergens"
                        role="note"
                        data-testid="line-allergens"
                        aria-label=format!("Allergens: {names}")
                    >
                        <span aria-hidden="true">"⚠ " {names.clone()}</span>
                    </span>
                }
            });
            // The options chosen, on their own line under the item, as the
            // bartender pours them: "Half pint · Oat".
            let chosen: Vec<_> = line.options.iter().map(|o| o.name.as_str()).collect();
            let options_text = chosen.join(" · ");
            let options = (!options_text.is_empty()).then(|| {
                view! {
                    <span class="line-options" data-testid="line-options">
                        {options_text.clone()}
                    </span>
                }
            });
            // Off a station's screen, where each line is made and whether
            // it is done, in words.
            let station_label = (!on_station && !line.station_name.is_empty()).then(|| {
                view! {
                    <span class="line-station" data-testid="line-station">
                        {line.station_name.clone()}
                    </span>
                }
            });
            let ready_mark = (!on_station && line.ready).then(|| {
                view! {
                    <span class="line-ready" data-testid="line-ready">
                        <span aria-hidden="true">"✓ "</span>
                        "ready"
                    </span>
                }
            });
            view! {
                <li
                    class="order-line"
                    data-testid="order-line"
                    data-item-name=line.name
                    data-options=options_text
                    data-station-id=line.station_id.clone()
                    data-ready=line.ready.to_string()
                >
                    <span class="line-qty">{line.quantity} "×"</span>
                    <span class="line-name">{line.name.clone()}</span>
                    {station_label}
                    {ready_mark}
                    {allergens}
                    {options}
                    {line.note.map(|note| view! { <span class="line-note">{note}</span> })}
                </li>
            }
        })
        .collect_view();

    view! {
        <li
            class="order-card"
            class:is-new=queue.is_new(id.clone())
            data-testid="order-card"
            data-order-id=id
            data-status=status.as_str()
            data-stage=move || stage().map(TicketStage::as_str)
            data-table=order.table
            data-screen=screen.key()
        >
            <div class="order-head">
                <span class="order-table" title="Table">
                    <span class="order-table-label">"Table"</span>
                    {order.table.clone()}
                </span>
                <span class="order-who">
                    <span class="order-number">"#" {order.number}</span>
                    <span class="order-customer">{order.customer_name}</span>
                </span>
                <span class="order-age" data-testid="order-age">{stage_icon} {waited}</span>
            </div>
            <ul class="order-lines">{lines}</ul>
            {waiting_hint
                .map(|text| {
                    view! {
                        <p class="station-hint" data-testid="station-hint">
                            <span aria-hidden="true">"… "</span>
                            {text}
                        </p>
                    }
                })}
            {chips}
            {order.note.map(|note| view! { <p class="order-note">{note}</p> })}
            {card_note(queue, id.clone())}
            <Show
                when=move || cancelling.get()
                fallback=move || view! {
                    <div class="order-actions">
                        {show_advance
                            .then(move || {
                                view! {
                                    <BusyButton
                                        class="button advance"
                                        testid="advance"
                                        label=primary_label
                                        busy_label="Saving…"
                                        busy=busy
                                        on_click=Callback::new(advance)
                                    />
                                }
                            })}
                        <button
                            type="button"
                            class="button secondary"
                            data-testid="cancel"
                            disabled=move || busy.get()
                            on:click=move |_| {
                                reason_error.set(None);
                                cancelling.set(true);
                            }
                        >
                            "Cancel…"
                        </button>
                    </div>
                }
            >
                <form class="cancel-form" novalidate on:submit=cancel>
                    <label for=reason_id.clone()>"Why is it cancelled?"</label>
                    <input
                        id=reason_id.clone()
                        type="text"
                        data-testid="cancel-reason"
                        maxlength=REASON_MAX_LEN
                        required
                        autocomplete="off"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    />
                    {form_error(reason_error, Some("cancel-error"))}
                    <div class="order-actions">
                        <BusyButton
                            submit=true
                            class="button danger"
                            testid="confirm-cancel"
                            label="Cancel order"
                            busy_label="Cancelling…"
                            busy=busy
                        />
                        <button
                            type="button"
                            class="button secondary"
                            data-testid="keep-order"
                            disabled=move || busy.get()
                            on:click=move |_| cancelling.set(false)
                        >
                            "Keep"
                        </button>
                    </div>
                </form>
            </Show>
        </li>
    }
}
