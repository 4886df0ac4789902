//! Which sessions are active, remembered in memory so that checking an
//! access token does not cost a database round trip per request.
//!
//! Correctness rests on invalidation, not on expiry: this instance drops an
//! entry the moment it ends a session, and on PostgreSQL every instance
//! hears every other instance's revocations through `LISTEN/NOTIFY`
//! ([`crate::db::sessions::REVOCATION_CHANNEL`]). While that channel is down
//! the cache is bypassed, and it is emptied when the channel comes back,
//! since notifications sent in between are lost. Entries are also
//! re-checked after [`MAX_AGE_MS`] as a second line of defence.

use std::sync::atomic::{AtomicBool, Ordering};

use dashmap::DashMap;
use shared::api::Role;

/// Longest time an entry is trusted without asking the database again.
pub const MAX_AGE_MS: i64 = 60_000;

/// What the cache knows about one session.
#[derive(Clone, Debug)]
pub enum Entry {
    Active(ActiveSession),
    /// Ended for good: revocation is never undone.
    Ended,
}

/// An active session as last read from the database.
#[derive(Clone, Debug)]
pub struct ActiveSession {
    pub user_id: String,
    pub role: Role,
    pub expires_at: i64,
    pub checked_at: i64,
    pub touched_at: i64,
}

/// The cache itself.
pub struct SessionCache {
    entries: DashMap<String, Entry>,
    enabled: AtomicBool,
}

impl Default for SessionCache {
    fn default() -> Self {
        SessionCache {
            entries: DashMap::new(),
            enabled: AtomicBool::new(true),
        }
    }
}

impl SessionCache {
    /// The entry for a session, if it may be trusted at `now`.
    pub fn get(&self, sid: &str, now: i64) -> Option<Entry> {
        if !self.enabled.load(Ordering::Acquire) {
            return None;
        }
        let entry = self.entries.get(sid)?;
        match &*entry {
            Entry::Ended => Some(Entry::Ended),
            Entry::Active(a) if a.expires_at > now && now - a.checked_at < MAX_AGE_MS => {
                Some(entry.clone())
            }
            Entry::Active(_) => None,
        }
    }

    /// Remembers an active session read from the database.
    pub fn put_active(&self, sid: &str, session: ActiveSession) {
        if self.enabled.load(Ordering::Acquire) {
            self.entries.insert(sid.to_owned(), Entry::Active(session));
        }
    }

    /// Notes a write of `last_activity`; false if another request already did.
    pub fn claim_touch(&self, sid: &str, now: i64, every_ms: i64) -> bool {
        match self.entries.get_mut(sid).as_deref_mut() {
            Some(Entry::Active(a)) if now - a.touched_at >= every_ms => {
                a.touched_at = now;
                true
            }
            _ => false,
        }
    }

    /// Records that sessions ended.
    pub fn mark_ended<'a>(&self, sids: impl IntoIterator<Item = &'a str>) {
        for sid in sids {
            self.entries.insert(sid.to_owned(), Entry::Ended);
        }
    }

    /// Forgets every session of a user, so the next check reads the database.
    pub fn forget_user(&self, user_id: &str) {
        self.entries
            .retain(|_, e| !matches!(e, Entry::Active(a) if a.user_id == user_id));
    }

    /// Applies a revocation notice from another instance.
    pub fn apply_notice(&self, payload: &str) {
        if let Some(user_id) = payload.strip_prefix("u:") {
            self.forget_user(user_id);
        } else if let Some(ids) = payload.strip_prefix("s:") {
            self.mark_ended(ids.split(',').filter(|s| !s.is_empty()));
        } else {
            // An unknown notice: be safe and start over.
            self.entries.clear();
        }
    }

    /// Stops trusting the cache (notifications may be missed) or resumes
    /// with an empty one.
    pub fn set_enabled(&self, enabled: bool) {
        self.entries.clear();
        self.enabled.store(enabled, Ordering::Release);
    }

    /// Drops entries that would be re-read anyway.
    pub fn prune(&self, now: i64) {
        self.entries.retain(|_, e| match e {
            Entry::Active(a) => a.expires_at > now && now - a.checked_at < MAX_AGE_MS,
            // An ended session is found ended in the database again if its
            // token comes back; no need to remember it forever.
            Entry::Ended => false,
        });
    }
}

/// The notice payload for a list of ended sessions.
pub fn sessions_notice(ids: &[String]) -> String {
    format!("s:{}", ids.join(","))
}

/// The notice payload for all sessions of a user.
pub fn user_notice(user_id: &str) -> String {
    format!("u:{user_id}")
}

/// Applies other instances' revocation notices to the cache for as long as
/// the server runs, reconnecting (with the cache bypassed meanwhile) when
/// the listening connection drops.
pub async fn follow_revocations(
    mut listener: crate::db::sessions::RevocationListener,
    pool: sqlx::PgPool,
    cache: std::sync::Arc<SessionCache>,
) {
    loop {
        match listener.recv().await {
            Ok(Some(payload)) => {
                cache.apply_notice(&payload);
                continue;
            }
            Ok(None) => tracing::warn!("revocation listener lost its connection; checking sessions in the database until it is back"),
            Err(e) => tracing::warn!(error = %e, "revocation listener failed; checking sessions in the database until it is back"),
        }
        cache.set_enabled(false);
        let mut wait = std::time::Duration::from_millis(200);
        listener = loop {
            match crate::db::sessions::RevocationListener::connect(&pool).await {
                Ok(l) => break l,
                Err(e) => {
                    tracing::warn!(error = %e, "revocation listener cannot reconnect yet");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(std::time::Duration::from_secs(10));
                }
            }
        };
        cache.set_enabled(true);
        tracing::info!("revocation listener reconnected");
    }
}
