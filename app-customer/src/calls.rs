//! The guest's calls for staff and for the bill, as a page knows them: from
//! the server's list, the answers to taps and the live stream, which may
//! arrive in any order. A call only goes from open to acknowledged, so a
//! copy that arrives late never undoes a newer one.

use shared::bar::{CallKind, TableCall};
use ui::format::age;

/// How long "A bartender is coming" stays under the buttons.
pub(crate) const ANSWERED_SHOWN_MS: f64 = 10.0 * 60.0 * 1000.0;

/// The calls the guest asked for.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Calls {
    list: Vec<TableCall>,
}

impl Calls {
    /// Takes in a call as the server had it; answers whether anything
    /// changed.
    pub(crate) fn take(&mut self, call: TableCall) -> bool {
        match self.list.iter_mut().find(|held| held.id == call.id) {
            Some(held) if !call.replaces(held) => return false,
            Some(held) => *held = call,
            None => self.list.push(call),
        }
        true
    }

    /// Takes in every call of a list (a reload), keeping whatever this page
    /// saw that is newer; answers whether anything changed.
    pub(crate) fn take_all(&mut self, calls: Vec<TableCall>) -> bool {
        // `|`, not `||`: every call is taken, whatever came before.
        calls
            .into_iter()
            .fold(false, |changed, call| self.take(call) | changed)
    }

    /// The guest's latest call of `kind` at `table`: the open one if there
    /// is one (a table has one of a kind at a time), else the last answered.
    pub(crate) fn latest(&self, table: &str, kind: CallKind) -> Option<&TableCall> {
        self.list
            .iter()
            .filter(|c| c.table == table && c.kind == kind)
            .max_by_key(|c| (c.is_open(), c.created_at.as_str()))
    }

    /// Whether the guest's call of `kind` at `table` waits for staff.
    pub(crate) fn is_open(&self, table: &str, kind: CallKind) -> bool {
        self.latest(table, kind).is_some_and(TableCall::is_open)
    }
}

/// The line for an open call asked `seconds` ago (`None`: not known).
pub(crate) fn waiting_text(kind: CallKind, seconds: Option<i64>) -> String {
    let what = match kind {
        CallKind::Staff => "Staff are on the way",
        CallKind::Bill => "The bill is on its way",
    };
    match seconds {
        None => what.to_owned(),
        Some(s) if s < 60 => format!("{what} — asked just now"),
        Some(s) => format!("{what} — asked {} ago", age(s)),
    }
}

/// The line once a member of staff has acknowledged the call.
pub(crate) fn answered_text(kind: CallKind) -> &'static str {
    match kind {
        CallKind::Staff => "A bartender is coming",
        CallKind::Bill => "A bartender is coming with the bill",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CallKind::{Bill, Staff};

    fn call(id: &str, table: &str, kind: CallKind, minute: u32, answered: bool) -> TableCall {
        TableCall {
            id: id.to_owned(),
            table: table.to_owned(),
            kind,
            customer_name: "Ada".to_owned(),
            created_at: format!("2026-12-06T21:{minute:02}:00.000Z"),
            acknowledged_at: answered.then(|| "2026-12-06T22:00:00.000Z".to_owned()),
            acknowledged_by: answered.then(|| "Sam".to_owned()),
        }
    }

    #[test]
    fn an_answered_call_is_never_reopened_by_a_late_copy() {
        let mut calls = Calls::default();
        assert!(calls.take(call("a", "7", Bill, 1, false)));
        assert!(calls.is_open("7", Bill));
        assert!(calls.take(call("a", "7", Bill, 1, true)));
        assert!(!calls.is_open("7", Bill));
        // The answer to the tap, or a reload from before, comes in late.
        assert!(!calls.take(call("a", "7", Bill, 1, false)));
        assert!(!calls.take_all(vec![call("a", "7", Bill, 1, false)]));
        assert!(!calls.is_open("7", Bill));
    }

    #[test]
    fn each_table_and_kind_has_its_own_latest_call() {
        let mut calls = Calls::default();
        calls.take_all(vec![
            call("a", "7", Staff, 1, true),
            call("b", "7", Staff, 5, false),
            call("c", "7", Bill, 2, true),
            call("d", "8", Bill, 3, false),
        ]);
        assert_eq!(calls.latest("7", Staff).unwrap().id, "b");
        assert!(calls.is_open("7", Staff));
        assert_eq!(calls.latest("7", Bill).unwrap().id, "c");
        assert!(!calls.is_open("7", Bill));
        assert!(calls.is_open("8", Bill));
        assert!(calls.latest("9", Staff).is_none());
        assert!(!calls.is_open("9", Staff));
    }

    #[test]
    fn the_lines_say_how_long_ago_the_guest_asked() {
        for (kind, seconds, text) in [
            (Staff, Some(5), "Staff are on the way — asked just now"),
            (Staff, Some(61), "Staff are on the way — asked 1 min ago"),
            (
                Bill,
                Some(3 * 60),
                "The bill is on its way — asked 3 min ago",
            ),
            (Bill, None, "The bill is on its way"),
        ] {
            assert_eq!(waiting_text(kind, seconds), text);
        }
        assert_eq!(answered_text(Staff), "A bartender is coming");
    }
}
