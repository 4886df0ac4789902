//! Which part of the bar this screen shows, remembered on this tablet
//! (`localStorage`, `taproom.bartender.station`): every order ("All"), one
//! station's lines still to make, or "Expo", whole orders with the
//! stations each still waits on.

use shared::bar::{Order, Station};

/// Where the choice is kept.
const STORAGE_KEY: &str = "taproom.bartender.station";

/// What the queue shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum StationView {
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
    pub(crate) fn key(&self) -> String {
        match self {
            StationView::All => "all".to_owned(),
            StationView::Expo => "expo".to_owned(),
            StationView::Station(id) => format!("station:{id}"),
        }
    }

    /// Reads a stored choice; anything unknown is "All".
    #[cfg_attr(
        not(any(target_arch = "wasm32", test)),
        expect(dead_code, reason = "only the browser stores a choice")
    )]
    pub(crate) fn parse(stored: &str) -> StationView {
        match stored {
            "expo" => StationView::Expo,
            other => match other.strip_prefix("station:") {
                Some(id) if !id.is_empty() => StationView::Station(id.to_owned()),
                _ => StationView::All,
            },
        }
    }

    /// This view if its station is one of `stations`, else "All" (a
    /// station deleted since, or a choice from another bar).
    pub(crate) fn known(self, stations: &[Station]) -> StationView {
        let gone = matches!(
            &self,
            StationView::Station(id) if !stations.iter().any(|s| &s.id == id)
        );
        if gone {
            StationView::All
        } else {
            self
        }
    }

    /// The station shown, if the view is one station.
    pub(crate) fn station_id(&self) -> Option<&str> {
        match self {
            StationView::Station(id) => Some(id),
            _ => None,
        }
    }
}

/// Whether a station's screen shows the order: it is open and has lines
/// there not yet marked ready.
pub(crate) fn shows_at(order: &Order, station_id: &str) -> bool {
    !order.status.is_final() && order.has_station(station_id) && !order.station_ready(station_id)
}

/// The other stations an order still waits on, for a station's ticket:
/// "Kitchen still preparing"; none when only this one is left.
pub(crate) fn others_waiting(order: &Order, station_id: &str) -> Option<String> {
    let others: Vec<&str> = order
        .stations_waiting()
        .into_iter()
        .filter(|(id, _)| *id != station_id)
        .map(|(_, name)| name)
        .collect();
    (!others.is_empty()).then(|| format!("{} still preparing", others.join(", ")))
}

/// A station's chip on an expo ticket, in words and a sign (never colour
/// alone): "Bar ✓ ready", "Kitchen … waiting".
pub(crate) fn chip_text(name: &str, ready: bool) -> String {
    if ready {
        format!("{name} ✓ ready")
    } else {
        format!("{name} … waiting")
    }
}

/// The view chosen on this tablet, "All" if none.
pub(crate) fn stored_view() -> StationView {
    #[cfg(target_arch = "wasm32")]
    {
        shared::session::browser::LocalStorage::get_raw(STORAGE_KEY)
            .map(|v| StationView::parse(&v))
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        StationView::All
    }
}

/// Remembers the view on this tablet.
pub(crate) fn store_view(view: &StationView) {
    #[cfg(target_arch = "wasm32")]
    {
        if shared::session::browser::LocalStorage::set_raw(STORAGE_KEY, &view.key()).is_err() {
            // The choice still holds for this visit; it is just not remembered.
            leptos::logging::warn!("could not remember the station of this screen");
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _unused = (view, STORAGE_KEY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::bar::{OrderLine, OrderStatus};

    fn line(name: &str, station: (&str, &str), ready: bool) -> OrderLine {
        OrderLine {
            item_id: name.to_lowercase(),
            name: name.to_owned(),
            unit_price_cents: 500,
            quantity: 1,
            line_total_cents: 500,
            station_id: station.0.to_owned(),
            station_name: station.1.to_owned(),
            ready,
            ..OrderLine::default()
        }
    }

    fn order(status: OrderStatus, lines: Vec<OrderLine>) -> Order {
        Order {
            id: "o".to_owned(),
            number: 1,
            status,
            version: 1,
            lines,
            ..Order::default()
        }
    }

    const BAR: (&str, &str) = ("bar", "Bar");
    const KITCHEN: (&str, &str) = ("kitchen", "Kitchen");

    fn station(id: &str) -> Station {
        Station {
            id: id.to_owned(),
            name: id.to_owned(),
            position: 0,
        }
    }

    #[test]
    fn a_stored_choice_reads_back_and_an_unknown_one_is_all() {
        for view in [
            StationView::All,
            StationView::Expo,
            StationView::Station("kitchen".to_owned()),
        ] {
            assert_eq!(StationView::parse(&view.key()), view);
        }
        assert_eq!(StationView::parse("station:"), StationView::All);
        assert_eq!(StationView::parse("terrace"), StationView::All);
        let stations = [station("bar"), station("kitchen")];
        assert_eq!(
            StationView::Station("gone".to_owned()).known(&stations),
            StationView::All
        );
        assert_eq!(
            StationView::Station("bar".to_owned()).known(&stations),
            StationView::Station("bar".to_owned())
        );
        assert_eq!(StationView::Expo.known(&[]), StationView::Expo);
    }

    #[test]
    fn a_station_shows_an_open_order_until_its_own_lines_are_ready() {
        let waiting = order(
            OrderStatus::Preparing,
            vec![line("Lager", BAR, true), line("Nachos", KITCHEN, false)],
        );
        assert!(!shows_at(&waiting, "bar"));
        assert!(shows_at(&waiting, "kitchen"));
        assert!(!shows_at(&waiting, "terrace"));
        assert_eq!(
            others_waiting(&waiting, "bar").as_deref(),
            Some("Kitchen still preparing")
        );
        assert_eq!(others_waiting(&waiting, "kitchen"), None);
        let cancelled = order(OrderStatus::Cancelled, vec![line("Nachos", KITCHEN, false)]);
        assert!(!shows_at(&cancelled, "kitchen"));
    }

    #[test]
    fn chips_say_ready_or_waiting_in_words() {
        assert_eq!(chip_text("Bar", true), "Bar ✓ ready");
        assert_eq!(chip_text("Kitchen", false), "Kitchen … waiting");
    }
}
