//! The revocation protocol between instances that share one PostgreSQL
//! database: how an instance that ends sessions makes every other instance
//! forget them before the ending request answers.
//!
//! Messages travel on one `LISTEN/NOTIFY` channel:
//! - `n|origin|seq|id,id,…` (a *notice*): these sessions ended. Every
//!   instance marks them ended in its [`SessionCache`] and acknowledges.
//! - `a|origin|seq|by` (an *acknowledgement*): instance `by` applied notice
//!   `seq` of `origin`. The origin's revoking request waits (up to
//!   [`ACK_TIMEOUT`]) for one from every live instance, as listed by
//!   `pg_stat_activity`'s listening connections.
//! - `p|origin|seq|` (a *heartbeat*): an instance pings itself every
//!   [`HEARTBEAT`]; a ping that does not come back means the listening
//!   connection is broken, and the instance stops trusting its cache until
//!   it is listening again.
//!
//! On SQLite there is one instance and nothing to tell.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use tokio::sync::mpsc;

use crate::db::sessions::{self as store, RevocationListener};
use crate::db::Db;
use crate::services::session_cache::SessionCache;

/// Most session ids in one notice (PostgreSQL caps payloads at 8000 bytes).
const IDS_PER_NOTICE: usize = 150;

/// How long a revoking request waits for other instances' acknowledgements.
pub const ACK_TIMEOUT: Duration = Duration::from_secs(2);

impl SessionCache {
    fn waiting(&self) -> std::sync::MutexGuard<'_, HashMap<u64, mpsc::UnboundedSender<String>>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Handles one message from the channel.
    fn handle(&self, payload: &str, now: i64) -> Handled {
        match Message::parse(payload) {
            Some(Message::Notice { origin, seq, ids }) => {
                self.mark_ended(ids.split(',').filter(|s| !s.is_empty()), now);
                if origin == self.instance {
                    self.acknowledged(seq, origin);
                    Handled::Nothing
                } else {
                    Handled::Acknowledge(format!("a|{origin}|{seq}|{}", self.instance))
                }
            }
            Some(Message::Ack { origin, seq, by }) => {
                if origin == self.instance {
                    self.acknowledged(seq, by);
                }
                Handled::Nothing
            }
            Some(Message::Ping { origin, seq }) if origin == self.instance => Handled::Pong(seq),
            Some(Message::Ping { .. }) => Handled::Nothing,
            None => {
                // Not ours to understand: start over rather than trust stale entries.
                tracing::warn!(
                    "unknown message on the revocation channel; emptying the session cache"
                );
                // As after a lost connection: whatever it meant, reads
                // and streams that trusted the cache check again.
                self.set_enabled(self.is_enabled());
                Handled::Nothing
            }
        }
    }

    fn acknowledged(&self, seq: u64, by: &str) {
        if let Some(tx) = self.waiting().get(&seq) {
            let _ = tx.send(by.to_owned());
        }
    }
}

/// What the listener must do after handling a message.
enum Handled {
    Nothing,
    /// Send this acknowledgement.
    Acknowledge(String),
    /// Our own heartbeat came back.
    Pong(u64),
}

/// What travels on the revocation channel.
enum Message<'a> {
    /// `p|origin|seq|`: a heartbeat an instance sends itself.
    Ping { origin: &'a str, seq: u64 },
    /// `n|origin|seq|id,id,…`: these sessions ended.
    Notice {
        origin: &'a str,
        seq: u64,
        ids: &'a str,
    },
    /// `a|origin|seq|by`: instance `by` applied notice `seq` of `origin`.
    Ack {
        origin: &'a str,
        seq: u64,
        by: &'a str,
    },
}

impl<'a> Message<'a> {
    fn parse(payload: &'a str) -> Option<Message<'a>> {
        let mut parts = payload.splitn(4, '|');
        let (kind, origin, seq, rest) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let seq = seq.parse().ok()?;
        match kind {
            "n" => Some(Message::Notice {
                origin,
                seq,
                ids: rest,
            }),
            "a" => Some(Message::Ack {
                origin,
                seq,
                by: rest,
            }),
            "p" => Some(Message::Ping { origin, seq }),
            _ => None,
        }
    }
}

/// Tells every other instance sharing the PostgreSQL database that these
/// sessions ended, and waits (up to [`ACK_TIMEOUT`]) until each live one
/// has applied it. A no-op on SQLite.
pub async fn announce_ended(db: &Db, cache: &SessionCache, ids: &[String]) {
    metrics::counter!("taproom_sessions_revoked_total").increment(ids.len() as u64);
    if !db.is_postgres() || ids.is_empty() {
        return;
    }
    for chunk in ids.chunks(IDS_PER_NOTICE) {
        let seq = cache.next_seq.fetch_add(1, Ordering::Relaxed);
        let (tx, mut rx) = mpsc::unbounded_channel();
        cache.waiting().insert(seq, tx);
        let payload = format!("n|{}|{seq}|{}", cache.instance, chunk.join(","));
        let result = async {
            let mut expected: HashSet<String> =
                store::live_instances(db).await?.into_iter().collect();
            if !cache.is_enabled() {
                // Our own listener is down: our echo will not come.
                expected.remove(&cache.instance);
            }
            store::notify_revoked(db, &payload).await?;
            let waited = tokio::time::timeout(ACK_TIMEOUT, async {
                while !expected.is_empty() {
                    match rx.recv().await {
                        Some(by) => {
                            expected.remove(&by);
                        }
                        None => break,
                    }
                }
            })
            .await;
            if waited.is_err() {
                tracing::warn!(
                    missing = expected.len(),
                    "some instances did not acknowledge a revocation in time"
                );
            }
            Ok::<(), crate::db::DbError>(())
        }
        .await;
        cache.waiting().remove(&seq);
        if let Err(e) = result {
            // The database already says the session ended; an instance that
            // missed this still refuses it within MAX_AGE_MS.
            tracing::error!(error = %e, "could not announce a revocation to other instances");
        }
    }
}

/// How often an instance checks its listening connection with a heartbeat
/// sent to itself; a heartbeat not back by the next one means the
/// connection is dead even if the socket has not noticed (a half-open TCP
/// connection would otherwise leave the cache trusted and deaf).
const HEARTBEAT: Duration = Duration::from_secs(3);

/// Applies the channel's notices to the cache and acknowledges other
/// instances' notices, for as long as the server runs; reconnects (with the
/// cache bypassed meanwhile) when the listening connection fails.
pub async fn follow_revocations(
    mut listener: RevocationListener,
    db: Db,
    cache: Arc<SessionCache>,
    clock: Arc<dyn crate::clock::Clock>,
) {
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let mut outstanding: Option<u64> = None;
        loop {
            tokio::select! {
                message = listener.recv() => match message {
                    Ok(Some(payload)) => match cache.handle(&payload, clock.now_ms()) {
                        Handled::Acknowledge(ack) => {
                            if let Err(e) = store::notify_revoked(&db, &ack).await {
                                tracing::warn!(error = %e, "could not acknowledge a revocation notice");
                            }
                        }
                        Handled::Pong(seq) if outstanding == Some(seq) => outstanding = None,
                        Handled::Pong(_) | Handled::Nothing => {}
                    },
                    Ok(None) => {
                        tracing::warn!("revocation listener lost its connection; checking sessions in the database until it is back");
                        break;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "revocation listener failed; checking sessions in the database until it is back");
                        break;
                    }
                },
                _ = heartbeat.tick() => {
                    if outstanding.is_some() {
                        tracing::warn!("revocation listener heartbeat did not come back; checking sessions in the database until it is back");
                        break;
                    }
                    let seq = cache.next_seq.fetch_add(1, Ordering::Relaxed);
                    outstanding = Some(seq);
                    if let Err(e) = store::notify_revoked(&db, &format!("p|{}|{seq}|", cache.instance)).await {
                        tracing::warn!(error = %e, "revocation listener heartbeat could not be sent");
                        break;
                    }
                }
            }
        }
        cache.set_enabled(false);
        let mut wait = Duration::from_millis(200);
        listener = loop {
            match RevocationListener::connect(&db, &cache.instance).await {
                Ok(l) => break l,
                Err(e) => {
                    tracing::warn!(error = %e, "revocation listener cannot reconnect yet");
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(10));
                }
            }
        };
        cache.set_enabled(true);
        heartbeat.reset();
        tracing::info!("revocation listener reconnected");
    }
}

/// Opens this instance's listening connection.
pub async fn listen(
    db: &Db,
    cache: &SessionCache,
) -> Result<RevocationListener, crate::db::DbError> {
    RevocationListener::connect(db, &cache.instance).await
}
