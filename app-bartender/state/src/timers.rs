//! Ticket timers on the board: how long an order not yet ready has waited
//! since it was received, against the thresholds the admin set, as a stage
//! said three ways besides colour (a word beside the age, an icon, and the
//! card's border), so nobody needs to tell amber from red.

use shared::bar::{OrderStatus, TicketTimers};
use ui::format::age;

/// How late a ticket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketStage {
    /// Younger than the amber threshold.
    Fresh,
    /// At or past amber, not yet red.
    Waiting,
    /// At or past red.
    Late,
}

impl TicketStage {
    /// The stage's name, for `data-stage` and the style rules.
    pub fn as_str(self) -> &'static str {
        match self {
            TicketStage::Fresh => "fresh",
            TicketStage::Waiting => "waiting",
            TicketStage::Late => "late",
        }
    }

    /// The word beside the age; a fresh ticket needs none.
    pub fn label(self) -> Option<&'static str> {
        match self {
            TicketStage::Fresh => None,
            TicketStage::Waiting => Some("Waiting"),
            TicketStage::Late => Some("Late"),
        }
    }

    /// The icon in front of the age (hidden from screen readers, which
    /// read the word).
    pub fn icon(self) -> Option<&'static str> {
        match self {
            TicketStage::Fresh => None,
            TicketStage::Waiting => Some("◑"),
            TicketStage::Late => Some("‼"),
        }
    }
}

/// The stage of an order in `status` that has waited `waited_secs` since it
/// was received. Only orders still to be made have one: once ready, the
/// wait the timers measure is over.
pub fn ticket_stage(
    status: OrderStatus,
    waited_secs: i64,
    timers: TicketTimers,
) -> Option<TicketStage> {
    if !matches!(status, OrderStatus::Received | OrderStatus::Preparing) {
        return None;
    }
    Some(if waited_secs >= i64::from(timers.red_after_secs) {
        TicketStage::Late
    } else if waited_secs >= i64::from(timers.amber_after_secs) {
        TicketStage::Waiting
    } else {
        TicketStage::Fresh
    })
}

/// The age as the card shows it: `"3 min"`, `"Waiting · 6 min"`,
/// `"Late · 12 min"`.
pub fn age_text(stage: Option<TicketStage>, waited_secs: i64) -> String {
    let waited = age(waited_secs);
    match stage.and_then(TicketStage::label) {
        Some(label) => format!("{label} · {waited}"),
        None => waited,
    }
}

/// A threshold for people: `"5 min"`, `"1 min 30 s"`, `"1 h 30 min"`.
pub fn threshold_text(secs: u32) -> String {
    let (hours, minutes, seconds) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (hours, seconds) {
        (0, 0) => format!("{minutes} min"),
        (0, _) => format!("{minutes} min {seconds} s"),
        (_, 0) if minutes == 0 => format!("{hours} h"),
        (_, 0) => format!("{hours} h {minutes} min"),
        _ => format!("{hours} h {minutes} min {seconds} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::bar::OrderStatus::*;
    use TicketStage::*;

    const FIVE_AND_TEN: TicketTimers = TicketTimers {
        amber_after_secs: 300,
        red_after_secs: 600,
    };

    #[test]
    fn a_ticket_turns_waiting_at_amber_and_late_at_red() {
        let stage = |secs| ticket_stage(Received, secs, FIVE_AND_TEN);
        assert_eq!(stage(0), Some(Fresh));
        assert_eq!(stage(299), Some(Fresh));
        assert_eq!(stage(300), Some(Waiting));
        assert_eq!(stage(599), Some(Waiting));
        assert_eq!(stage(600), Some(Late));
        assert_eq!(stage(86_400), Some(Late));
        // A browser clock a little behind the server's.
        assert_eq!(stage(-30), Some(Fresh));
        assert_eq!(ticket_stage(Preparing, 450, FIVE_AND_TEN), Some(Waiting));
    }

    #[test]
    fn only_orders_still_to_be_made_have_a_stage() {
        for status in [Ready, Served, Cancelled] {
            assert_eq!(ticket_stage(status, 10_000, FIVE_AND_TEN), None);
        }
    }

    #[test]
    fn the_thresholds_are_the_admins() {
        let short = TicketTimers {
            amber_after_secs: 60,
            red_after_secs: 120,
        };
        assert_eq!(ticket_stage(Received, 59, short), Some(Fresh));
        assert_eq!(ticket_stage(Received, 61, short), Some(Waiting));
        assert_eq!(ticket_stage(Received, 120, short), Some(Late));
    }

    #[test]
    fn the_age_says_the_stage_in_words() {
        assert_eq!(age_text(Some(Fresh), 20), "just now");
        assert_eq!(age_text(Some(Fresh), 200), "3 min");
        assert_eq!(age_text(Some(Waiting), 6 * 60 + 5), "Waiting · 6 min");
        assert_eq!(age_text(Some(Late), 12 * 60), "Late · 12 min");
        assert_eq!(age_text(None, 12 * 60), "12 min");
        assert_eq!(Late.as_str(), "late");
        for stage in [Waiting, Late] {
            assert!(stage.label().is_some() && stage.icon().is_some());
        }
        assert_eq!(Fresh.label(), None);
    }

    #[test]
    fn thresholds_read_in_minutes() {
        assert_eq!(threshold_text(300), "5 min");
        assert_eq!(threshold_text(60), "1 min");
        assert_eq!(threshold_text(90), "1 min 30 s");
        assert_eq!(threshold_text(3600), "1 h");
        assert_eq!(threshold_text(5400), "1 h 30 min");
        assert_eq!(threshold_text(86_400), "24 h");
        assert_eq!(threshold_text(3661), "1 h 1 min 1 s");
    }
}
