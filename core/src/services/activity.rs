//! The security activity log, and the alert when someone signs in from a
//! new device.
//!
//! Entries record what happened to an account (sign-ins with device,
//! address and app; sign-outs; revocations; password changes; failures and
//! locks; re-authentication), never a token or a password. Writing one
//! never fails the action it records: a failed write is logged and the
//! action goes on. Refreshes write nothing.
//!
//! A sign-in from a device and network the user has not signed in from in
//! [`NEW_DEVICE_WINDOW_MS`] (when they have signed in from anything else in
//! that time) is a new device: it is logged as such and, through the event
//! stream, every other open session of the user hears of it at once, on
//! any instance.

use std::borrow::Cow;
use std::sync::Arc;

use shared::api::ClientApp;
use shared::security::{
    ActivityEntry, ActivityKind, ActivityPage, AdminActivityEntry, AdminActivityPage, NewSignIn,
};

use crate::clock::{rfc3339, Clock};
pub use crate::db::activity::AskingSession;
use crate::db::activity::{self as store, ActivityFilter, ActivityRow, NewActivity};
use crate::db::events::{self as events_store, NewEvent};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::services::events::EventHub;

/// How far back a sign-in counts as "this device and network was used".
pub const NEW_DEVICE_WINDOW_MS: i64 = 90 * 86_400_000;

/// Most entries one page shows.
pub const PAGE_MAX: i64 = 100;

/// Most rows a CSV export holds.
pub const EXPORT_MAX: i64 = 50_000;

/// Who and where, as far as an entry says.
#[derive(Debug, Clone, Default)]
pub struct Origin<'a> {
    pub session_id: Option<&'a str>,
    pub ip_address: Option<&'a str>,
    pub device: Option<Cow<'a, str>>,
    pub client_app: Option<ClientApp>,
}

/// The activity log service.
pub struct ActivityLog {
    db: Db,
    clock: Arc<dyn Clock>,
    hub: Arc<EventHub>,
}

/// Filters of the admin's log.
#[derive(Debug, Clone, Default)]
pub struct AdminFilter {
    pub user_id: Option<String>,
    pub kind: Option<ActivityKind>,
    /// Unix ms, inclusive.
    pub from: Option<i64>,
    /// Unix ms, exclusive.
    pub to: Option<i64>,
}

impl ActivityLog {
    /// Builds the service.
    pub fn new(db: Db, clock: Arc<dyn Clock>, hub: Arc<EventHub>) -> ActivityLog {
        ActivityLog { db, clock, hub }
    }

    /// Writes an entry; a failure is logged, never passed on. Answers the
    /// entry's id when it was written.
    pub async fn record(
        &self,
        user_id: &str,
        kind: ActivityKind,
        origin: &Origin<'_>,
        detail: Option<&str>,
    ) -> Option<i64> {
        self.write(user_id, kind, origin, detail, false).await
    }

    async fn write(
        &self,
        user_id: &str,
        kind: ActivityKind,
        origin: &Origin<'_>,
        detail: Option<&str>,
        announced: bool,
    ) -> Option<i64> {
        let network = origin.ip_address.and_then(network_of);
        let new = NewActivity {
            user_id,
            kind: kind.as_str(),
            now: self.clock.now_ms(),
            session_id: origin.session_id,
            ip_address: origin.ip_address,
            network: network.as_deref(),
            device: origin.device.as_deref(),
            client_app: origin.client_app.map(ClientApp::as_str),
            detail,
            announced,
        };
        match store::insert(&self.db, &new).await {
            Ok(id) => Some(id),
            Err(e) => {
                tracing::error!(error = %e, kind = %kind, "could not write to the activity log");
                None
            }
        }
    }

    /// Records a sign-in and, from a new device and network, the alert.
    pub async fn signed_in(&self, user_id: &str, origin: &Origin<'_>) {
        let Some(session_id) = origin.session_id else {
            return;
        };
        let device = origin.device.as_deref().unwrap_or("Unknown device");
        let network = origin.ip_address.and_then(network_of);
        let since = self.clock.now_ms() - NEW_DEVICE_WINDOW_MS;
        // Looked up before this sign-in is written, so it does not count.
        let prior = store::prior_sign_ins(
            &self.db,
            user_id,
            device,
            network.as_deref(),
            since,
            session_id,
        )
        .await;
        self.record(user_id, ActivityKind::SignedIn, origin, None)
            .await;
        match prior {
            Ok(prior) if prior.any && !prior.this_device => {
                self.new_device(user_id, session_id, device, network, origin)
                    .await;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "could not check a sign-in against known devices");
            }
        }
    }

    async fn new_device(
        &self,
        user_id: &str,
        session_id: &str,
        device: &str,
        network: Option<String>,
        origin: &Origin<'_>,
    ) {
        // With another session open the user hears of it at once; with
        // none, the next sign-in elsewhere shows it instead.
        let others =
            store::other_active_sessions(&self.db, user_id, session_id, self.clock.now_ms())
                .await
                .unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "could not count a user's open sessions");
                    0
                });
        let Some(id) = self
            .write(user_id, ActivityKind::NewDevice, origin, None, others > 0)
            .await
        else {
            return;
        };
        let alert = NewSignIn {
            id,
            session_id: session_id.to_owned(),
            device: device.to_owned(),
            client_app: origin.client_app,
            at: rfc3339(self.clock.now_ms()),
            network,
            active: true,
        };
        let payload = match serde_json::to_string(&alert) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "could not encode a new-device alert");
                return;
            }
        };
        let event = NewEvent {
            kind: shared::events::StreamEvent::NewSignIn,
            customer_id: Some(user_id),
            payload,
        };
        match events_store::insert(&self.db, &event, self.clock.now_ms()).await {
            Ok(_) => self.hub.poke(),
            Err(e) => tracing::error!(error = %e, "could not send a new-device alert"),
        }
    }

    /// A user's own entries, newest first, older than `before`.
    pub async fn for_user(
        &self,
        user_id: &str,
        before: Option<i64>,
        limit: Option<i64>,
    ) -> AppResult<ActivityPage> {
        let limit = page_size(limit)?;
        let rows = store::for_user(&self.db, user_id, before, limit + 1).await?;
        let (rows, next_before) = split_page(rows, limit, |r| r.id);
        Ok(ActivityPage {
            entries: rows.into_iter().map(entry).collect(),
            next_before,
        })
    }

    /// New-device sign-ins that happened while none of the user's sessions
    /// was open to hear of them, and that nobody answered: shown at the next
    /// sign-in ("while you were away"), but not to the session it was
    /// about, nor to one on that same device and network.
    pub async fn waiting_alerts(
        &self,
        user_id: &str,
        asking: &AskingSession<'_>,
    ) -> AppResult<Vec<NewSignIn>> {
        let now = self.clock.now_ms();
        let rows =
            store::waiting_alerts(&self.db, user_id, now - NEW_DEVICE_WINDOW_MS, now, asking)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(r, active)| NewSignIn {
                id: r.id,
                session_id: r.session_id.unwrap_or_default(),
                device: r.device.unwrap_or_else(|| "Unknown device".to_owned()),
                client_app: r.client_app.as_deref().and_then(ClientApp::parse),
                at: rfc3339(r.created_at),
                network: r.network,
                active,
            })
            .collect())
    }

    /// The owner answered a new-device alert.
    pub async fn dismiss(&self, user_id: &str, id: i64) -> AppResult<()> {
        if store::acknowledge(&self.db, user_id, id, self.clock.now_ms()).await? {
            Ok(())
        } else {
            Err(AppError::NotFound(
                "No alert of yours has this id.".to_owned(),
            ))
        }
    }

    /// The alerts about a session are answered: it was signed out.
    pub async fn session_signed_out(&self, user_id: &str, session_id: &str) {
        if let Err(e) =
            store::acknowledge_session(&self.db, user_id, session_id, self.clock.now_ms()).await
        {
            tracing::warn!(error = %e, "could not close the alerts of a signed-out session");
        }
    }

    /// The admin's log over every user.
    pub async fn search(
        &self,
        filter: &AdminFilter,
        before: Option<i64>,
        limit: Option<i64>,
    ) -> AppResult<AdminActivityPage> {
        let limit = page_size(limit)?;
        let rows = store::search(&self.db, &db_filter(filter, before, limit + 1)).await?;
        let (rows, next_before) = split_page(rows, limit, |r| r.entry.id);
        Ok(AdminActivityPage {
            entries: rows
                .into_iter()
                .map(|r| AdminActivityEntry {
                    user_id: r.entry.user_id.clone(),
                    user_email: r.user_email,
                    user_name: r.user_name,
                    entry: entry(r.entry),
                })
                .collect(),
            next_before,
        })
    }

    /// The admin's log as CSV (at most [`EXPORT_MAX`] rows, newest first).
    pub async fn export_csv(&self, filter: &AdminFilter) -> AppResult<String> {
        let rows = store::search(&self.db, &db_filter(filter, None, EXPORT_MAX)).await?;
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut write = |fields: [&str; 11]| {
            out.write_record(fields.map(spreadsheet_safe))
                .map_err(|e| AppError::Internal(e.into()))
        };
        write([
            "id",
            "time",
            "user_email",
            "user_name",
            "kind",
            "device",
            "ip_address",
            "network",
            "app",
            "session_id",
            "detail",
        ])?;
        for r in &rows {
            let e = &r.entry;
            write([
                &e.id.to_string(),
                &rfc3339(e.created_at),
                &r.user_email,
                &r.user_name,
                &e.kind,
                e.device.as_deref().unwrap_or(""),
                e.ip_address.as_deref().unwrap_or(""),
                e.network.as_deref().unwrap_or(""),
                e.client_app.as_deref().unwrap_or(""),
                e.session_id.as_deref().unwrap_or(""),
                e.detail.as_deref().unwrap_or(""),
            ])?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(e.into()))
    }

    /// Deletes entries older than `retention_ms`; returns how many.
    pub async fn purge(&self, retention_ms: i64) -> AppResult<u64> {
        let cutoff = self.clock.now_ms().saturating_sub(retention_ms);
        Ok(store::purge(&self.db, cutoff).await?)
    }
}

/// The network of an address, as a new-device check compares it: IPv4 by
/// its /24, IPv6 by its /48 (a site; mobile clients wander inside it).
pub fn network_of(ip: &str) -> Option<String> {
    match ip.parse::<std::net::IpAddr>().ok()?.to_canonical() {
        std::net::IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            Some(format!("{a}.{b}.{c}.0/24"))
        }
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            Some(format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2]))
        }
    }
}

fn page_size(limit: Option<i64>) -> AppResult<i64> {
    match limit {
        None => Ok(50),
        Some(n) if (1..=PAGE_MAX).contains(&n) => Ok(n),
        Some(_) => Err(AppError::Validation(format!(
            "limit must be between 1 and {PAGE_MAX}."
        ))),
    }
}

/// Cuts one row beyond `limit` off and turns it into the next cursor.
fn split_page<T>(mut rows: Vec<T>, limit: i64, id: impl Fn(&T) -> i64) -> (Vec<T>, Option<i64>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(id);
        (rows, next)
    } else {
        (rows, None)
    }
}

fn db_filter(f: &AdminFilter, before: Option<i64>, limit: i64) -> ActivityFilter<'_> {
    ActivityFilter {
        user_id: f.user_id.as_deref(),
        kind: f.kind.map(ActivityKind::as_str),
        from: f.from,
        to: f.to,
        before,
        limit,
    }
}

fn entry(r: ActivityRow) -> ActivityEntry {
    ActivityEntry {
        id: r.id,
        // Kinds are written from the enum; an unknown one (a newer
        // server's) reads as the most cautious.
        kind: ActivityKind::parse(&r.kind).unwrap_or(ActivityKind::ReuseDetected),
        at: rfc3339(r.created_at),
        device: r.device,
        ip_address: r.ip_address,
        network: r.network,
        client_app: r.client_app.as_deref().and_then(ClientApp::parse),
        session_id: r.session_id,
        detail: r.detail,
    }
}

/// A spreadsheet opens a cell starting with `=`, `+`, `-` or `@` as a
/// formula; a device name is whatever a user agent said, so such cells get
/// a leading apostrophe.
fn spreadsheet_safe(field: &str) -> String {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_are_slash_24_and_slash_48() {
        assert_eq!(
            network_of("203.0.113.77").as_deref(),
            Some("203.0.113.0/24")
        );
        assert_eq!(
            network_of("::ffff:203.0.113.77").as_deref(),
            Some("203.0.113.0/24")
        );
        assert_eq!(
            network_of("2001:db8:1:2:3::9").as_deref(),
            Some("2001:db8:1::/48")
        );
        assert_eq!(network_of("unknown"), None);
    }

    #[test]
    fn formulas_do_not_reach_a_spreadsheet() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("-2+3"), "'-2+3");
        assert_eq!(
            spreadsheet_safe("Chrome 120 on Windows"),
            "Chrome 120 on Windows"
        );
    }

    #[test]
    fn pages_end_with_a_cursor_only_when_more_remain() {
        let (rows, next) = split_page(vec![9, 8, 7], 2, |r| *r);
        assert_eq!((rows, next), (vec![9, 8], Some(8)));
        let (rows, next) = split_page(vec![9, 8], 2, |r| *r);
        assert_eq!((rows, next), (vec![9, 8], None));
    }
}
