//! The live stream: server-sent events from `GET /api/events`, for as long
//! as a page wants them.
//!
//! A browser's `EventSource` cannot send an `Authorization` header, so each
//! connection is opened with a single-use ticket from
//! `POST /api/events/ticket`. That also means the `EventSource`'s own
//! reconnection cannot work (it would present a spent ticket): on an error
//! the stream is closed here and reopened with a fresh ticket and the id of
//! the last event seen, after a short backoff, so nothing is missed.
//!
//! A tab has one connection, shared by every component that listens (the
//! page, and the header waiting for new-device alerts): it opens with the
//! first listener and closes with the last.

use std::rc::Rc;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use shared::bar::{BarSettings, MenuItemEvent, Order, Tab, TableCall};
use shared::security::NewSignIn;

pub use shared::events::StreamEvent;

/// One event from the server's live stream: its kind and its data as the
/// server sent it. A listener reads the kinds it wants with the typed
/// accessors, so each type is decoded by the pages that use it (and, in an
/// app split by page, downloaded with them) rather than by the stream
/// every page shares.
#[derive(Clone, Debug)]
pub struct LiveEvent {
    pub kind: StreamEvent,
    data: Rc<str>,
}

impl LiveEvent {
    /// The event's data, if it is a `kind` event; an event that cannot be
    /// read is skipped (with a warning) rather than retried forever, and
    /// the next sync brings the page's lists up to date anyway.
    fn read<T: DeserializeOwned>(&self, kind: StreamEvent) -> Option<T> {
        if self.kind != kind {
            return None;
        }
        serde_json::from_str(&self.data)
            .inspect_err(|e| leptos::logging::warn!("unreadable {} event: {e}", kind.as_str()))
            .ok()
    }

    /// An order was placed or changed.
    pub fn order(&self) -> Option<Order> {
        self.read(StreamEvent::Order)
    }

    /// A menu item was added, changed or removed.
    pub fn menu_item(&self) -> Option<MenuItemEvent> {
        self.read(StreamEvent::MenuItem)
    }

    /// An admin changed the bar's settings (staff streams only).
    pub fn bar_settings(&self) -> Option<BarSettings> {
        self.read(StreamEvent::BarSettings)
    }

    /// A call for staff or the bill, opened or acknowledged (staff hear of
    /// every call, a guest of the calls they asked for).
    pub fn table_call(&self) -> Option<TableCall> {
        self.read(StreamEvent::TableCall)
    }

    /// An order joined a tab, one on it was cancelled, or it was closed as
    /// paid (staff hear of every tab, a guest of their own).
    pub fn tab(&self) -> Option<Tab> {
        self.read(StreamEvent::Tab)
    }

    /// Someone signed in to this account from a new device.
    pub fn new_sign_in(&self) -> Option<NewSignIn> {
        self.read(StreamEvent::NewSignIn)
    }
}

/// State of the live connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveStatus {
    Connecting,
    Live,
    Reconnecting,
}

impl LiveStatus {
    /// The state's name, for `data-state` and style rules, and what the
    /// badge says.
    fn name_and_label(self) -> (&'static str, &'static str) {
        match self {
            LiveStatus::Connecting => ("connecting", "Connecting…"),
            LiveStatus::Live => ("live", "Live"),
            LiveStatus::Reconnecting => ("reconnecting", "Reconnecting…"),
        }
    }
}

/// Listens to the live stream for as long as the calling component lives.
/// `on_event` gets every event in order; `on_sync` runs each time the stream has (re)connected
/// and replayed what was missed, so the page may refetch its lists. The tab's one connection
/// opens with its first listener and closes with its last. Browser only: during
/// server rendering it does nothing and the status stays Connecting.
///
/// The stream runs only while someone is signed in (and the page has
/// hydrated): it stops when the user signs out and starts again when they
/// sign back in.
pub fn use_live(
    on_event: impl Fn(LiveEvent) + 'static,
    on_sync: impl Fn() + 'static,
) -> ReadSignal<LiveStatus> {
    #[cfg(target_arch = "wasm32")]
    return browser::run(Box::new(on_event), Box::new(on_sync));
    // The server renders before anyone is known to be signed in.
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _unused = (on_event, on_sync);
        signal(LiveStatus::Connecting).0
    }
}

/// A small badge: "Live", "Connecting…", "Reconnecting…".
#[component]
pub fn LiveIndicator(status: ReadSignal<LiveStatus>) -> impl IntoView {
    view! {
        <span
            class="badge live-badge live-status"
            data-testid="live-status"
            data-state=move || status.get().name_and_label().0
            role="status"
        >
            {move || status.get().name_and_label().1}
        </span>
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::rc::{Rc, Weak};
    use std::time::Duration;

    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use serde::Deserialize;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{Event, EventSource, MessageEvent};

    use super::{LiveEvent, LiveStatus};
    use crate::format::encode_component;
    use crate::session::{use_auth, Auth};
    use shared::events::StreamEvent;

    thread_local! {
        /// The tab's connection, while anyone listens.
        static SHARED: RefCell<Weak<Stream>> = const { RefCell::new(Weak::new()) };
    }

    /// One component listening.
    struct Listener {
        on_event: Box<dyn Fn(LiveEvent)>,
        on_sync: Box<dyn Fn()>,
    }

    /// Waits before the first few reconnects; the last one repeats.
    const BACKOFF_MS: [u32; 5] = [500, 1_000, 2_000, 4_000, 5_000];

    /// Data of `ready` and `reset`.
    #[derive(Deserialize)]
    struct Cursor {
        cursor: i64,
    }

    /// One open `EventSource` and the callbacks it holds.
    struct Connection {
        source: EventSource,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(Event)>,
    }

    /// The tab's stream and its listeners.
    struct Stream {
        auth: Auth,
        listeners: RefCell<Vec<Rc<Listener>>>,
        /// The state, which every listener reads (those that join later too).
        status: ArcRwSignal<LiveStatus>,
        /// The user the stream runs for, `None` while stopped.
        user_id: RefCell<Option<String>>,
        /// Bumped whenever the stream stops or opens a new connection, so a
        /// ticket request, timer or event from an older attempt does nothing.
        epoch: Cell<u64>,
        /// The newest event id seen: where a reconnect resumes.
        last_id: Cell<Option<i64>>,
        /// The user `last_id` was seen for.
        cursor_user: RefCell<Option<String>>,
        /// Failed attempts since the stream was last live, for the backoff.
        failures: Cell<usize>,
        connection: RefCell<Option<Connection>>,
    }

    /// Joins the tab's stream (opening it if nobody listened yet), follows
    /// the session with it, and leaves when the calling component is
    /// cleaned up.
    pub(super) fn run(
        on_event: Box<dyn Fn(LiveEvent)>,
        on_sync: Box<dyn Fn()>,
    ) -> ReadSignal<LiveStatus> {
        let auth = use_auth();
        let stream = SHARED
            .with(|shared| shared.borrow().upgrade())
            .unwrap_or_else(|| {
                let stream = Rc::new(Stream {
                    auth,
                    listeners: RefCell::new(Vec::new()),
                    status: ArcRwSignal::new(LiveStatus::Connecting),
                    user_id: RefCell::new(None),
                    epoch: Cell::new(0),
                    last_id: Cell::new(None),
                    cursor_user: RefCell::new(None),
                    failures: Cell::new(0),
                    connection: RefCell::new(None),
                });
                SHARED.with(|shared| *shared.borrow_mut() = Rc::downgrade(&stream));
                stream
            });
        let status = stream.status.read_only().into();
        let listener = Rc::new(Listener { on_event, on_sync });
        stream.listeners.borrow_mut().push(Rc::clone(&listener));
        // Cleanups must be `Send`; the stream lives in this thread's arena
        // and the cleanup only reaches it through the handle.
        let held = StoredValue::new_local((Rc::clone(&stream), listener));
        on_cleanup(move || {
            held.try_with_value(|(stream, listener)| stream.leave(listener));
        });
        // Effects run only in the browser, after hydration.
        Effect::new(
            move |_| match auth.user.with(|u| u.as_ref().map(|u| u.id.clone())) {
                Some(id) if auth.ready.get() => stream.start(id),
                _ => stream.stop(),
            },
        );
        status
    }

    impl Stream {
        /// A listener leaves; the last one closes the connection.
        fn leave(&self, listener: &Rc<Listener>) {
            self.listeners
                .borrow_mut()
                .retain(|l| !Rc::ptr_eq(l, listener));
            if self.listeners.borrow().is_empty() {
                self.stop();
            }
        }

        /// Tells every listener something, from a copy of the list: a
        /// listener may join or leave while it is being told.
        fn tell(&self, what: impl Fn(&Listener)) {
            let listeners = self.listeners.borrow().clone();
            for listener in listeners {
                what(&listener);
            }
        }

        /// Opens the stream for `user_id`, unless it already runs for them.
        fn start(self: &Rc<Self>, user_id: String) {
            if self.user_id.borrow().as_deref() == Some(user_id.as_str()) {
                return;
            }
            self.stop();
            if self.cursor_user.borrow().as_deref() != Some(user_id.as_str()) {
                // Another account's cursor means nothing for this one.
                self.last_id.set(None);
                *self.cursor_user.borrow_mut() = Some(user_id.clone());
            }
            *self.user_id.borrow_mut() = Some(user_id);
            self.status.set(LiveStatus::Connecting);
            self.open();
        }

        /// Closes the connection; a pending reconnect, now stale, does nothing.
        fn stop(&self) {
            self.epoch.set(self.epoch.get() + 1);
            *self.user_id.borrow_mut() = None;
            self.close();
        }

        /// Closes the current `EventSource`, if any.
        fn close(&self) {
            if let Some(connection) = self.connection.borrow_mut().take() {
                connection.source.close();
                // Often called from inside one of the connection's own
                // callbacks: free them once that callback has returned.
                spawn_local(async move { drop(connection) });
            }
        }

        /// Gets a ticket and connects with it.
        fn open(self: &Rc<Self>) {
            let epoch = self.epoch.get() + 1;
            self.epoch.set(epoch);
            let stream = Rc::downgrade(self);
            spawn_local(async move {
                let ticket = crate::bar_api::stream_ticket().await;
                let Some(stream) = current(&stream, epoch) else {
                    return;
                };
                match stream.auth.watch(ticket) {
                    Ok(ticket) => stream.connect(&ticket.ticket, epoch),
                    // The session manager sends the user to sign in.
                    Err(e) if e.ends_session() => stream.stop(),
                    // The server may be restarting: keep trying.
                    Err(_) => stream.retry_later(epoch),
                }
            });
        }

        fn connect(self: &Rc<Self>, ticket: &str, epoch: u64) {
            let since = self.last_id.get().map(|last| format!("&since={last}"));
            let ticket = encode_component(ticket);
            let url = format!("/api/events?ticket={ticket}{}", since.unwrap_or_default());
            let source = match EventSource::new(&url) {
                Ok(source) => source,
                Err(e) => {
                    leptos::logging::warn!("could not open the live stream: {e:?}");
                    return self.retry_later(epoch);
                }
            };
            let weak = Rc::downgrade(self);
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let Some(stream) = current(&weak, epoch) {
                    stream.receive(&event);
                }
            });
            let weak = Rc::downgrade(self);
            let on_error = Closure::<dyn FnMut(Event)>::new(move |_: Event| {
                if let Some(stream) = current(&weak, epoch) {
                    // Closed here, or the browser would retry with the spent ticket.
                    stream.close();
                    stream.retry_later(epoch);
                }
            });
            // Every named event; comments (keep-alives) reach no listener.
            for kind in StreamEvent::ALL.map(StreamEvent::as_str) {
                if let Err(e) = source
                    .add_event_listener_with_callback(kind, on_message.as_ref().unchecked_ref())
                {
                    leptos::logging::warn!("could not listen for {kind} events: {e:?}");
                }
            }
            source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            *self.connection.borrow_mut() = Some(Connection {
                source,
                _on_message: on_message,
                _on_error: on_error,
            });
        }

        /// Tries again after the backoff, with a new ticket.
        fn retry_later(self: &Rc<Self>, epoch: u64) {
            self.status.set(LiveStatus::Reconnecting);
            let failures = self.failures.replace(self.failures.get() + 1);
            let wait = BACKOFF_MS[failures.min(BACKOFF_MS.len() - 1)];
            let stream = Rc::downgrade(self);
            let reopen = move || {
                if let Some(stream) = current(&stream, epoch) {
                    stream.open();
                }
            };
            if let Err(e) = set_timeout_with_handle(reopen, Duration::from_millis(wait.into())) {
                leptos::logging::warn!("could not schedule a reconnect: {e:?}");
            }
        }

        fn receive(self: &Rc<Self>, event: &MessageEvent) {
            let Some(kind) = StreamEvent::parse(&event.type_()) else {
                return;
            };
            let data = event.data().as_string().unwrap_or_default();
            match kind {
                StreamEvent::Ready | StreamEvent::Reset => {
                    // The server's cursor: the stream resumes after it, even
                    // when it moved back (a reset after a database change).
                    if let Ok(Cursor { cursor }) = serde_json::from_str::<Cursor>(&data) {
                        self.last_id.set(Some(cursor));
                    }
                    if kind == StreamEvent::Ready {
                        self.failures.set(0);
                        self.status.set(LiveStatus::Live);
                    }
                    return self.tell(|listener| (listener.on_sync)());
                }
                StreamEvent::SessionEnded => return self.session_ended(),
                _ => {}
            }
            if let Ok(id) = event.last_event_id().parse::<i64>() {
                // Replays after a reconnect may overlap what was seen.
                if self.last_id.get().is_some_and(|last| id <= last) {
                    return;
                }
                self.last_id.set(Some(id));
            }
            let event = LiveEvent {
                kind,
                data: data.into(),
            };
            self.tell(|listener| (listener.on_event)(event.clone()));
        }

        /// The stream says its session has ended.
        fn session_ended(self: &Rc<Self>) {
            self.stop();
            let auth = self.auth;
            // Signed out here already (say, everywhere, from this
            // tab): nothing more to tell.
            if auth.user.with_untracked(Option::is_none) {
                return;
            }
            let stream = Rc::downgrade(self);
            spawn_local(async move {
                // Asking the server lets the session manager see the
                // 401 and send the user to sign in.
                let me = auth.watch(crate::api::me().await);
                // The session turned out to be alive after all (a
                // check that failed on the server's side): resume,
                // after the backoff in case it happens again.
                if let (Ok(user), Some(stream)) = (me, stream.upgrade()) {
                    if stream.user_id.borrow().is_none() {
                        *stream.user_id.borrow_mut() = Some(user.id);
                        stream.epoch.set(stream.epoch.get() + 1);
                        stream.retry_later(stream.epoch.get());
                    }
                }
            });
        }
    }

    /// The stream, if it still exists and `epoch` is still its current attempt.
    fn current(stream: &Weak<Stream>, epoch: u64) -> Option<Rc<Stream>> {
        stream.upgrade().filter(|s| s.epoch.get() == epoch)
    }
}
