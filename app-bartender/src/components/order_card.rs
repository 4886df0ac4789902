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

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bar::{allergen_names, Order, OrderStatus, REASON_MAX_LEN};
use shared::session::SessionError;
use ui::bar_api;
use ui::components::BusyButton;
use ui::format::timestamp_millis;

use crate::queue::Queue;
use crate::stations::{chip_text, others_waiting, StationView};
use crate::timers::{age_text, ticket_stage, TicketStage};

/// What the big button says for an order in `status`.
fn advance_label(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Received => "Start preparing",
        OrderStatus::Preparing => "Mark ready",
        OrderStatus::Ready => "Served",
        OrderStatus::Served | OrderStatus::Cancelled => "",
    }
}

/// Takes in the answer to a tap on the card of `order_id`. A conflict
/// (someone else moved the order first) is explained on the card and the
/// queue reloaded; any other failure comes back as a sentence for the card.
fn settle(queue: Queue, order_id: &str, outcome: Result<Order, SessionError>) -> Option<String> {
    match outcome {
        Ok(order) => {
            queue.apply(order);
            None
        }
        // The session manager sends the user to sign in.
        Err(e) if e.ends_session() => None,
        Err(e) if e.status() == Some(409) => {
            queue.note(
                order_id,
                "Someone else changed this order just now. The queue is up to date again."
                    .to_owned(),
            );
            queue.reload();
            None
        }
        Err(e) => Some(e.to_string()),
    }
}

/// The card of one open order. The board keys cards by id and version, so
/// a card shows one version of its order and is replaced when it changes.
#[component]
pub(crate) fn OrderCard(order: Order, queue: Queue, screen: StationView) -> impl IntoView {
    let auth = queue.auth;
    let expo = screen == StationView::Expo;
    // On a station's screen: that station (id, name as on the order).
    let station: Option<(String, String)> = screen.station_id().map(|id| {
        let name = order
            .lines_at(id)
            .next()
            .map(|l| l.station_name.clone())
            .unwrap_or_default();
        (id.to_owned(), name)
    });
    let waiting_hint = screen
        .station_id()
        .and_then(|id| others_waiting(&order, id));
    let chips: Vec<(String, bool)> = if expo {
        order
            .stations()
            .into_iter()
            .map(|(id, name)| (name.to_owned(), order.station_ready(id)))
            .collect()
    } else {
        Vec::new()
    };
    // Expo serves ready orders; making them is the stations' part.
    let show_advance = !expo || order.status == OrderStatus::Ready;
    let Order {
        id,
        number,
        customer_name,
        table,
        status,
        version,
        lines,
        note,
        created_at,
        ..
    } = order;
    let busy = RwSignal::new(false);
    let cancelling = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<String>);

    // Counted from when the order was received (placed), in the browser's
    // clock, which the board moves on every few seconds.
    let created = timestamp_millis(&created_at);
    let waited_secs = move || created.map(|created| ((queue.now.get() - created) / 1000.0) as i64);
    let stage =
        move || waited_secs().and_then(|secs| ticket_stage(status, secs, queue.timers.get()));
    let waited = move || {
        waited_secs()
            .map(|secs| age_text(stage(), secs))
            .unwrap_or_default()
    };
    let stage_icon = move || {
        stage().and_then(TicketStage::icon).map(|icon| {
            view! { <span class="stage-icon" aria-hidden="true">{icon}</span> }
        })
    };
    let is_new = {
        let id = id.clone();
        move || queue.fresh.with(|fresh| fresh.contains(&id))
    };
    let card_note = {
        let id = id.clone();
        move || queue.notes.with(|notes| notes.get(&id).cloned())
    };

    let primary_label = if station.is_some() {
        "Ready"
    } else {
        advance_label(status)
    };
    let advance = {
        let id = id.clone();
        let station = station.clone();
        move |_| {
            if let Some((station_id, station_name)) = station.clone() {
                busy.set(true);
                queue.clear_note(&id);
                let id = id.clone();
                spawn_local(async move {
                    let outcome =
                        auth.watch(bar_api::station_ready(&id, &station_id, version).await);
                    // On success this card leaves the station's screen.
                    busy.set(false);
                    if let Ok(order) = &outcome {
                        queue.bumped_at_station(status, order, &station_id, &station_name);
                    }
                    if let Some(message) = settle(queue, &id, outcome) {
                        queue.note(&id, message);
                    }
                });
                return;
            }
            let Some(next) = status.next() else {
                return;
            };
            busy.set(true);
            queue.clear_note(&id);
            let id = id.clone();
            spawn_local(async move {
                let outcome = auth.watch(bar_api::change_status(&id, next, version, None).await);
                // On success this card is replaced by the order's next one.
                busy.set(false);
                if let Ok(order) = &outcome {
                    // A bump this screen can take back for a while.
                    queue.bumped(status, order);
                }
                if let Some(message) = settle(queue, &id, outcome) {
                    queue.note(&id, message);
                }
            });
        }
    };

    let cancel = {
        let id = id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let text = match shared::validate::cancel_reason(&reason.get_untracked()) {
                Ok(text) => text,
                Err(message) => {
                    reason_error.set(Some(message));
                    return;
                }
            };
            reason_error.set(None);
            busy.set(true);
            queue.clear_note(&id);
            let id = id.clone();
            spawn_local(async move {
                let outcome = auth.watch(
                    bar_api::change_status(&id, OrderStatus::Cancelled, version, Some(text)).await,
                );
                busy.set(false);
                if let Some(message) = settle(queue, &id, outcome) {
                    reason_error.set(Some(message));
                }
            });
        }
    };

    let table_attr = table.clone();
    let id_attr = id.clone();
    let reason_id = format!("cancel-reason-{id}");
    let reason_label = reason_id.clone();
    let on_station = station.is_some();
    let lines = lines
        .into_iter()
        .filter(|line| {
            station
                .as_ref()
                .is_none_or(|(station_id, _)| line.station_id == *station_id)
        })
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
            let options_text = line
                .options
                .iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join(" · ");
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
            let name_attr = line.name.clone();
            view! {
                <li
                    class="order-line"
                    data-testid="order-line"
                    data-item-name=name_attr
                    data-options=options_text
                    data-station-id=line.station_id.clone()
                    data-ready=line.ready.to_string()
                >
                    <span class="line-qty">{line.quantity} "×"</span>
                    <span class="line-name">{line.name}</span>
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
            class:is-new=is_new
            data-testid="order-card"
            data-order-id=id_attr
            data-status=status.as_str()
            data-stage=move || stage().map(TicketStage::as_str)
            data-table=table_attr
            data-screen=screen.key()
        >
            <div class="order-head">
                <span class="order-table" title="Table">
                    <span class="order-table-label">"Table"</span>
                    {table}
                </span>
                <span class="order-who">
                    <span class="order-number">"#" {number}</span>
                    <span class="order-customer">{customer_name}</span>
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
            {(!chips.is_empty())
                .then(|| {
                    view! {
                        <ul class="station-chips" data-testid="station-chips" aria-label="Stations">
                            {chips
                                .into_iter()
                                .map(|(name, ready)| {
                                    view! {
                                        <li
                                            class="station-chip"
                                            class:is-ready=ready
                                            data-testid="station-chip"
                                            data-ready=ready.to_string()
                                        >
                                            {chip_text(&name, ready)}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            {note.map(|note| view! { <p class="order-note">{note}</p> })}
            {move || {
                card_note()
                    .map(|text| {
                        view! {
                            <p class="card-note" role="alert" data-testid="card-note">
                                {text}
                            </p>
                        }
                    })
            }}
            <Show
                when=move || cancelling.get()
                fallback=move || {
                    let advance = advance.clone();
                    view! {
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
                }
            >
                <form class="cancel-form" novalidate on:submit=cancel.clone()>
                    <label for=reason_label.clone()>"Why is it cancelled?"</label>
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
                    {move || {
                        reason_error
                            .get()
                            .map(|message| {
                                view! {
                                    <p class="form-error" role="alert" data-testid="cancel-error">
                                        {message}
                                    </p>
                                }
                            })
                    }}
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
