//! Which sessions are active, remembered in memory so that checking an
//! access token does not cost a database round trip per request.
//!
//! Correctness rests on invalidation, not on expiry. This instance marks a
//! session ended the moment it ends it. On PostgreSQL, where several
//! instances share the database, the ending instance also announces the
//! ids on a `LISTEN/NOTIFY` channel and waits until every live instance
//! (each holds a listening connection, visible in `pg_stat_activity`) has
//! acknowledged that it applied the notice: only then does the revoking
//! request answer, so the next request anywhere is refused. While an
//! instance's listening connection is down, it bypasses its cache, and it
//! starts from an empty one when the connection is back. Entries are also
//! re-checked after [`MAX_AGE_MS`] as a last line of defence.
//!
//! Each time the cache stops or resumes trusting itself its generation
//! moves on. A database read records the generation it began in
//! ([`SessionCache::begin_read`]) and its answer is cached only if the
//! generation is still the same: a read that began before the listener
//! dropped may predate a revocation whose notice was lost, and must not
//! put that session back.
//!
//! The same notices end live streams: a stream watches its session
//! ([`SessionCache::watch_ended`]) and stops the moment the session is
//! marked ended here, whichever instance ended it.
//!
//! The protocol between instances lives in
//! [`revocation`](crate::services::revocation).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use dashmap::mapref::entry::Entry as MapEntry;
use dashmap::DashMap;
use shared::api::UserInfo;
use tokio::sync::{mpsc, watch};

/// Longest time an entry is trusted without asking the database again.
pub const MAX_AGE_MS: i64 = 60_000;

/// What the cache knows about one session.
#[derive(Clone, Debug)]
pub enum Entry {
    Active(ActiveSession),
    /// Ended for good (revocation is never undone), at this time.
    Ended(i64),
}

/// An active session as last read from the database.
#[derive(Clone, Debug)]
pub struct ActiveSession {
    /// The user as read with the session (so `/me` needs no query).
    pub user: Arc<UserInfo>,
    pub expires_at: i64,
    pub checked_at: i64,
    pub touched_at: i64,
}

/// The generation a database read began in; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadTicket(u64);

/// The cache itself.
pub struct SessionCache {
    entries: DashMap<String, Entry>,
    enabled: AtomicBool,
    /// Moves on whenever trust is lost or regained (see [`ReadTicket`]).
    generation: AtomicU64,
    /// Held for writing while the generation moves, for reading while an
    /// answer is put: no put can straddle a change of generation.
    turning: RwLock<()>,
    /// Per session with an open stream: set to true when it ends.
    watchers: DashMap<String, watch::Sender<bool>>,
    /// Names this instance in notices and acknowledgements.
    pub(super) instance: String,
    pub(super) next_seq: AtomicU64,
    /// Per notice of ours in flight: where to report who acknowledged it.
    pub(super) waiting: Mutex<HashMap<u64, mpsc::UnboundedSender<String>>>,
}

impl Default for SessionCache {
    fn default() -> Self {
        SessionCache {
            entries: DashMap::new(),
            enabled: AtomicBool::new(true),
            generation: AtomicU64::new(0),
            turning: RwLock::new(()),
            watchers: DashMap::new(),
            instance: uuid::Uuid::new_v4().simple().to_string(),
            next_seq: AtomicU64::new(0),
            waiting: Mutex::new(HashMap::new()),
        }
    }
}

impl SessionCache {
    /// The entry for a session, if it may be trusted at `now`.
    pub fn get(&self, sid: &str, now: i64) -> Option<Entry> {
        if !self.is_enabled() {
            return None;
        }
        let entry = self.entries.get(sid)?;
        match &*entry {
            Entry::Ended(at) => Some(Entry::Ended(*at)),
            Entry::Active(a) if a.expires_at > now && now - a.checked_at < MAX_AGE_MS => {
                Some(entry.clone())
            }
            Entry::Active(_) => None,
        }
    }

    /// Call before reading a session from the database whose answer
    /// will be cached.
    pub fn begin_read(&self) -> ReadTicket {
        ReadTicket(self.generation.load(Ordering::Acquire))
    }

    /// Whether what was verified at `since` must be checked against the
    /// database again: the cache is bypassed now, or it stopped trusting
    /// itself at some point after `since` (notices may have been missed).
    pub fn must_recheck(&self, since: ReadTicket) -> bool {
        !self.is_enabled() || self.begin_read() != since
    }

    /// Remembers an active session read from the database, unless it was
    /// marked ended meanwhile (the read may predate the revocation) or the
    /// read began in an earlier generation (its notice may have been lost).
    pub fn put_active(&self, sid: &str, session: ActiveSession, read: ReadTicket) {
        let _steady = self.turning.read().unwrap_or_else(PoisonError::into_inner);
        if !self.is_enabled() || self.begin_read() != read {
            return;
        }
        match self.entries.entry(sid.to_owned()) {
            MapEntry::Occupied(o) if matches!(o.get(), Entry::Ended(_)) => {}
            MapEntry::Occupied(mut o) => {
                o.insert(Entry::Active(session));
            }
            MapEntry::Vacant(v) => {
                v.insert(Entry::Active(session));
            }
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

    /// Records that sessions ended, and ends their live streams.
    pub fn mark_ended<'a>(&self, sids: impl IntoIterator<Item = &'a str>, now: i64) {
        for sid in sids {
            self.entries.insert(sid.to_owned(), Entry::Ended(now));
            if let Some(watcher) = self.watchers.get(sid) {
                watcher.send_replace(true);
            }
        }
    }

    /// A signal that turns true when `sid` is marked ended (by this
    /// instance or, through a notice, by another). Drop the receiver and
    /// call [`SessionCache::unwatch`] when done.
    pub fn watch_ended(&self, sid: &str) -> watch::Receiver<bool> {
        // Watcher first, then the entry: `mark_ended` writes the entry
        // first, then looks for watchers, so one of the two sees the other.
        let receiver = self
            .watchers
            .entry(sid.to_owned())
            .or_insert_with(|| watch::channel(false).0)
            .subscribe();
        if matches!(self.entries.get(sid).as_deref(), Some(Entry::Ended(_))) {
            if let Some(watcher) = self.watchers.get(sid) {
                watcher.send_replace(true);
            }
        }
        receiver
    }

    /// Forgets the signal of `sid` once no stream watches it.
    pub fn unwatch(&self, sid: &str) {
        self.watchers
            .remove_if(sid, |_, sender| sender.receiver_count() == 0);
    }

    /// Whether notices are being heard (always, without PostgreSQL).
    pub fn is_enabled(&self) -> bool {
        self.enabled.load(Ordering::Acquire)
    }

    /// Stops trusting the cache (notices may be missed) or resumes with an
    /// empty one; either way a new generation begins.
    pub fn set_enabled(&self, enabled: bool) {
        let _turning = self.turning.write().unwrap_or_else(PoisonError::into_inner);
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries.clear();
        self.enabled.store(enabled, Ordering::Release);
    }

    /// Drops entries that would be re-read anyway.
    pub fn prune(&self, now: i64) {
        self.entries.retain(|_, e| match e {
            Entry::Active(a) => a.expires_at > now && now - a.checked_at < MAX_AGE_MS,
            // Kept a while so a database read that raced the revocation
            // cannot bring the session back; after that, the database
            // answers "ended" just as well.
            Entry::Ended(at) => now - *at < MAX_AGE_MS,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::api::Role;

    fn active(now: i64) -> ActiveSession {
        ActiveSession {
            user: Arc::new(UserInfo {
                id: "u".into(),
                email: "u@bar.test".into(),
                name: "U".into(),
                role: Role::Customer,
            }),
            expires_at: now + 600_000,
            checked_at: now,
            touched_at: now,
        }
    }

    #[test]
    fn a_read_from_an_earlier_generation_is_not_cached() {
        let cache = SessionCache::default();
        let now = 1_000_000;
        let read = cache.begin_read();
        // The listener drops and comes back while the read is under way.
        cache.set_enabled(false);
        cache.set_enabled(true);
        cache.put_active("s", active(now), read);
        assert!(cache.get("s", now).is_none());
        assert!(cache.must_recheck(read));
        let fresh = cache.begin_read();
        cache.put_active("s", active(now), fresh);
        assert!(matches!(cache.get("s", now), Some(Entry::Active(_))));
        assert!(!cache.must_recheck(fresh));
    }

    #[test]
    fn a_read_that_raced_a_revocation_does_not_bring_it_back() {
        let cache = SessionCache::default();
        let now = 1_000_000;
        let read = cache.begin_read();
        cache.mark_ended(["s"], now);
        cache.put_active("s", active(now), read);
        assert!(matches!(cache.get("s", now), Some(Entry::Ended(_))));
    }

    #[tokio::test]
    async fn watchers_learn_of_an_end_whenever_it_happens() {
        let cache = SessionCache::default();
        let mut before = cache.watch_ended("s");
        assert!(!*before.borrow());
        cache.mark_ended(["s"], 1);
        before.changed().await.unwrap();
        assert!(*before.borrow());
        // A watch begun after the end sees it at once.
        let after = cache.watch_ended("s");
        assert!(*after.borrow());
        // Other sessions are untouched; the signal goes once nobody watches.
        assert!(!*cache.watch_ended("t").borrow());
        drop((before, after));
        cache.unwatch("s");
        cache.unwatch("t");
        assert!(cache.watchers.is_empty());
    }
}
