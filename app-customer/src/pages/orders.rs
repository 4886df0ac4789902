//! The customer's orders at `/orders`, newest first, live, under "Your
//! tab": each of the guest's open tabs with its orders' lines and the
//! running total, and once staff close it, "Paid, thank you" with how it
//! was paid. A tab is read again when one of the guest's orders changes,
//! and told of the payment by the live stream's `tab` event.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use shared::bar::{format_price, Order, OrderLine, OrderStatus, Tab, TabPayment};
use ui::bar_api;
use ui::format::local_time;
use ui::live::{use_live, LiveIndicator};
use ui::load::{staged, Loader};
use ui::use_auth;

/// Every order of the signed-in customer, each linking to its page.
#[component]
pub(crate) fn OrdersPage() -> impl IntoView {
    let auth = use_auth();
    let orders = Loader::<Vec<Order>>::new();
    let load = move || orders.load(auth, || async { Ok(bar_api::my_orders().await?.orders) });
    Effect::new(move |_| load());
    orders.reload_when_online(auth, load);
    let live = use_live(
        move |event| {
            if let Some(changed) = event.order() {
                orders.patch(|list| upsert(list, changed));
            }
        },
        load,
    );

    let stage = orders.stage();
    view! {
        <main class="page orders-page">
            <div class="page-title">
                <h1>"My orders"</h1>
                <LiveIndicator status=live />
            </div>
            {tab_panels()}
            {staged(stage, "Loading your orders…", load, move || move || {
                let list = orders.state.with(|s| s.ready().cloned().unwrap_or_default());
                if list.is_empty() {
                    return view! {
                        <p class="empty" data-testid="orders-empty">
                            "No orders yet. " <A href="/">"See the menu"</A>
                        </p>
                    }.into_any();
                }
                let rows = list.into_iter().map(order_row).collect_view();
                view! { <ul class="order-rows">{rows}</ul> }.into_any()
            })}
        </main>
    }
}

/// One order in the list.
fn order_row(order: Order) -> impl IntoView {
    let status = order.status.as_str();
    view! {
        <li
            class="order-row"
            class:ready=order.status == OrderStatus::Ready
            data-testid="order-row"
            data-order-id=order.id.clone()
            data-status=status
        >
            <A href=format!("/orders/{}", order.id)>
                <span class="order-row-head">
                    <strong>{format!("Order {}", order.number)}</strong>
                    <span class=format!("status-badge status-{status}") data-status=status>
                        {order.status.label()}
                    </span>
                </span>
                <span class="order-row-summary">
                    {order.lines.iter().map(OrderLine::summary).collect::<Vec<_>>().join(", ")}
                </span>
                <span class="order-row-foot">
                    <span>{format!("Table {} · {}", order.table, local_time(&order.created_at))}</span>
                    <strong class="order-row-total">{format_price(order.total_cents)}</strong>
                </span>
            </A>
        </li>
    }
}

/// Puts a changed or new order into the list: newer versions replace older
/// ones, and the list stays newest first.
fn upsert(list: &mut Vec<Order>, changed: Order) {
    match list.iter_mut().find(|o| o.id == changed.id) {
        Some(known) if !changed.replaces(known) => {}
        Some(known) => *known = changed,
        None => {
            list.push(changed);
            list.sort_by(|a, b| b.placed_key().cmp(&a.placed_key()));
        }
    }
}

/// The guest's tabs, open ones and those paid lately (the server keeps
/// those for the evening).
fn tab_panels() -> impl IntoView {
    let auth = use_auth();
    let tabs = RwSignal::new(Vec::<Tab>::new());
    let load = move || {
        spawn_local(async move {
            // Without the list the orders below still show; a live event or
            // the next reconnect brings the tabs.
            if let Ok(mine) = auth.watch(bar_api::my_tabs().await) {
                // Every tab of the reload, keeping whatever newer this page saw.
                tabs.update(|held| mine.tabs.into_iter().for_each(|tab| take(held, tab)));
            }
        });
    };
    Effect::new(move |_| load());
    // The page shows the live badge; this only listens, and reloads after
    // a reconnect (the tab may have been paid meanwhile).
    use_live(
        move |event| {
            if let Some(tab) = event.tab() {
                tabs.update(|held| take(held, tab));
            } else if event.order().is_some_and(|order| order.tab_id.is_some()) {
                // An order placed, moved on or cancelled: the tab it is on
                // is read again (its total and lines follow).
                load();
            }
        },
        load,
    );
    view! {
        <div class="tab-panels" aria-live="polite">
            <For
                each=move || tabs.get()
                key=|tab| (tab.id.clone(), tab.version)
                children=tab_panel
            />
        </div>
    }
}

/// One tab: open, with its lines and total; or paid.
fn tab_panel(tab: Tab) -> impl IntoView {
    let orders: Vec<_> = tab
        .orders
        .iter()
        .filter(|o| o.status != OrderStatus::Cancelled)
        .collect();
    let paid = !tab.is_open();
    let (status, heading) = if paid {
        ("paid", "Your tab — paid")
    } else {
        ("open", "Your tab")
    };
    view! {
        <section
            class="tab-panel"
            class:paid=paid
            data-testid="tab-panel"
            data-tab-id=tab.id.clone()
            data-status=status
            aria-label=format!("Your tab at table {}", tab.table)
        >
            <header class="tab-head">
                <h2>{heading}</h2>
                <span class="tab-table">{format!("Table {}", tab.table)}</span>
            </header>
            {if paid {
                view! {
                    <p class="tab-paid" role="status" data-testid="tab-paid">
                        <strong>"Paid, thank you"</strong>
                        <span class="tab-payments">{payments_text(&tab.payments)}</span>
                    </p>
                }.into_any()
            } else {
                let lines = orders.iter().flat_map(|o| o.lines.iter()).map(|line| view! {
                    <li class="tab-line">
                        <span>{line.summary()}</span>
                        <span>{format_price(line.line_total_cents)}</span>
                    </li>
                });
                view! { <ul class="tab-lines">{lines.collect_view()}</ul> }.into_any()
            }}
            <p class="tab-total">
                <span>{format!("{} {}", orders.len(), if orders.len() == 1 { "order" } else { "orders" })}</span>
                <strong data-testid="tab-total">{format_price(tab.total_cents)}</strong>
            </p>
        </section>
    }
}

/// How a closed tab was paid: `"Card 12.50, Cash 12.50"`.
fn payments_text(payments: &[TabPayment]) -> String {
    payments
        .iter()
        .map(|p| format!("{} {}", p.method.label(), format_price(p.amount_cents)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Takes in a tab as the server had it: a newer version replaces the one
/// held; the list stays newest first.
fn take(held: &mut Vec<Tab>, tab: Tab) {
    match held.iter_mut().find(|t| t.id == tab.id) {
        Some(known) if !tab.replaces(known) => {}
        Some(known) => *known = tab,
        None => {
            held.push(tab);
            held.sort_by(|a, b| b.opened_at.cmp(&a.opened_at));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::bar::{PaymentMethod, TabStatus};

    fn order(id: &str, number: i64, version: i64, status: OrderStatus) -> Order {
        Order {
            id: id.to_owned(),
            number,
            status,
            version,
            created_at: format!("2026-01-01T10:00:0{number}Z"),
            ..Order::default()
        }
    }

    #[test]
    fn new_orders_go_on_top_and_stale_events_are_ignored() {
        let mut list = vec![order("a", 1, 1, OrderStatus::Received)];
        upsert(&mut list, order("b", 2, 1, OrderStatus::Received));
        assert_eq!(list[0].id, "b");
        upsert(&mut list, order("a", 1, 3, OrderStatus::Ready));
        upsert(&mut list, order("a", 1, 2, OrderStatus::Preparing));
        assert_eq!(list[1].status, OrderStatus::Ready);
        assert_eq!(list.len(), 2);
    }

    /// Tab `id` at table 7, opened at `hour` o'clock.
    fn tab(id: &str, version: i64, hour: u32, status: TabStatus) -> Tab {
        Tab {
            id: id.to_owned(),
            table: "7".to_owned(),
            status,
            version,
            opened_at: format!("2026-12-09T{hour}:00:00Z"),
            ..Tab::default()
        }
    }

    #[test]
    fn a_paid_tab_replaces_the_open_copy_and_a_late_copy_does_not_undo_it() {
        let mut held = vec![tab("a", 2, 18, TabStatus::Open)];
        take(&mut held, tab("b", 1, 19, TabStatus::Open));
        assert_eq!(held[0].id, "b", "newest first");
        take(&mut held, tab("a", 3, 18, TabStatus::Paid));
        take(&mut held, tab("a", 2, 18, TabStatus::Open));
        assert_eq!(held[1].status, TabStatus::Paid);
        assert_eq!(held.len(), 2);
    }

    #[test]
    fn payments_read_as_method_and_amount() {
        let paid = |method| TabPayment {
            amount_cents: 1250,
            method,
            lines: Vec::new(),
        };
        assert_eq!(
            payments_text(&[paid(PaymentMethod::Card), paid(PaymentMethod::Cash)]),
            format!("Card {}, Cash {}", format_price(1250), format_price(1250))
        );
    }
}
