//! How far an order has got, as a badge for lists and as steps for the
//! order's own page.

use leptos::prelude::*;
use shared::bar::OrderStatus;

/// The status in a word, coloured by status.
#[component]
pub(crate) fn StatusBadge(status: OrderStatus) -> impl IntoView {
    view! {
        <span class=format!("status-badge status-{}", status.as_str()) data-status=status.as_str()>
            {status.label()}
        </span>
    }
}

/// The steps an order goes through, the ones behind it ticked.
const STEPS: [OrderStatus; 3] = [
    OrderStatus::Received,
    OrderStatus::Preparing,
    OrderStatus::Ready,
];

/// Received → Preparing → Ready, the current step marked. A served order
/// has done all three; a cancelled one shows none as current.
#[component]
pub(crate) fn StatusSteps(#[prop(into)] status: Signal<OrderStatus>) -> impl IntoView {
    let reached = move |step: OrderStatus| match status.get() {
        OrderStatus::Served => true,
        OrderStatus::Cancelled => false,
        now => STEPS.iter().position(|s| *s == now) >= STEPS.iter().position(|s| *s == step),
    };
    view! {
        <ol class="status-steps" aria-label="Progress">
            {STEPS
                .into_iter()
                .map(|step| {
                    view! {
                        <li
                            class="status-step"
                            class:done=move || reached(step)
                            class:current=move || status.get() == step
                            aria-current=move || (status.get() == step).then_some("step")
                        >
                            {step.label()}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// A sentence for the customer about where their order is.
pub(crate) fn status_sentence(status: OrderStatus) -> &'static str {
    match status {
        OrderStatus::Received => "The bar has your order and will start on it soon.",
        OrderStatus::Preparing => "The bar is preparing your order.",
        OrderStatus::Ready => "Your order is ready — collect it at the bar.",
        OrderStatus::Served => "Served. Enjoy!",
        OrderStatus::Cancelled => "This order was cancelled.",
    }
}
