//! One order at `/orders/:id`, live: where it has got, what is in it,
//! cancelling it while the bar has not started on it, and calling staff or
//! asking for the bill at its table.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use shared::bar::{format_price, option_names, Order, OrderStatus, REASON_MAX_LEN};
use ui::bar_api;
use ui::components::{form_error, BusyButton};
use ui::format::local_time;
use ui::live::{use_live, LiveIndicator, LiveStatus};
use ui::load::{staged, Actions, Load, Loader};
use ui::use_auth;

use crate::components::calls::CallButtons;

/// The order's status, lines, total and table, updated as the bar works.
#[component]
pub(crate) fn OrderPage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let order = Loader::<Order>::new();
    let load = move || {
        let id = id.get_untracked();
        order.load(auth, move || async move { bar_api::order(&id).await });
    };
    // Loads, and loads again when the link changes to another order.
    Effect::new(move |_| {
        id.track();
        order.state.set(Load::Loading);
        load();
    });
    order.reload_when_online(auth, load);
    let live = use_live(
        move |event| {
            if let Some(changed) = event.order().filter(|o| o.id == id.get_untracked()) {
                order.state.update(|state| match state {
                    // Events come in order, but a reload may have
                    // fetched a newer version meanwhile.
                    Load::Ready(current) if !changed.replaces(current) => {}
                    _ => *state = Load::Ready(changed),
                });
            }
        },
        load,
    );

    let current = Memo::new(move |_| order.state.with(|s| s.ready().cloned().unwrap_or_default()));

    // Ready while the page is open: buzz the phone too, the banner may be
    // in a pocket.
    Effect::new(move |before: Option<Option<OrderStatus>>| {
        let now = order.state.with(|s| s.ready().map(|o| o.status));
        let was = before.flatten();
        if now == Some(OrderStatus::Ready) && was.is_some() && was != now {
            // Where the browser can (not iOS Safari, not desktops; never on
            // the server, which renders only the shell).
            #[cfg(target_arch = "wasm32")]
            if let Some(window) = web_sys::window() {
                // A pattern the customer notices in a pocket: buzz, pause, buzz.
                let pattern = js_sys::Array::of3(&300.into(), &150.into(), &300.into());
                // Returns false when the browser declines; nothing else to do then.
                let _ = window.navigator().vibrate_with_pattern(&pattern);
            }
        }
        now
    });

    let stage = order.stage();
    view! {
        <main class="page order-page">
            {staged(stage, "Loading your order…", load, move || loaded(current, live, Callback::new(move |()| load())))}
            <p class="back-links">
                <A href="/orders">"All my orders"</A>
                " · "
                <A href="/">"Back to the menu"</A>
            </p>
        </main>
    }
}

/// The loaded order. Parts read the order signal separately, so an update
/// leaves the cancel form (and what was typed into it) alone.
fn loaded(order: Memo<Order>, live: ReadSignal<LiveStatus>, load: Callback<()>) -> impl IntoView {
    // Outside the cancel form, which goes away when the order moves on:
    // the reason it could not be cancelled must stay in view.
    let cancel_error = RwSignal::new(None::<String>);
    let field = move |f: fn(&Order) -> String| move || order.with(f);
    let status = Signal::derive(move || order.with(|o| o.status));
    // The enum lists the statuses in the order an order goes through them.
    let reached = move |step: OrderStatus| match status.get() {
        OrderStatus::Cancelled => false,
        now => now as u8 >= step as u8,
    };
    view! {
        <div class="page-title">
            <h1>{field(|o| format!("Order {}", o.number))}</h1>
            <LiveIndicator status=live />
        </div>
        <Show when=move || status.get() == OrderStatus::Ready>
            <div class="ready-banner" role="alert" data-testid="ready-banner">
                "Your order is ready — collect it at the bar"
            </div>
        </Show>
        <section
            class="order-status card"
            data-testid="order-status"
            data-status=move || status.get().as_str()
            aria-live="polite"
        >
            <p class="status-word">{move || status.get().label()}</p>
            <Show when=move || status.get() != OrderStatus::Cancelled>
                // Received → Preparing → Ready, the current step marked, the
                // ones behind it ticked. A served order has done all three; a
                // cancelled one shows none as current.
                <ol class="status-steps" aria-label="Progress">
                    {[OrderStatus::Received, OrderStatus::Preparing, OrderStatus::Ready]
                        .into_iter()
                        .map(|step| view! {
                            <li
                                class="status-step"
                                class:done=move || reached(step)
                                class:current=move || status.get() == step
                                aria-current=move || (status.get() == step).then_some("step")
                            >
                                {step.label()}
                            </li>
                        })
                        .collect_view()}
                </ol>
            </Show>
            // A sentence for the customer about where their order is.
            <p class="status-sentence">
                {move || match status.get() {
                    OrderStatus::Received => "The bar has your order and will start on it soon.",
                    OrderStatus::Preparing => "The bar is preparing your order.",
                    OrderStatus::Ready => "Your order is ready — collect it at the bar.",
                    OrderStatus::Served => "Served. Enjoy!",
                    OrderStatus::Cancelled => "This order was cancelled.",
                }}
            </p>
            {move || order.with(|o| o.cancel_reason.clone()).map(|reason| view! {
                <p class="cancel-reason">"Reason: " {reason}</p>
            })}
        </section>
        <dl class="order-facts">
            <div>
                <dt>"Table"</dt>
                <dd data-testid="order-table">{field(|o| o.table.clone())}</dd>
            </div>
            <div>
                <dt>"Placed"</dt>
                <dd>{field(|o| local_time(&o.created_at))}</dd>
            </div>
        </dl>
        <CallButtons table=field(|o| o.table.clone()) />
        <ul class="order-lines">
            {move || {
                order
                    .with(|o| o.lines.clone())
                    .into_iter()
                    .map(|line| view! {
                        <li class="order-line" data-testid="order-line" data-item-name=line.name.clone()>
                            <span class="order-line-name">{format!("{} × {}", line.quantity, line.name)}</span>
                            <span class="order-line-total">{format_price(line.line_total_cents)}</span>
                            // The options as chosen, under the name.
                            {(!line.options.is_empty()).then(|| view! {
                                <span class="order-line-options" data-testid="line-options">
                                    {option_names(&line.options)}
                                </span>
                            })}
                            {line.note.map(|note| view! { <span class="order-line-note">{note}</span> })}
                        </li>
                    })
                    .collect_view()
            }}
        </ul>
        {move || order.with(|o| o.note.clone()).map(|note| view! {
            <p class="order-note">"Note: " {note}</p>
        })}
        <p class="order-total">
            "Total " <strong data-testid="order-total">{field(|o| format_price(o.total_cents))}</strong>
        </p>
        <Show when=move || status.get() == OrderStatus::Received>
            {cancel_order(order, load, cancel_error)}
        </Show>
        {form_error(cancel_error, Some("form-error"))}
    }
}

/// "Cancel order", then the reason and a confirmation, inline.
fn cancel_order(
    order: Memo<Order>,
    load: Callback<()>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let actions = Actions::new(use_auth());
    let asking = RwSignal::new(false);
    let reason = RwSignal::new("Changed my mind".to_owned());

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (id, version) = order.with_untracked(|o| (o.id.clone(), o.version));
        let text = match shared::validate::cancel_reason(&reason.get_untracked()) {
            Ok(text) => text,
            Err(message) => return error.set(Some(message)),
        };
        actions.run_reporting("cancel", error, async move {
            let outcome =
                bar_api::change_status(&id, OrderStatus::Cancelled, version, Some(text)).await;
            // Cancelled: the page shows it as the stream reports it; a reload
            // makes sure even without the stream. 409: the bar started on it
            // (or it changed) meanwhile, which a reload shows too.
            match &outcome {
                Ok(_) => asking.set(false),
                Err(e) if e.status() != Some(409) => return outcome.map(|_| None),
                Err(_) => {}
            }
            load.try_run(());
            outcome.map(|_| None)
        });
    };

    view! {
        <section class="cancel-zone">
            <Show
                when=move || asking.get()
                fallback=move || view! {
                    <button
                        type="button"
                        class="button secondary"
                        data-testid="cancel-order"
                        on:click=move |_| {
                            error.set(None);
                            asking.set(true);
                        }
                    >
                        "Cancel order"
                    </button>
                }
            >
                <form class="stack cancel-form" on:submit=submit novalidate>
                    <label for="cancel-reason">"Why are you cancelling?"</label>
                    <input
                        id="cancel-reason"
                        data-testid="cancel-reason"
                        maxlength=REASON_MAX_LEN
                        autocomplete="off"
                        prop:value=move || reason.get()
                        on:input=move |ev| reason.set(event_target_value(&ev))
                    />
                    <div class="button-row">
                        <BusyButton
                            submit=true
                            class="button danger"
                            testid="confirm-cancel"
                            label="Yes, cancel the order"
                            busy_label="Cancelling…"
                            busy=move || actions.locked()
                        />
                        <button
                            type="button"
                            class="button secondary"
                            disabled=move || actions.locked()
                            on:click=move |_| asking.set(false)
                        >
                            "Keep the order"
                        </button>
                    </div>
                </form>
            </Show>
        </section>
    }
}
