//! The customer's orders at `/orders`, newest first, live.

use leptos::prelude::*;
use leptos_router::components::A;
use shared::bar::{format_price, Order, OrderLine, OrdersResponse};
use ui::bar_api;
use ui::format::local_time;
use ui::live::{use_live, LiveEvent, LiveIndicator};
use ui::use_auth;

use crate::components::tab::TabPanels;
use ui::load::{failed, loading, Loader, Stage};

/// Every order of the signed-in customer, each linking to its page.
#[component]
pub(crate) fn OrdersPage() -> impl IntoView {
    let auth = use_auth();
    let orders = Loader::<Vec<Order>>::new();
    let load = move || {
        orders.load(auth, || async {
            bar_api::my_orders().await.map(|r: OrdersResponse| r.orders)
        })
    };
    Effect::new(move |_| load());
    orders.reload_when_online(auth, load);
    let live = use_live(
        move |event| {
            if let LiveEvent::Order(changed) = event {
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
            <TabPanels />
            {move || match stage.get() {
                Stage::Loading => loading("Loading your orders…"),
                Stage::Failed(message) => failed(message, load),
                Stage::Ready => (move || {
                    let list = orders.state.with(|s| s.ready().cloned().unwrap_or_default());
                    if list.is_empty() {
                        view! {
                            <p class="empty" data-testid="orders-empty">
                                "No orders yet. " <A href="/">"See the menu"</A>
                            </p>
                        }.into_any()
                    } else {
                        view! {
                            <ul class="order-rows">{list.into_iter().map(order_row).collect_view()}</ul>
                        }.into_any()
                    }
                })
                    .into_any(),
            }}
        </main>
    }
}

/// One order in the list.
fn order_row(order: Order) -> impl IntoView {
    let status = order.status.as_str();
    view! {
        <li
            class="order-row"
            class:ready=order.status == shared::bar::OrderStatus::Ready
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

#[cfg(test)]
mod tests {
    use shared::bar::OrderStatus;

    use super::*;

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
}
