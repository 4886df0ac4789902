//! The bar's settings: for now the ticket timers, after which a ticket on
//! the bartender's board turns amber, then red. Staff read them; admins
//! change them, and every open bartender screen hears of the change live.
//!
//! Nothing is cached here: each read asks the database, so every instance
//! sharing a PostgreSQL database answers the same, and the change's event
//! reaches the streams of all of them like any other event.

use std::sync::Arc;

use shared::bar::{BarSettings, TicketTimers};
use shared::events::StreamEvent;
use shared::validate;

use crate::clock::Clock;
use crate::db::events::NewEvent;
use crate::db::settings::{self as store, SettingsRow};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::services::events::EventHub;

/// The settings service.
pub struct BarSettingsService {
    db: Db,
    clock: Arc<dyn Clock>,
    hub: Arc<EventHub>,
}

impl BarSettingsService {
    /// Builds the service.
    pub fn new(db: Db, clock: Arc<dyn Clock>, hub: Arc<EventHub>) -> BarSettingsService {
        BarSettingsService { db, clock, hub }
    }

    /// The settings now: the stored ones, or the defaults before any change.
    pub async fn get(&self) -> AppResult<BarSettings> {
        let row = store::get(&self.db).await?;
        Ok(BarSettings {
            ticket_timers: row.map_or_else(TicketTimers::default, |row| timers(&row)),
        })
    }

    /// Sets the ticket timers (checked by `validate::ticket_timers`) and
    /// tells staff streams; answers the settings as they are now.
    pub async fn set_timers(&self, timers: TicketTimers) -> AppResult<BarSettings> {
        let timers = validate::ticket_timers(timers).map_err(AppError::Validation)?;
        let settings = BarSettings {
            ticket_timers: timers,
        };
        let payload = serde_json::to_string(&settings)
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("encoding settings")))?;
        let row = SettingsRow {
            amber_after_secs: i64::from(timers.amber_after_secs),
            red_after_secs: i64::from(timers.red_after_secs),
            updated_at: self.clock.now_ms(),
        };
        // Staff only: `services::events::visible_to` decides by the kind.
        let event = NewEvent {
            kind: StreamEvent::BarSettings,
            customer_id: None,
            payload,
        };
        store::set_timers(&self.db, &row, &event).await?;
        self.hub.poke();
        Ok(settings)
    }
}

/// The timers of a stored row. The table's checks keep them in range; a
/// row that still cannot be read (an edit by hand that dropped the checks)
/// is logged and the defaults apply, rather than every read failing.
fn timers(row: &SettingsRow) -> TicketTimers {
    let read = u32::try_from(row.amber_after_secs)
        .ok()
        .zip(u32::try_from(row.red_after_secs).ok())
        .map(|(amber_after_secs, red_after_secs)| TicketTimers {
            amber_after_secs,
            red_after_secs,
        })
        .and_then(|t| validate::ticket_timers(t).ok());
    read.unwrap_or_else(|| {
        tracing::warn!(
            amber_after_secs = row.amber_after_secs,
            red_after_secs = row.red_after_secs,
            "unusable ticket timers in the database; the defaults apply"
        );
        TicketTimers::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(amber: i64, red: i64) -> SettingsRow {
        SettingsRow {
            amber_after_secs: amber,
            red_after_secs: red,
            updated_at: 0,
        }
    }

    #[test]
    fn stored_timers_are_read_and_unusable_ones_fall_back_to_the_defaults() {
        assert_eq!(
            timers(&row(60, 120)),
            TicketTimers {
                amber_after_secs: 60,
                red_after_secs: 120
            }
        );
        for (amber, red) in [(-1, 600), (300, i64::MAX), (600, 300), (10, 20)] {
            assert_eq!(timers(&row(amber, red)), TicketTimers::default());
        }
    }
}
