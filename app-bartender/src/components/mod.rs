//! Pieces of the queue page.

pub(crate) mod availability;
pub(crate) mod order_card;
pub(crate) mod recall;
pub(crate) mod table_calls;

pub(crate) use availability::AvailabilityPanel;
pub(crate) use order_card::OrderCard;
pub(crate) use recall::RecallPanel;
pub(crate) use table_calls::TableCalls;
