//! The queue's state and what changes it, shared by the board page and
//! its cards: loading the open orders and the tables calling, taking in
//! updates from the live stream and from taps, the bumps this screen can
//! recall, notes on cards, the ticket timers, the menu for the
//! availability panel, the stations and which of them this screen shows.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bar::{
    BarSettings, MenuCategory, MenuItemEvent, Order, OrderStatus, Station, TableCall, TicketTimers,
    RECALL_WINDOW_SECS,
};
use shared::session::SessionError;
use ui::format::now_millis;
use ui::load::{Load, Loader, Stage};
use ui::{bar_api, Auth};

use crate::board::{Applied, Board, CallStrip};
use crate::recall::{Bump, Recalls};
use crate::sound::Sound;
use crate::stations::{StationView, STORAGE_KEY};
use ui::menu::apply_item_event;

/// How long a new order or call stays highlighted.
const NEW_FOR: Duration = Duration::from_secs(20);
/// How long a note stays on a card.
const NOTE_FOR: Duration = Duration::from_secs(8);
/// How often ages on the cards move on: often enough that a ticket turns
/// amber or red within seconds of its threshold (the ages themselves read
/// in whole minutes).
pub const TICK: Duration = Duration::from_secs(5);

/// Reloads of a list (the open orders, the open calls): the number of the
/// latest, and while it is on its way the updates that arrived meanwhile:
/// its answer may predate them, so they are applied again on top of it.
/// Only the latest reload is applied, and it was asked after every update
/// that came before it.
#[derive(Debug)]
struct Reloads<T> {
    latest: u64,
    arrived: Option<Vec<T>>,
}

impl<T> Default for Reloads<T> {
    fn default() -> Self {
        Reloads {
            latest: 0,
            arrived: None,
        }
    }
}

impl<T: Clone> Reloads<T> {
    /// A reload starts; answers its number.
    fn start(&mut self) -> u64 {
        self.latest += 1;
        self.arrived = Some(Vec::new());
        self.latest
    }

    /// Reload `number` has its answer: if it is the latest one, the
    /// updates to apply again on top of it.
    fn finish(&mut self, number: u64) -> Option<Vec<T>> {
        (self.latest == number).then(|| self.arrived.take().unwrap_or_default())
    }

    /// An update arrived; kept while the latest reload may predate it.
    fn arrived(&mut self, update: &T) {
        if let Some(arrived) = &mut self.arrived {
            arrived.push(update.clone());
        }
    }
}

/// Loads again a list the live stream also keeps current (the open orders,
/// the open calls), keeping what is shown meanwhile: only the latest of
/// overlapping reloads is applied: `fill` puts its answer in, and `apply`
/// applies the updates that arrived while it was on its way again on top.
fn reload_list<T, S>(
    auth: Auth,
    reloads: StoredValue<Reloads<T>>,
    shown: RwSignal<S>,
    loading: RwSignal<Stage>,
    fetch: impl Future<Output = Result<Vec<T>, SessionError>> + 'static,
    fill: fn(&mut S, Vec<T>),
    apply: fn(&mut S, T) -> Applied,
) where
    T: Clone + Send + Sync + 'static,
    S: Send + Sync + 'static,
{
    let Some(generation) = reloads.try_update_value(|r| r.start()) else {
        return;
    };
    spawn_local(async move {
        let answer = auth.watch(fetch.await);
        // Gone with the page, or a newer reload is on its way and will be
        // applied instead.
        let Some(Some(arrived)) = reloads.try_update_value(|r| r.finish(generation)) else {
            return;
        };
        match answer {
            Ok(list) => {
                shown.update(|shown| {
                    fill(shown, list);
                    for update in arrived {
                        apply(shown, update);
                    }
                });
                loading.set(Stage::Ready);
            }
            // Once loaded, a failed reload keeps the list (stale but
            // usable); the offline banner or live badge says why.
            Err(e) if e.ends_session() || loading.get_untracked() == Stage::Ready => {}
            Err(e) => loading.set(Stage::Failed(e.to_string())),
        }
    });
}

/// Everything the board page and its cards share (all handles, so `Copy`).
#[derive(Clone, Copy)]
pub struct Queue {
    pub auth: Auth,
    pub board: RwSignal<Board>,
    pub loading: RwSignal<Stage>,
    reloads: StoredValue<Reloads<Order>>,
    /// The last bumps made from this screen, which it can still recall.
    pub recalls: RwSignal<Recalls>,
    /// The tables calling for staff or the bill.
    pub calls: RwSignal<CallStrip>,
    pub calls_loading: RwSignal<Stage>,
    call_reloads: StoredValue<Reloads<TableCall>>,
    /// Orders and calls (by id) that arrived live in the last [`NEW_FOR`].
    pub fresh: RwSignal<HashSet<String>>,
    /// A short message per order or call, e.g. why a tap did not work.
    pub notes: RwSignal<HashMap<String, String>>,
    /// The time the cards' ages are counted to, moved on every [`TICK`].
    pub now: RwSignal<f64>,
    /// When tickets turn amber and red: the defaults until the bar's
    /// settings load, then the admin's, live.
    pub timers: RwSignal<TicketTimers>,
    /// Counts settings taken in from the live stream, so a load that raced
    /// one of them is not trusted.
    settings_changes: StoredValue<u64>,
    pub sound: Sound,
    pub menu: Loader<Vec<MenuCategory>>,
    /// Counts item changes taken in, so a menu load that raced one of
    /// them is not trusted.
    menu_changes: StoredValue<u64>,
    /// The bar's stations, in order (empty until loaded).
    pub stations: RwSignal<Vec<Station>>,
    /// What this screen shows: all orders, one station, or expo.
    pub view: RwSignal<StationView>,
}

impl Queue {
    pub fn new(auth: Auth) -> Self {
        Queue {
            auth,
            board: RwSignal::new(Board::default()),
            loading: RwSignal::new(Stage::Loading),
            reloads: StoredValue::new(Reloads::default()),
            recalls: RwSignal::new(Recalls::default()),
            calls: RwSignal::new(CallStrip::default()),
            calls_loading: RwSignal::new(Stage::Loading),
            call_reloads: StoredValue::new(Reloads::default()),
            fresh: RwSignal::new(HashSet::new()),
            notes: RwSignal::new(HashMap::new()),
            now: RwSignal::new(now_millis()),
            timers: RwSignal::new(TicketTimers::default()),
            settings_changes: StoredValue::new(0),
            sound: Sound::new(),
            menu: Loader::new(),
            menu_changes: StoredValue::new(0),
            stations: RwSignal::new(Vec::new()),
            // "All" until the stations load and the stored choice is read
            // (so the server's page and the first browser frame agree).
            view: RwSignal::new(StationView::All),
        }
    }

    /// Loads the stations, then shows the view chosen on this tablet if its
    /// station still exists ("All" otherwise).
    pub fn reload_stations(self) {
        spawn_local(async move {
            match self.auth.watch(bar_api::stations().await) {
                Ok(list) => {
                    // The page may have been left while the list was on
                    // its way.
                    let Some(shown) = self.view.try_get_untracked() else {
                        return;
                    };
                    let stored = ui::storage::load(STORAGE_KEY).map(|v| StationView::parse(&v));
                    let view = stored.unwrap_or_default().known(&list.stations);
                    self.stations.set(list.stations);
                    // The board redraws its cards on a change of view only.
                    if shown != view {
                        self.view.set(view);
                    }
                }
                Err(e) if e.ends_session() => {}
                // The screen works on as "All"; the offline banner or live
                // badge says why.
                Err(e) => leptos::logging::warn!("could not load the stations: {e}"),
            }
        });
    }

    /// Shows `view` on this screen from now on, and remembers it here.
    pub fn choose_view(self, view: StationView) {
        ui::storage::keep(STORAGE_KEY, Some(&view.key()));
        if self.view.get_untracked() != view {
            self.view.set(view);
        }
    }

    /// Loads the open orders again; the board stays as it is meanwhile.
    pub fn reload(self) {
        let recalls = self.recalls;
        let fetch = async move {
            bar_api::open_orders().await.map(|open| {
                // Whether or not this answer is applied, an order listed at
                // a newer version has moved on from this screen's bump.
                recalls.maybe_update(|recalls| {
                    let seen = open.orders.iter().map(|o| recalls.seen(&o.id, o.version));
                    seen.fold(false, |changed, went| changed | went)
                });
                open.orders
            })
        };
        reload_list(
            self.auth,
            self.reloads,
            self.board,
            self.loading,
            fetch,
            Board::replace,
            Board::apply,
        );
    }

    /// Takes in an order as the server has it now (from the live stream or
    /// the answer to a tap). Answers what changed.
    pub fn apply(self, order: Order) -> Applied {
        self.reloads.update_value(|r| r.arrived(&order));
        self.recalls
            .maybe_update(|recalls| recalls.seen(&order.id, order.version));
        self.board
            .try_update(|board| board.apply(order))
            .unwrap_or(Applied::Ignored)
    }

    /// Remembers a bump made from this screen (`order` is the answer to
    /// moving it on from `from`, or to marking `station`'s lines ready), so
    /// it can be recalled for a while; unless the board has already seen
    /// the order move on from it.
    pub fn bumped(self, from: OrderStatus, order: &Order, station: Option<(String, String)>) {
        let seen = self.board.try_with_untracked(|b| b.version_of(&order.id));
        if seen.flatten() > Some(order.version) {
            return;
        }
        let bump = Bump::new(from, order, station, now_millis());
        self.recalls.update(|recalls| recalls.push(bump));
        // Off the panel when its window closes, not at the next tick (a
        // no-op once the page is gone).
        let prune = move || self.recalls.maybe_update(|r| r.prune(now_millis()));
        let window = Duration::from_secs(RECALL_WINDOW_SECS.unsigned_abs());
        set_timeout(prune, window);
    }

    /// Forgets a bump: recalled, or refused by the server.
    pub fn forget_bump(self, bump: &Bump) {
        self.recalls
            .maybe_update(|recalls| recalls.remove(&bump.order_id, bump.version));
    }

    /// Something new for the bar from the live stream (an order, a table
    /// calling, `applied` to a list that had loaded, `loading`):
    /// highlighted for [`NEW_FOR`], and the chime if it is on.
    pub fn announce(self, id: String, loading: RwSignal<Stage>, applied: Applied) {
        if applied != Applied::Added || loading.get_untracked() != Stage::Ready {
            return;
        }
        self.fresh.update(|fresh| fresh.extend([id.clone()]));
        self.sound.beep();
        // A no-op once the page is gone.
        let forget = move || self.fresh.maybe_update(|fresh| fresh.remove(&id));
        set_timeout(forget, NEW_FOR);
    }

    /// Whether the order or call `id` arrived live in the last
    /// [`NEW_FOR`], for its card's highlight.
    pub fn is_new(self, id: String) -> impl Fn() -> bool + Send + Sync + 'static {
        move || self.fresh.with(|fresh| fresh.contains(&id))
    }

    /// Loads the open calls again; the strip stays as it is meanwhile.
    pub fn reload_calls(self) {
        reload_list(
            self.auth,
            self.call_reloads,
            self.calls,
            self.calls_loading,
            async { bar_api::open_calls().await.map(|open| open.calls) },
            CallStrip::replace,
            CallStrip::apply,
        );
    }

    /// Takes in a call as the server has it now (from the live stream or
    /// the answer to "On my way"). Answers what changed.
    pub fn apply_call(self, call: TableCall) -> Applied {
        self.call_reloads.update_value(|r| r.arrived(&call));
        self.calls
            .try_update(|strip| strip.apply(call))
            .unwrap_or(Applied::Ignored)
    }

    /// Shows `text` on the order's card for a few seconds.
    pub fn note(self, order_id: &str, text: String) {
        let (id, notes) = (order_id.to_owned(), self.notes);
        notes.update(|notes| notes.extend([(id.clone(), text.clone())]));
        // Only this note: a newer one stays its full time.
        let clear = move || notes.update(|notes| notes.retain(|k, v| (k, &*v) != (&id, &text)));
        set_timeout(clear, NOTE_FOR);
    }

    /// Clears the order's note (a new tap on its card).
    pub fn clear_note(self, order_id: &str) {
        self.notes.maybe_update(|n| n.remove(order_id).is_some());
    }

    /// Loads the bar's settings (the ticket timers).
    pub fn reload_settings(self) {
        let Some(changes) = self.settings_changes.try_get_value() else {
            return;
        };
        spawn_local(async move {
            match self.auth.watch(bar_api::bar_settings().await) {
                // A change arrived live while this was on its way, and the
                // answer may predate it: the live one stands.
                Ok(_) if self.settings_changes.try_get_value() != Some(changes) => {}
                Ok(settings) => self.timers.set(settings.ticket_timers),
                Err(e) if e.ends_session() => {}
                // The board works on with the timers it has (the defaults
                // at worst); the offline banner or live badge says why.
                Err(e) => leptos::logging::warn!("could not load the ticket timers: {e}"),
            }
        });
    }

    /// Takes in the bar's settings from the live stream.
    pub fn settings_changed(self, settings: BarSettings) {
        self.settings_changes.update_value(|n| *n += 1);
        self.timers.set(settings.ticket_timers);
    }

    /// Loads the menu for the availability panel.
    pub fn reload_menu(self) {
        let changes = self.menu_changes;
        self.menu.load(self.auth, move || async move {
            loop {
                let seen = changes.try_get_value();
                let menu = bar_api::menu().await?;
                // An item changed while this was on its way, and the
                // answer may predate it: ask again (the loader drops the
                // answer once the page is gone).
                if changes.try_get_value() == seen {
                    return Ok(menu.categories);
                }
            }
        });
    }

    /// Takes in a changed menu item (live, or the answer to a toggle).
    pub fn menu_item(self, event: MenuItemEvent) {
        self.menu_changes.update_value(|n| *n += 1);
        let known = self.menu.state.try_update(|menu| match menu {
            Load::Ready(menu) => apply_item_event(menu, &event),
            _ => true,
        });
        if known == Some(false) {
            // A category this page has not seen yet.
            self.reload_menu();
        }
    }
}
