//! The Tabs page at `/bartender/tabs`: the open tabs by table, live, and
//! for the one chosen its lines and the close panel: whole, in equal parts
//! or by line, cash or card, with each part's amount shown before "Close
//! as paid" (the same rule the server applies).

use app_bartender_state::tabs::{
    line_ref, open_orders_question, orders_label, Mode, SplitForm, Tabs,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bar::{format_price, CloseTabRequest, OrderStatus, PaymentMethod, Tab, TAB_SPLIT_MAX};
use shared::validate::tab_split;
use ui::components::{form_error, BusyButton};
use ui::live::{use_live, LiveIndicator};
use ui::load::{staged, Loader};
use ui::{bar_api, use_auth};

/// Open tabs by table, and the chosen one's close panel.
#[component]
pub(crate) fn TabsPage() -> impl IntoView {
    let auth = use_auth();
    let tabs = RwSignal::new(Tabs::default());
    let state = Loader::<()>::new();
    let selected = RwSignal::new(None::<String>);
    // A failed reload keeps the tabs shown; the offline banner says why.
    let reload = move || {
        state.load(auth, move || async move {
            let open = bar_api::open_tabs().await?;
            tabs.update(|held| held.take_all(open.tabs));
            Ok(())
        });
    };
    // Effects run only in the browser, once hydration is done.
    Effect::new(move |_| reload());
    let live = use_live(
        move |event| {
            if let Some(tab) = event.tab() {
                tabs.update(|held| held.take(tab));
            } else if let Some(order) = event.order() {
                // An order joining a tab or cancelled on it changes the
                // tab's total and version: the tabs are read again. Other
                // steps only move its count of open orders.
                let reread = tabs.try_update(|held| held.order_changed(order));
                if reread == Some(true) {
                    reload();
                }
            }
        },
        reload,
    );
    // Only a change of stage redraws the page.
    let stage = state.stage();
    let list = Memo::new(move |_| tabs.with(|held| held.list.clone()));
    view! {
        <main class="page tabs-page">
            <div class="page-title">
                <h1>"Tabs"</h1>
                <LiveIndicator status=live />
            </div>
            {staged(stage, "Loading open tabs…", reload, move || view! {
                <div class="tabs-layout">
                    // The open tabs, by table.
                    <section class="tab-list" aria-label="Open tabs">
                        <Show when=move || list.with(Vec::is_empty)>
                            <p class="column-empty" data-testid="tabs-empty">"No open tabs."</p>
                        </Show>
                        <ul class="tab-rows" aria-live="polite">
                            <For
                                each=move || list.get()
                                key=|tab| (tab.id.clone(), tab.version, tab.open_orders)
                                children=move |tab| view! { <TabRow tab selected /> }
                            />
                        </ul>
                    </section>
                    <TabDetail tabs selected />
                </div>
            })}
        </main>
    }
}

/// One open tab in the list: table, guest, orders, what is still open and
/// the total; choosing it opens its close panel.
#[component]
fn TabRow(tab: Tab, selected: RwSignal<Option<String>>) -> impl IntoView {
    let id = tab.id.clone();
    let chosen = Memo::new(move |_| selected.with(|s| s.as_deref() == Some(id.as_str())));
    let orders = tab
        .orders
        .iter()
        .filter(|o| o.status != OrderStatus::Cancelled)
        .count();
    view! {
        <li>
            <button
                type="button"
                class="tab-row"
                class:selected=chosen
                aria-pressed=move || chosen.get().to_string()
                data-testid="tab-row"
                data-tab-id=tab.id.clone()
                on:click=move |_| selected.set(Some(tab.id.clone()))
            >
                <span class="tab-row-table">{format!("Table {}", tab.table)}</span>
                <span class="tab-row-guest">{tab.customer_name}</span>
                <span class="tab-row-orders">{orders_label(orders)}</span>
                {(tab.open_orders > 0)
                    .then(|| {
                        view! {
                            <span class="badge tab-open-badge" data-testid="tab-open">
                                {format!("{} open", tab.open_orders)}
                            </span>
                        }
                    })}
                <strong class="tab-row-total">{format_price(tab.total_cents)}</strong>
            </button>
        </li>
    }
}

/// Cash / Card buttons; `chosen` says which is pressed.
fn method_buttons(
    chosen: impl Fn() -> PaymentMethod + Copy + Send + Sync + 'static,
    choose: impl Fn(PaymentMethod) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <span class="segmented" role="group" aria-label="Paid by">
            {PaymentMethod::ALL
                .into_iter()
                .map(|method| {
                    view! {
                        <button
                            type="button"
                            class="button secondary segment"
                            class:active=move || chosen() == method
                            aria-pressed=move || (chosen() == method).to_string()
                            data-method=method.as_str()
                            on:click=move |_| choose(method)
                        >
                            {method.label()}
                        </button>
                    }
                })
                .collect_view()}
        </span>
    }
}

/// The chosen tab's lines and its close panel.
#[component]
fn TabDetail(tabs: RwSignal<Tabs>, selected: RwSignal<Option<String>>) -> impl IntoView {
    let auth = use_auth();
    let current = Memo::new(move |_| {
        let id = selected.get()?;
        tabs.with(|held| held.list.iter().find(|t| t.id == id).cloned())
    });
    let form = RwSignal::new(SplitForm::default());
    // Views that depend only on the mode are not redrawn by other choices
    // (a field being typed in keeps its focus).
    let mode = Memo::new(move |_| form.with(|f| f.mode));
    let part_count = Memo::new(move |_| form.with(|f| f.part_methods.len()));
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let question = RwSignal::new(None::<String>);
    // Each tab's panel starts afresh.
    Effect::new(move |_| {
        selected.track();
        form.set(SplitForm::default());
        error.set(None);
        question.set(None);
    });
    // What each part pays, by the server's own rule, or what to fix.
    let preview = Memo::new(move |_| {
        current.with(|tab| {
            tab.as_ref()
                .map(|tab| form.with(|f| tab_split(tab, &f.split(tab)).map_err(|e| e.message())))
        })
    });

    let send = move |confirmed: bool| {
        let Some(tab) = current.get_untracked().filter(|_| !busy.get_untracked()) else {
            return;
        };
        let split = form.with_untracked(|f| f.split(&tab));
        if let Err(e) = tab_split(&tab, &split) {
            error.set(Some(e.message()));
            return;
        }
        let request = CloseTabRequest {
            version: tab.version,
            confirm_open_orders: confirmed,
            split,
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let outcome = auth.watch(bar_api::close_tab(&tab.id, &request).await);
            busy.set(false);
            match outcome {
                Ok(paid) => {
                    selected.set(None);
                    tabs.update(|held| held.take(paid));
                }
                Err(e) if e.ends_session() => {}
                Err(e) if e.code() == Some("open_orders") => {
                    question.set(Some(open_orders_question(tab.open_orders.max(1))));
                }
                Err(e) => {
                    question.set(None);
                    error.set(Some(e.to_string()));
                    // Closed elsewhere, or changed since shown: show it as
                    // it is now (a paid tab leaves the list).
                    if matches!(e.code(), Some("stale_version" | "tab_closed")) {
                        if let Ok(fresh) = auth.watch(bar_api::tab(&tab.id).await) {
                            tabs.update(|held| held.take(fresh));
                        }
                    }
                }
            }
        });
    };

    let lines = move |tab: &Tab| {
        tab.orders
            .iter()
            .flat_map(|order| {
                let cancelled = order.status == OrderStatus::Cancelled;
                order.lines.iter().enumerate().map(move |(at, line)| {
                    let r = StoredValue::new(line_ref(&order.id, at));
                    let parts = (!cancelled).then_some(move || {
                            (mode.get() == Mode::ByLine).then(|| {
                                view! {
                                    <span class="segmented line-parts" role="group" aria-label="Part">
                                        {(0..part_count.get())
                                            .map(|part| {
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="button secondary segment"
                                                        class:active=move || form.with(|f| r.with_value(|r| f.part_of(r)) == part)
                                                        on:click=move |_| {
                                                            form.update(|f| {
                                                                f.line_parts.insert(r.get_value(), part);
                                                            })
                                                        }
                                                    >
                                                        {(part + 1).to_string()}
                                                    </button>
                                                }
                                            })
                                            .collect_view()}
                                    </span>
                                }
                            })
                    });
                    view! {
                        <li class="tab-line" class:cancelled=cancelled data-testid="tab-line">
                            <span class="tab-line-order">{format!("#{}", order.number)}</span>
                            <span class="tab-line-name">{line.summary()}</span>
                            <span class="tab-line-price">
                                {if cancelled {
                                    "cancelled".to_owned()
                                } else {
                                    format_price(line.line_total_cents)
                                }}
                            </span>
                            {parts}
                        </li>
                    }
                })
            })
            .collect_view()
    };

    let parts_view = move || {
        preview.get().map(|payments| match payments {
            Ok(payments) => {
                let by_line = mode.get() == Mode::ByLine;
                view! {
                    <ol class="tab-parts" data-testid="tab-parts">
                        {payments
                            .into_iter()
                            .enumerate()
                            .map(|(index, payment)| {
                                // One part: its amount and, by line, its own method.
                                let method = by_line.then(|| {
                                    method_buttons(
                                        move || form.with(|f| f.part_methods.get(index).copied())
                                            .unwrap_or(PaymentMethod::Card),
                                        move |method| {
                                            form.update(|f| {
                                                if let Some(held) = f.part_methods.get_mut(index) {
                                                    *held = method;
                                                }
                                            })
                                        },
                                    )
                                });
                                let label = if by_line {
                                    format!("Part {}", index + 1)
                                } else {
                                    format!("Part {} · {}", index + 1, payment.method.label())
                                };
                                view! {
                                    <li class="tab-part" data-testid="tab-part">
                                        <span>{label}</span>
                                        {method}
                                        <strong>{format_price(payment.amount_cents)}</strong>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }
            Err(message) => {
                view! { <p class="tab-split-problem" data-testid="tab-split-problem">{message}</p> }
                    .into_any()
            }
        })
    };

    let mode_buttons = move || {
        Mode::ALL
            .into_iter()
            .map(|(choice, label, name)| {
                view! {
                    <button
                        type="button"
                        class="button secondary segment"
                        class:active=move || mode.get() == choice
                        aria-pressed=move || (mode.get() == choice).to_string()
                        data-mode=name
                        on:click=move |_| {
                            form.update(|f| f.mode = choice);
                            question.set(None);
                        }
                    >
                        {label}
                    </button>
                }
            })
            .collect_view()
    };

    let count_field = move || {
        let by_line = mode.get() == Mode::ByLine;
        (mode.get() != Mode::Whole).then(|| view! {
            <label class="field tab-part-count">
                <span>"Parts"</span>
                <input
                    type="number"
                    min="2"
                    max=TAB_SPLIT_MAX.to_string()
                    inputmode="numeric"
                    data-testid="tab-part-count"
                    prop:value=move || {
                        form.with(|f| {
                            if by_line { f.part_methods.len().to_string() } else { f.equal_parts.to_string() }
                        })
                    }
                    on:input=move |ev| {
                        // Out of range shows what to fix below; by line,
                        // the parts themselves are bounded.
                        let Ok(n) = event_target_value(&ev).trim().parse::<u32>() else {
                            return;
                        };
                        form.update(|f| {
                            if by_line {
                                f.set_part_count(n.clamp(1, TAB_SPLIT_MAX) as usize);
                            } else {
                                f.equal_parts = n;
                            }
                        });
                    }
                />
            </label>
        })
    };

    let one_method = move || {
        (mode.get() != Mode::ByLine).then(|| {
            method_buttons(
                move || form.with(|f| f.method),
                move |method| form.update(|f| f.method = method),
            )
        })
    };

    let actions = move || match question.get() {
        Some(asked) => view! {
            <div class="tab-confirm" role="alertdialog" aria-label="Orders still open">
                <p data-testid="tab-confirm">{asked}</p>
                <BusyButton
                    class="button"
                    testid="tab-close-anyway"
                    label="Close anyway"
                    busy_label="Closing…"
                    busy=busy
                    on_click=Callback::new(move |()| send(true))
                />
                <button
                    type="button"
                    class="button secondary"
                    disabled=move || busy.get()
                    on:click=move |_| question.set(None)
                >
                    "Not yet"
                </button>
            </div>
        }
        .into_any(),
        None => view! {
            <BusyButton
                class="button tab-close"
                testid="tab-close"
                attr:aria-busy=move || busy.get().to_string()
                label="Close as paid"
                busy_label="Closing…"
                busy=busy
                disabled=move || !matches!(preview.get(), Some(Ok(_)))
                on_click=Callback::new(move |()| send(false))
            />
        }
        .into_any(),
    };

    view! {
        <section class="tab-detail" aria-label="Tab" data-testid="tab-detail">
            {move || match current.get() {
                None => {
                    view! {
                        <p class="tab-hint">"Choose a tab to see its lines and close it."</p>
                    }
                        .into_any()
                }
                Some(tab) => {
                    view! {
                        <header class="tab-detail-head">
                            <h2>{format!("Table {} · {}", tab.table, tab.customer_name)}</h2>
                            <strong class="tab-detail-total" data-testid="tab-total">
                                {format_price(tab.total_cents)}
                            </strong>
                        </header>
                        <ul class="tab-lines">{lines(&tab)}</ul>
                        <div class="tab-close-panel">
                            <div class="segmented" role="group" aria-label="Split">
                                {mode_buttons}
                            </div>
                            {count_field}
                            {one_method}
                            {parts_view}
                            {actions}
                            {form_error(error, Some("tab-error"))}
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
