//! Live events: the hub that hands committed events to every open stream of
//! this instance, in id order.
//!
//! Writers commit an event with the change it describes (see `db::events`)
//! and poke the hub. On PostgreSQL every instance also hears each commit on
//! a `LISTEN/NOTIFY` channel, so a change made through one instance reaches
//! the streams of all. The hub reads what follows the last id it delivered,
//! so a lost notice or a dropped listening connection delays delivery at
//! most until the next poke or the periodic read, and never skips an event.
//!
//! A stream ([`EventHub::open`]) replays what its client missed, then
//! follows the hub, and sends only what its user may see. It ends the
//! moment its session ends: nothing committed after a revocation is ever
//! sent on a stream of the revoked session (see [`SessionWatch`]). The
//! HTTP layer only turns its items into server-sent events.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::channel::mpsc;
use futures::SinkExt;
use shared::api::Role;
use shared::events::StreamEvent;
use shared::security::NewSignIn;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch, Notify};

use crate::clock::{Clock as _, SystemClock};
use crate::db::events::{self as store, EventListener, EventRow};
use crate::db::{Db, DbError};
use crate::error::{AppError, AppResult};
use crate::services::sessions::{AuthContext, SessionService, SessionWatch};

/// How often a stream checks its session besides the instant signal (it
/// catches expiry, which sends no signal).
pub const CHECK_EVERY: Duration = Duration::from_secs(2);

/// Items a stream queues before it waits for its client to read.
const STREAM_QUEUE: usize = 64;

/// How often the hub reads new events even without a notice.
const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// Events buffered per stream before a slow one must catch up from the database.
const BUFFER: usize = 1024;

/// How many streams may be open at once on this instance.
#[derive(Debug, Clone, Copy)]
pub struct StreamLimits {
    pub per_session: usize,
    pub per_user: usize,
}

/// Open streams per session and per user.
#[derive(Default)]
struct OpenStreams {
    per_session: HashMap<String, usize>,
    per_user: HashMap<String, usize>,
}

/// The hub of one instance.
pub struct EventHub {
    db: Db,
    sender: broadcast::Sender<Arc<EventRow>>,
    delivered: AtomicI64,
    poke: Notify,
    closing: watch::Sender<bool>,
    limits: StreamLimits,
    open: Mutex<OpenStreams>,
}

/// What a stream sends, in order.
#[derive(Debug, Clone)]
pub enum StreamItem {
    /// An event the user may see.
    Event(Arc<EventRow>),
    /// The replay is done; live events follow. `cursor` is the last id.
    Ready { cursor: i64 },
    /// The client's cursor is older than the kept events (or from another
    /// database): reload lists and carry on from `cursor`.
    Reset { cursor: i64 },
    /// The session ended; the stream closes after this.
    SessionEnded,
}

impl EventHub {
    /// A hub that starts after the newest event already stored.
    pub async fn new(db: Db, limits: StreamLimits) -> Result<Arc<EventHub>, DbError> {
        let (newest, _) = store::bounds(&db).await?;
        let (sender, _) = broadcast::channel(BUFFER);
        let (closing, _) = watch::channel(false);
        Ok(Arc::new(EventHub {
            db,
            sender,
            delivered: AtomicI64::new(newest),
            poke: Notify::new(),
            closing,
            limits,
            open: Mutex::new(OpenStreams::default()),
        }))
    }

    fn open_streams(&self) -> std::sync::MutexGuard<'_, OpenStreams> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens a stream for `auth`: the events after `since` (if given) that
    /// the user may see, `ready`, then live events, until the client goes,
    /// the server stops or the session ends. Refused with 429 beyond the
    /// open-stream limits.
    pub fn open(
        self: &Arc<Self>,
        sessions: &Arc<SessionService>,
        auth: AuthContext,
        since: Option<i64>,
    ) -> AppResult<mpsc::Receiver<StreamItem>> {
        let slot = self.reserve(&auth)?;
        // Subscribed before the replay is read, so nothing falls in between.
        let receiver = self.subscribe();
        let start = self.delivered();
        let watch = sessions.watch(&auth);
        let (tx, rx) = mpsc::channel(STREAM_QUEUE);
        let stream = Stream {
            hub: self.clone(),
            auth,
            watch,
            closing: self.closing(),
            tx,
            _slot: slot,
        };
        tokio::spawn(stream.run(since, start, receiver));
        Ok(rx)
    }

    /// Counts a new stream against the limits, or refuses it.
    fn reserve(self: &Arc<Self>, auth: &AuthContext) -> AppResult<StreamSlot> {
        let mut open = self.open_streams();
        let of_session = open.per_session.get(&auth.session_id).copied().unwrap_or(0);
        let of_user = open.per_user.get(&auth.user_id).copied().unwrap_or(0);
        if of_session >= self.limits.per_session || of_user >= self.limits.per_user {
            return Err(AppError::TooManyStreams);
        }
        *open.per_session.entry(auth.session_id.clone()).or_insert(0) += 1;
        *open.per_user.entry(auth.user_id.clone()).or_insert(0) += 1;
        Ok(StreamSlot {
            hub: self.clone(),
            session_id: auth.session_id.clone(),
            user_id: auth.user_id.clone(),
        })
    }

    /// How many streams are open on this instance.
    pub fn open_count(&self) -> usize {
        self.open_streams().per_session.values().sum()
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
            let now = SystemClock.now_ms();
            for event in page {
                let delay_ms = (now - event.created_at).max(0);
                #[allow(clippy::cast_precision_loss)] // ms far below 2^52
                let delay = delay_ms as f64 / 1000.0;
                metrics::histogram!("taproom_event_delivery_delay_seconds").record(delay);
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

/// A stream's place in the open-stream counts, given back when it ends.
struct StreamSlot {
    hub: Arc<EventHub>,
    session_id: String,
    user_id: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut guard = self.hub.open_streams();
        let open = &mut *guard;
        for (map, key) in [
            (&mut open.per_session, &self.session_id),
            (&mut open.per_user, &self.user_id),
        ] {
            if let Some(n) = map.get_mut(key) {
                *n -= 1;
                if *n == 0 {
                    map.remove(key);
                }
            }
        }
    }
}

/// Why a stream stopped.
enum Stop {
    /// The client went away or the server is shutting down.
    Gone,
    /// The session ended: say so, then close.
    SessionEnded,
}

/// One open stream.
struct Stream {
    hub: Arc<EventHub>,
    auth: AuthContext,
    watch: SessionWatch,
    /// Changes (or closes) when the server shuts down.
    closing: watch::Receiver<bool>,
    tx: mpsc::Sender<StreamItem>,
    _slot: StreamSlot,
}

impl Stream {
    async fn run(
        mut self,
        since: Option<i64>,
        start: i64,
        receiver: broadcast::Receiver<Arc<EventRow>>,
    ) {
        if *self.closing.borrow_and_update() {
            return;
        }
        if let Err(Stop::SessionEnded) = self.follow(since, start, receiver).await {
            // Best effort: the client may be gone already, or never read again.
            tokio::select! {
                _ = self.tx.send(StreamItem::SessionEnded) => {}
                _ = self.closing.changed() => {}
            }
        }
    }

    async fn follow(
        &mut self,
        since: Option<i64>,
        start: i64,
        mut receiver: broadcast::Receiver<Arc<EventRow>>,
    ) -> Result<(), Stop> {
        let mut cursor = match since {
            Some(since) => self.replay(since).await?,
            None => start,
        };
        self.send(StreamItem::Ready { cursor }).await?;
        let mut check = tokio::time::interval(CHECK_EVERY);
        check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                // The session's end comes before anything else that is ready.
                biased;
                () = self.watch.ended() => return Err(Stop::SessionEnded),
                // Any change (or a dropped hub) means the server is stopping.
                _ = self.closing.changed() => return Err(Stop::Gone),
                received = receiver.recv() => match received {
                    Ok(event) => {
                        if event.id <= cursor {
                            continue;
                        }
                        cursor = event.id;
                        if self.shows(&event) {
                            self.send_event(event).await?;
                        }
                    }
                    // Too slow for the buffer: catch up from the database.
                    Err(RecvError::Lagged(_)) => cursor = self.replay(cursor).await?,
                    Err(RecvError::Closed) => return Err(Stop::Gone),
                },
                _ = check.tick() => {
                    if self.tx.is_closed() {
                        return Err(Stop::Gone);
                    }
                    let alive = self.watch.still_active().await;
                    self.check(alive)?;
                }
            }
        }
    }

    /// Sends the events after `since` that the user may see, checking the
    /// session before each page; answers the new cursor.
    async fn replay(&mut self, since: i64) -> Result<i64, Stop> {
        let (newest, oldest) = match store::bounds(self.hub.db()).await {
            Ok(b) => b,
            Err(e) => {
                tracing::warn!(error = %e, "could not read event bounds for a replay");
                return Err(Stop::Gone);
            }
        };
        // Older than what is kept, or from another database: start afresh.
        if since > newest || (oldest > 0 && since < oldest - 1) {
            self.send(StreamItem::Reset { cursor: newest }).await?;
            return Ok(newest);
        }
        let mut cursor = since;
        loop {
            // Read after the check: every event of the page was committed
            // before the session was found active.
            let may = self.watch.may_send().await;
            self.check(may)?;
            let page = match store::after(self.hub.db(), cursor).await {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read events for a replay");
                    return Err(Stop::Gone);
                }
            };
            let full = page.len() as i64 >= store::PAGE;
            for event in page {
                cursor = event.id;
                if self.shows(&event) {
                    self.send(StreamItem::Event(Arc::new(event))).await?;
                }
            }
            if !full {
                return Ok(cursor);
            }
        }
    }

    /// Whether this stream sends `event`.
    fn shows(&self, event: &EventRow) -> bool {
        visible_to(event, &self.auth.user_id, self.auth.role)
            && !about_session(event, &self.auth.session_id)
    }

    /// Sends a live event if the session is still active: the event was
    /// committed before we look, so a revocation that came first is seen.
    async fn send_event(&mut self, event: Arc<EventRow>) -> Result<(), Stop> {
        let may = self.watch.may_send().await;
        self.check(may)?;
        self.send(StreamItem::Event(event)).await
    }

    /// Carries on only with a session known to be active: one that ended
    /// ends the stream, and so does one that could not be checked.
    fn check(&self, outcome: AppResult<bool>) -> Result<(), Stop> {
        match outcome {
            Ok(true) => Ok(()),
            Ok(false) => Err(Stop::SessionEnded),
            Err(e) => {
                tracing::warn!(error = %e, session_id = %self.auth.session_id, "could not check a stream's session; closing the stream");
                Err(Stop::Gone)
            }
        }
    }

    /// Queues an item for the client; a client that stopped reading holds
    /// it here, but neither the session's end nor a shutdown waits for it.
    async fn send(&mut self, item: StreamItem) -> Result<(), Stop> {
        tokio::select! {
            biased;
            () = self.watch.ended() => Err(Stop::SessionEnded),
            _ = self.closing.changed() => Err(Stop::Gone),
            sent = self.tx.send(item) => sent.map_err(|_| Stop::Gone),
        }
    }
}

/// Whether a user may see an event.
pub fn visible_to(event: &EventRow, user_id: &str, role: Role) -> bool {
    match StreamEvent::parse(&event.kind) {
        Some(StreamEvent::Order) => {
            role != Role::Customer || event.customer_id.as_deref() == Some(user_id)
        }
        // The bar's settings are for the staff's screens (the ticket timers).
        Some(StreamEvent::BarSettings) => role != Role::Customer,
        // An alert about the user's own account, whatever their role.
        Some(StreamEvent::NewSignIn) => event.customer_id.as_deref() == Some(user_id),
        // Each call or tab change is written once per audience (`db::calls`,
        // `db::tabs`): the copy without a customer is staff's, each other
        // copy one guest's.
        Some(StreamEvent::TableCall | StreamEvent::Tab) => match event.customer_id.as_deref() {
            None => role != Role::Customer,
            Some(customer) => customer == user_id,
        },
        _ => true,
    }
}

/// Whether an event is about the stream's own session (a new-device alert
/// goes to the user's other sessions, not to the new one).
fn about_session(event: &EventRow, session_id: &str) -> bool {
    event.kind == StreamEvent::NewSignIn.as_str()
        && serde_json::from_str::<NewSignIn>(&event.payload)
            .is_ok_and(|alert| alert.session_id == session_id)
}
