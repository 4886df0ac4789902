//! "Your tab": each of the guest's open tabs with its orders' lines and the
//! running total, and once staff close it, "Paid, thank you" with how it
//! was paid. Read again when one of the guest's orders changes, and told
//! of the payment by the live stream's `tab` event.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bar::{format_price, OrderStatus, Tab, TabPayment};
use ui::bar_api;
use ui::live::{use_live, LiveEvent};
use ui::use_auth;

/// The guest's tabs, open ones and those paid lately (the server keeps
/// those for the evening).
#[component]
pub(crate) fn TabPanels() -> impl IntoView {
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
        move |event| match event {
            LiveEvent::Tab(tab) => tabs.update(|held| take(held, tab)),
            // An order placed, moved on or cancelled: the tab it is on is
            // read again (its total and lines follow).
            LiveEvent::Order(order) if order.tab_id.is_some() => load(),
            _ => {}
        },
        load,
    );
    view! {
        <div class="tab-panels" aria-live="polite">
            <For
                each=move || tabs.get()
                key=|tab| (tab.id.clone(), tab.version)
                children=|tab| view! { <TabPanel tab=tab /> }
            />
        </div>
    }
}

/// One tab: open, with its lines and total; or paid.
#[component]
fn TabPanel(tab: Tab) -> impl IntoView {
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
    use shared::bar::{PaymentMethod, TabStatus};

    use super::*;

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
