//! Live events: the hub that hands committed events to every open stream of
//! this instance, in id order.
//!
//! Writers commit an event with the change it describes (see `db::events`)
//! and poke the hub. On PostgreSQL every instance also hears each commit on
//! a `LISTEN/NOTIFY` channel, so a change made through one instance reaches
//! the streams of all. The hub reads what follows the last id it delivered,
//! so a lost notice or a dropped listening connection delays delivery at
//! most until the next poke or the periodic read, and never skips an event.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use shared::api::Role;
use tokio::sync::{broadcast, watch, Notify};

use crate::db::events::{self as store, EventListener, EventRow};
use crate::db::{Db, DbError};

/// How often the hub reads new events even without a notice.
const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Events buffered per stream before a slow one must catch up from the database.
const BUFFER: usize = 1024;

/// The hub of one instance.
pub struct EventHub {
    db: Db,
    sender: broadcast::Sender<Arc<EventRow>>,
    delivered: AtomicI64,
    poke: Notify,
    closing: watch::Sender<bool>,
}

impl EventHub {
    /// A hub that starts after the newest event already stored.
    pub async fn new(db: Db) -> Result<Arc<EventHub>, DbError> {
        let (newest, _) = store::bounds(&db).await?;
        let (sender, _) = broadcast::channel(BUFFER);
        let (closing, _) = watch::channel(false);
        Ok(Arc::new(EventHub {
            db,
            sender,
            delivered: AtomicI64::new(newest),
            poke: Notify::new(),
            closing,
        }))
    }

    /// The database the events live in.
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Receives every event delivered from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<EventRow>> {
        self.sender.subscribe()
    }

    /// The id of the last event handed to streams.
    pub fn delivered(&self) -> i64 {
        self.delivered.load(Ordering::Acquire)
    }

    /// Says that events were committed: the hub reads and delivers them.
    pub fn poke(&self) {
        self.poke.notify_one();
    }

    /// Tells every stream to end (the server is shutting down).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves when the server shuts down.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// Reads the events after the last delivered one and hands them out.
    async fn pump(&self) {
        loop {
            let after = self.delivered();
            let page = match store::after(&self.db, after).await {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read new events; retrying shortly");
                    return;
                }
            };
            let full = page.len() as i64 >= store::PAGE;
            for event in page {
                self.delivered.store(event.id, Ordering::Release);
                // No receiver is not an error: nobody is watching right now.
                let _ = self.sender.send(Arc::new(event));
            }
            if !full {
                return;
            }
        }
    }

    /// Delivers events for as long as the server runs: on every poke, every
    /// notice from other instances, and every [`SWEEP_EVERY`].
    pub async fn run(self: Arc<Self>) {
        let mut listener = self.connect_listener().await;
        let mut sweep = tokio::time::interval(SWEEP_EVERY);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = self.poke.notified() => {}
                _ = sweep.tick() => {
                    if listener.is_none() {
                        listener = self.connect_listener().await;
                    }
                }
                heard = next_notice(&mut listener) => {
                    if !heard {
                        tracing::warn!("event listener lost its connection; reconnecting");
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        listener = self.connect_listener().await;
                    }
                }
            }
            self.pump().await;
        }
    }

    async fn connect_listener(&self) -> Option<EventListener> {
        if !self.db.is_postgres() {
            return None;
        }
        match EventListener::connect(&self.db).await {
            Ok(listener) => Some(listener),
            Err(e) => {
                tracing::warn!(error = %e, "event listener cannot connect; reading events every few seconds meanwhile");
                None
            }
        }
    }
}

/// Waits for the next notice; false when the connection is gone. Without a
/// listener (SQLite, or PostgreSQL while reconnecting) it never resolves,
/// apart from a slow retry on PostgreSQL.
async fn next_notice(listener: &mut Option<EventListener>) -> bool {
    match listener {
        Some(l) => match l.recv().await {
            Ok(true) => true,
            Ok(false) => false,
            Err(e) => {
                tracing::warn!(error = %e, "event listener failed");
                false
            }
        },
        None => std::future::pending().await,
    }
}

/// Whether a user may see an event.
pub fn visible_to(event: &EventRow, user_id: &str, role: Role) -> bool {
    match event.kind.as_str() {
        "order" => role != Role::Customer || event.customer_id.as_deref() == Some(user_id),
        _ => true,
    }
}
