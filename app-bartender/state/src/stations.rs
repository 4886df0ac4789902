//! Which part of the bar this screen shows, remembered on this tablet
//! (`localStorage`, `taproom.bartender.station`): every order ("All"), one
//! station's lines still to make, or "Expo", whole orders with the
//! stations each still waits on.

use shared::bar::{Order, Station};

/// Where the choice is kept.
pub const STORAGE_KEY: &str = "taproom.bartender.station";

/// What the queue shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StationView {
    /// Every open order, whole.
    #[default]
    All,
    /// Whole orders, each with which stations are done and which it waits on.
    Expo,
    /// One station: only its lines, while they are still to make.
    Station(String),
}

impl StationView {
    /// As stored: `all`, `expo` or `station:<id>`.
    pub fn key(&self) -> String {
        match self {
            StationView::All => "all".to_owned(),
            StationView::Expo => "expo".to_owned(),
            StationView::Station(id) => format!("station:{id}"),
        }
    }

    /// Reads a stored choice; anything unknown is "All".
    pub fn parse(stored: &str) -> StationView {
        match stored.strip_prefix("station:") {
            _ if stored == "expo" => StationView::Expo,
            Some(id) if !id.is_empty() => StationView::Station(id.to_owned()),
            _ => StationView::All,
        }
    }

    /// This view if its station is one of `stations`, else "All" (a
    /// station deleted since, or a choice from another bar).
    pub fn known(self, stations: &[Station]) -> StationView {
        match self {
            StationView::Station(id) if !stations.iter().any(|s| s.id == id) => StationView::All,
            view => view,
        }
    }

    /// The station shown, if the view is one station.
    pub fn station_id(&self) -> Option<&str> {
        match self {
            StationView::Station(id) => Some(id),
            _ => None,
        }
    }
}

/// Whether a station's screen shows the order: it is open and has lines
/// there not yet marked ready.
pub fn shows_at(order: &Order, station_id: &str) -> bool {
    !order.status.is_final() && order.has_station(station_id) && !order.station_ready(station_id)
}

/// The other stations an order still waits on, for a station's ticket:
/// "Kitchen still preparing"; none when only this one is left.
pub fn others_waiting(order: &Order, station_id: &str) -> Option<String> {
    let mut waiting = order.stations_waiting();
    waiting.retain(|(id, _)| *id != station_id);
    let others: Vec<&str> = waiting.into_iter().map(|(_, name)| name).collect();
    (!others.is_empty()).then(|| format!("{} still preparing", others.join(", ")))
}

/// A station's chip on an expo ticket, in words and a sign (never colour
/// alone): "Bar ✓ ready", "Kitchen … waiting".
pub fn chip_text(name: &str, ready: bool) -> String {
    format!("{name} {}", if ready { "✓ ready" } else { "… waiting" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::tests::order_at;
    use shared::bar::OrderStatus::{Cancelled, Preparing};
    use StationView::{All, Expo};

    fn station(id: &str) -> Station {
        Station {
            id: id.to_owned(),
            name: id.to_owned(),
            position: 0,
        }
    }

    #[test]
    fn a_stored_choice_reads_back_and_an_unknown_one_is_all() {
        let at = |id: &str| StationView::Station(id.to_owned());
        for view in [All, Expo, at("kitchen")] {
            assert_eq!(StationView::parse(&view.key()), view);
        }
        assert_eq!(StationView::parse("station:"), All);
        assert_eq!(StationView::parse("terrace"), All);
        let stations = [station("bar"), station("kitchen")];
        assert_eq!(at("gone").known(&stations), All);
        assert_eq!(at("bar").known(&stations), at("bar"));
        assert_eq!(Expo.known(&[]), Expo);
    }

    #[test]
    fn a_station_shows_an_open_order_until_its_own_lines_are_ready() {
        let waiting = order_at("w", 1, Preparing, &[("bar", true), ("kitchen", false)]);
        assert!(!shows_at(&waiting, "bar"));
        assert!(shows_at(&waiting, "kitchen"));
        assert!(!shows_at(&waiting, "terrace"));
        let hint = others_waiting(&waiting, "bar");
        assert_eq!(hint.as_deref(), Some("Kitchen still preparing"));
        assert_eq!(others_waiting(&waiting, "kitchen"), None);
        let cancelled = order_at("c", 2, Cancelled, &[("kitchen", false)]);
        assert!(!shows_at(&cancelled, "kitchen"));
    }

    #[test]
    fn chips_say_ready_or_waiting_in_words() {
        assert_eq!(chip_text("Bar", true), "Bar ✓ ready");
        assert_eq!(chip_text("Kitchen", false), "Kitchen … waiting");
    }
}
