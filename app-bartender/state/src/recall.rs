//! The bumps this screen made lately, which a tap can take back: the last
//! few, newest first, each for as long as the server allows a recall
//! ([`RECALL_WINDOW_SECS`]). Kept in the page's memory only: a bump made on
//! another tablet is that tablet's to recall, and a reload starts afresh.
//!
//! A bump can be recalled only while the order is still as the bump left
//! it, so an entry goes as soon as a newer version of its order arrives,
//! from anywhere (another tablet, the guest cancelling, a recall).

use shared::bar::{Order, OrderStatus, RECALL_WINDOW_SECS};

/// Most bumps offered for recall at once.
pub const RECALL_MAX: usize = 5;

/// How long a bump can be recalled, in milliseconds of the browser's clock
/// (counted from when its answer arrived, a moment after the server's
/// change: the server has the last word at the very edge).
pub const RECALL_WINDOW_MS: f64 = RECALL_WINDOW_SECS as f64 * 1000.0;

/// One bump made from this screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Bump {
    pub order_id: String,
    /// The order's number, for people ("Order 42").
    pub number: i64,
    pub table: String,
    /// The status before the bump: where a recall takes the order back to.
    pub from: OrderStatus,
    /// The status the bump moved it to.
    pub to: OrderStatus,
    /// The version the bump answered with: the one a recall names.
    pub version: i64,
    /// When the answer arrived, in the browser's milliseconds since 1970.
    pub at_ms: f64,
    /// For a station's bump (its lines marked ready), the station's id and
    /// name: a recall takes back only that station's mark.
    pub station: Option<(String, String)>,
}

impl Bump {
    /// The bump that moved an order from `from` to `order`, the server's
    /// answer, which arrived at `at_ms`; for a station's bump, the station
    /// (id, name) that marked its lines ready.
    pub fn new(
        from: OrderStatus,
        order: &Order,
        station: Option<(String, String)>,
        at_ms: f64,
    ) -> Bump {
        Bump {
            order_id: order.id.clone(),
            number: order.number,
            table: order.table.clone(),
            from,
            to: order.status,
            version: order.version,
            at_ms,
            station,
        }
    }

    /// The station a recall names, for a station's bump.
    pub fn station_id(&self) -> Option<&str> {
        self.station.as_ref().map(|(id, _)| id.as_str())
    }

    /// What a recall does, in words: `"Ready → Preparing"`, or for a
    /// station's bump `"Kitchen: ready → not ready"`.
    pub fn undo_text(&self) -> String {
        match &self.station {
            Some((_, name)) => format!("{name}: ready → not ready"),
            None => format!("{} → {}", self.to.label(), self.from.label()),
        }
    }

    /// The row's line: `"Order 42 · table 7 · Ready → Preparing"`.
    pub fn line(&self) -> String {
        let undo = self.undo_text();
        format!("Order {} · table {} · {undo}", self.number, self.table)
    }

    /// Whether the window to recall it has passed at `now_ms`.
    pub fn expired(&self, now_ms: f64) -> bool {
        now_ms - self.at_ms >= RECALL_WINDOW_MS
    }
}

/// The bumps that can still be recalled, newest first, at most
/// [`RECALL_MAX`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recalls {
    bumps: Vec<Bump>,
}

impl Recalls {
    /// Takes in a bump just made. It goes first; the order's earlier bump
    /// goes (its version is past), and so do expired bumps and the oldest
    /// beyond [`RECALL_MAX`]. A bump older than one held for its order
    /// (answers can arrive out of order) is not taken.
    pub fn push(&mut self, bump: Bump) {
        let newer = |b: &Bump| b.order_id == bump.order_id && b.version >= bump.version;
        if self.bumps.iter().any(newer) {
            return;
        }
        self.drop_where(|b| b.order_id == bump.order_id || b.expired(bump.at_ms));
        self.bumps.insert(0, bump);
        self.bumps.truncate(RECALL_MAX);
    }

    /// An order as the server now has it (a live event, an answer, a
    /// reload): its bumps of an older version can no longer be recalled.
    /// Answers whether any went.
    pub fn seen(&mut self, order_id: &str, version: i64) -> bool {
        self.drop_where(|b| b.order_id == order_id && b.version < version)
    }

    /// Forgets one bump (recalled, or refused by the server). Answers
    /// whether it was there.
    pub fn remove(&mut self, order_id: &str, version: i64) -> bool {
        self.drop_where(|b| b.order_id == order_id && b.version == version)
    }

    /// Forgets the bumps whose window has passed at `now_ms`. Answers
    /// whether any went.
    pub fn prune(&mut self, now_ms: f64) -> bool {
        self.drop_where(|b| b.expired(now_ms))
    }

    /// Forgets the bumps `gone` picks. Answers whether any went.
    fn drop_where(&mut self, gone: impl Fn(&Bump) -> bool) -> bool {
        let before = self.bumps.len();
        self.bumps.retain(|b| !gone(b));
        self.bumps.len() != before
    }

    /// The bumps that can still be recalled at `now_ms`, newest first.
    pub fn current(&self, now_ms: f64) -> Vec<Bump> {
        let live = self.bumps.iter().filter(|b| !b.expired(now_ms));
        live.cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::tests::order;
    use shared::bar::OrderStatus::*;

    const MINUTE: f64 = 60_000.0;

    /// The bump of order `id` from `from` to its next status, answered
    /// with `version` at `at_ms`.
    fn bump(id: &str, from: OrderStatus, version: i64, at_ms: f64) -> Bump {
        let number: i64 = id.bytes().map(i64::from).sum();
        let answer = order(id, number, from.next().unwrap(), version);
        Bump::new(from, &answer, None, at_ms)
    }

    /// The bumps shown at `now_ms`, as `"<order id> v<version>"`.
    fn shown(recalls: &Recalls, now_ms: f64) -> Vec<String> {
        let text = |b: Bump| format!("{} v{}", b.order_id, b.version);
        recalls.current(now_ms).into_iter().map(text).collect()
    }

    #[test]
    fn a_bump_reads_as_what_its_recall_does() {
        let ready = Bump::new(Preparing, &order("a", 42, Ready, 3), None, 0.0);
        assert_eq!(ready.undo_text(), "Ready → Preparing");
        assert_eq!(ready.line(), "Order 42 · table 7 · Ready → Preparing");
        assert_eq!(ready.from.next(), Some(ready.to));
        assert_eq!(ready.to.previous(), Some(ready.from));
        let served = Bump::new(Ready, &order("a", 42, Served, 4), None, 0.0);
        assert_eq!(served.undo_text(), "Served → Ready");
    }

    #[test]
    fn bumps_come_newest_first_and_only_the_last_five_are_kept() {
        let mut recalls = Recalls::default();
        for (i, id) in ["a", "b", "c", "d", "e", "f"].into_iter().enumerate() {
            recalls.push(bump(id, Received, 2, i as f64 * 1000.0));
        }
        let kept = shown(&recalls, 6000.0);
        assert_eq!(kept, ["f v2", "e v2", "d v2", "c v2", "b v2"]);
    }

    #[test]
    fn a_new_bump_of_an_order_replaces_its_earlier_one() {
        let mut recalls = Recalls::default();
        recalls.push(bump("a", Received, 2, 0.0));
        recalls.push(bump("b", Received, 2, 1000.0));
        recalls.push(bump("a", Preparing, 3, 2000.0));
        assert_eq!(shown(&recalls, 3000.0), ["a v3", "b v2"]);
        // An answer that arrives after a newer one is not taken.
        recalls.push(bump("a", Received, 2, 4000.0));
        assert_eq!(shown(&recalls, 5000.0), ["a v3", "b v2"]);
    }

    #[test]
    fn bumps_expire_after_the_window() {
        let mut recalls = Recalls::default();
        recalls.push(bump("a", Received, 2, 0.0));
        recalls.push(bump("b", Preparing, 3, 2.0 * MINUTE));
        assert_eq!(shown(&recalls, 4.0 * MINUTE).len(), 2);
        let later = shown(&recalls, 5.0 * MINUTE);
        assert_eq!(later, ["b v3"], "five minutes on, the first is gone");
        assert!(shown(&recalls, 7.0 * MINUTE).is_empty());
        assert!(recalls.prune(5.5 * MINUTE));
        assert!(!recalls.prune(5.5 * MINUTE), "nothing more to drop");
        assert_eq!(shown(&recalls, 5.5 * MINUTE), ["b v3"]);
        // A new bump drops the expired ones too.
        recalls.push(bump("c", Received, 2, 8.0 * MINUTE));
        assert_eq!(shown(&recalls, 0.0), ["c v2"]);
    }

    #[test]
    fn a_newer_version_of_the_order_from_anywhere_drops_its_bump() {
        let mut recalls = Recalls::default();
        recalls.push(bump("a", Preparing, 3, 0.0));
        recalls.push(bump("b", Received, 2, 0.0));
        // The bump's own answer or its live event: the same version.
        assert!(!recalls.seen("a", 3));
        assert!(!recalls.seen("a", 2), "an older copy changes nothing");
        assert_eq!(shown(&recalls, 0.0).len(), 2);
        // Someone moved it on, cancelled it, or recalled it.
        assert!(recalls.seen("a", 4));
        assert_eq!(shown(&recalls, 0.0), ["b v2"]);
    }

    #[test]
    fn a_recalled_or_refused_bump_is_forgotten() {
        let mut recalls = Recalls::default();
        recalls.push(bump("a", Ready, 4, 0.0));
        assert!(!recalls.remove("a", 3), "another version");
        assert!(recalls.remove("a", 4));
        assert!(shown(&recalls, 0.0).is_empty());
    }

    #[test]
    fn a_stations_bump_says_it_takes_back_only_that_stations_mark() {
        let order = order("a", 42, Preparing, 2);
        let station = Some(("k".to_owned(), "Kitchen".to_owned()));
        let bump = Bump::new(Received, &order, station, 0.0);
        assert_eq!(bump.station_id(), Some("k"));
        assert_eq!(bump.undo_text(), "Kitchen: ready → not ready");
        let line = "Order 42 · table 7 · Kitchen: ready → not ready";
        assert_eq!(bump.line(), line);
        assert_eq!(Bump::new(Received, &order, None, 0.0).station_id(), None);
    }
}
