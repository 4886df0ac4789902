//! Pieces of the queue page.

pub(crate) mod availability;
pub(crate) mod order_card;

pub(crate) use availability::AvailabilityPanel;
pub(crate) use order_card::OrderCard;
