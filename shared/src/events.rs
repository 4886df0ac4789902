//! The named events of the live stream (`GET /api/events`), one list for
//! the server that sends them and the clients that listen.

/// A server-sent event's name (its `event:` field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StreamEvent {
    /// An order was placed or changed (data: the order).
    Order,
    /// A menu item was added, changed or removed (data: the change).
    MenuItem,
    /// An admin changed the bar's settings, such as the ticket timers
    /// (data: the settings as they are now; staff only).
    BarSettings,
    /// A guest called staff or asked for the bill, or staff acknowledged
    /// it (data: the call, as its audience may see it).
    TableCall,
    /// Staff closed a tab as paid (data: the tab; its guest and staff).
    /// Orders joining a tab or cancelled on it come as `order` events
    /// naming the tab, and the apps read the tab again.
    Tab,
    /// The user signed in on a device new to them (data: the alert).
    NewSignIn,
    /// Caught up after a replay; live from here (data: the cursor).
    Ready,
    /// The cursor cannot be replayed; load afresh (data: the cursor).
    Reset,
    /// The stream's session has ended; no more events follow.
    SessionEnded,
}

impl StreamEvent {
    /// Every event, for a client that listens to them all.
    pub const ALL: [StreamEvent; 9] = [
        StreamEvent::Order,
        StreamEvent::MenuItem,
        StreamEvent::BarSettings,
        StreamEvent::TableCall,
        StreamEvent::Tab,
        StreamEvent::NewSignIn,
        StreamEvent::Ready,
        StreamEvent::Reset,
        StreamEvent::SessionEnded,
    ];

    /// The name on the wire (and, for stored events, in the database).
    pub const fn as_str(self) -> &'static str {
        match self {
            StreamEvent::Order => "order",
            StreamEvent::MenuItem => "menu_item",
            StreamEvent::BarSettings => "bar_settings",
            StreamEvent::TableCall => "table_call",
            StreamEvent::Tab => "tab",
            StreamEvent::NewSignIn => "new_sign_in",
            StreamEvent::Ready => "ready",
            StreamEvent::Reset => "reset",
            StreamEvent::SessionEnded => "session_ended",
        }
    }

    /// The event of a wire name.
    pub fn parse(name: &str) -> Option<StreamEvent> {
        StreamEvent::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for event in StreamEvent::ALL {
            assert_eq!(StreamEvent::parse(event.as_str()), Some(event));
        }
        let mut names: Vec<_> = StreamEvent::ALL.iter().map(|e| e.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), StreamEvent::ALL.len());
        assert_eq!(StreamEvent::parse("orders"), None);
    }
}
