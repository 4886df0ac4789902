//! The queue's state and what changes it, shared by the board page and
//! its cards: loading the open orders, taking in updates from the live
//! stream and from taps, notes on cards, the ticket timers, the menu for
//! the availability panel.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::bar::{BarSettings, MenuCategory, MenuItem, MenuItemEvent, Order, TicketTimers};
use ui::bar_api;
use ui::format::now_millis;
use ui::Auth;

use crate::board::{Applied, Board};
use crate::sound::Sound;
use ui::menu::apply_item_event;

/// How long a new order stays highlighted.
const NEW_FOR: Duration = Duration::from_secs(20);
/// How long a note stays on a card.
const NOTE_FOR: Duration = Duration::from_secs(8);
/// How often ages on the cards move on: often enough that a ticket turns
/// amber or red within seconds of its threshold (the ages themselves read
/// in whole minutes).
pub(crate) const TICK: Duration = Duration::from_secs(5);

/// Where loading a list stands: under way, done, or failed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Load {
    Pending,
    Done,
    Failed(String),
}

/// Reloads of the open orders in flight, and the updates that arrived
/// meanwhile: the reload's answer may predate them, so they are applied
/// again on top of it.
#[derive(Debug, Default)]
struct Reloads {
    latest: u64,
    in_flight: u32,
    arrived: Vec<Order>,
}

/// Everything the board page and its cards share (all handles, so `Copy`).
#[derive(Clone, Copy)]
pub(crate) struct Queue {
    pub(crate) auth: Auth,
    pub(crate) board: RwSignal<Board>,
    pub(crate) loading: RwSignal<Load>,
    reloads: StoredValue<Reloads>,
    /// Orders that arrived live in the last [`NEW_FOR`].
    pub(crate) fresh: RwSignal<HashSet<String>>,
    /// A short message per order, e.g. why a tap did not work.
    pub(crate) notes: RwSignal<HashMap<String, String>>,
    /// The time the cards' ages are counted to, moved on every [`TICK`].
    pub(crate) now: RwSignal<f64>,
    /// When tickets turn amber and red: the defaults until the bar's
    /// settings load, then the admin's, live.
    pub(crate) timers: RwSignal<TicketTimers>,
    /// Counts settings taken in from the live stream, so a load that raced
    /// one of them is not trusted.
    settings_changes: StoredValue<u64>,
    pub(crate) sound: Sound,
    pub(crate) menu: RwSignal<Option<Vec<MenuCategory>>>,
    pub(crate) menu_loading: RwSignal<Load>,
    /// Counts item changes taken in, so a menu load that raced one of
    /// them is not trusted.
    menu_changes: StoredValue<u64>,
}

impl Queue {
    pub(crate) fn new(auth: Auth) -> Self {
        Queue {
            auth,
            board: RwSignal::new(Board::default()),
            loading: RwSignal::new(Load::Pending),
            reloads: StoredValue::new(Reloads::default()),
            fresh: RwSignal::new(HashSet::new()),
            notes: RwSignal::new(HashMap::new()),
            now: RwSignal::new(now_millis()),
            timers: RwSignal::new(TicketTimers::default()),
            settings_changes: StoredValue::new(0),
            sound: Sound::new(),
            menu: RwSignal::new(None),
            menu_loading: RwSignal::new(Load::Pending),
            menu_changes: StoredValue::new(0),
        }
    }

    /// Loads the open orders again; the board stays as it is meanwhile.
    pub(crate) fn reload(self) {
        let Some(generation) = self.reloads.try_update_value(|r| {
            r.latest += 1;
            r.in_flight += 1;
            r.latest
        }) else {
            return;
        };
        spawn_local(async move {
            let answer = self.auth.watch(bar_api::open_orders().await);
            let Some((latest, arrived)) = self.reloads.try_update_value(|r| {
                r.in_flight -= 1;
                let arrived = if r.in_flight == 0 {
                    std::mem::take(&mut r.arrived)
                } else {
                    r.arrived.clone()
                };
                (r.latest == generation, arrived)
            }) else {
                return; // the page is gone
            };
            if !latest {
                // A newer reload is on its way and will be applied instead.
                return;
            }
            match answer {
                Ok(open) => {
                    self.board.update(|board| {
                        board.replace(open.orders);
                        for order in arrived {
                            board.apply(order);
                        }
                    });
                    self.loading.set(Load::Done);
                }
                Err(e) if e.ends_session() => {}
                Err(e) => {
                    // Once loaded, a failed reload keeps the board (stale but
                    // usable); the offline banner or live badge says why.
                    if self.loading.get_untracked() != Load::Done {
                        self.loading.set(Load::Failed(e.to_string()));
                    }
                }
            }
        });
    }

    /// Takes in an order as the server has it now (from the live stream or
    /// the answer to a tap). Answers what changed.
    pub(crate) fn apply(self, order: Order) -> Applied {
        self.reloads.update_value(|r| {
            if r.in_flight > 0 {
                r.arrived.push(order.clone());
            }
        });
        self.board
            .try_update(|board| board.apply(order))
            .unwrap_or(Applied::Ignored)
    }

    /// An order from the live stream: new ones stand out for a while.
    pub(crate) fn arrived(self, order: Order) {
        let id = order.id.clone();
        let loaded = self.loading.get_untracked() == Load::Done;
        if self.apply(order) == Applied::Added && loaded {
            self.fresh.update(|fresh| {
                fresh.insert(id.clone());
            });
            self.sound.beep();
            let fresh = self.fresh;
            set_timeout(
                move || {
                    // A no-op once the page is gone.
                    fresh.update(|fresh| {
                        fresh.remove(&id);
                    });
                },
                NEW_FOR,
            );
        }
    }

    /// Shows `text` on the order's card for a few seconds.
    pub(crate) fn note(self, order_id: &str, text: String) {
        let id = order_id.to_owned();
        self.notes.update(|notes| {
            notes.insert(id.clone(), text.clone());
        });
        let notes = self.notes;
        set_timeout(
            move || {
                // Only this note: a newer one stays its full time.
                notes.update(|notes| {
                    if notes.get(&id) == Some(&text) {
                        notes.remove(&id);
                    }
                });
            },
            NOTE_FOR,
        );
    }

    /// Clears the order's note (a new tap on its card).
    pub(crate) fn clear_note(self, order_id: &str) {
        if self.notes.with_untracked(|n| n.contains_key(order_id)) {
            self.notes.update(|notes| {
                notes.remove(order_id);
            });
        }
    }

    /// Loads the bar's settings (the ticket timers).
    pub(crate) fn reload_settings(self) {
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
    pub(crate) fn settings_changed(self, settings: BarSettings) {
        self.settings_changes.update_value(|n| *n += 1);
        self.timers.set(settings.ticket_timers);
    }

    /// Loads the menu for the availability panel.
    pub(crate) fn reload_menu(self) {
        let Some(changes) = self.menu_changes.try_get_value() else {
            return;
        };
        spawn_local(async move {
            match self.auth.watch(bar_api::menu().await) {
                Ok(_) if self.menu_changes.try_get_value() != Some(changes) => {
                    // An item changed while this was on its way, and the
                    // answer may predate it: ask again (or stop, page gone).
                    if self.menu_changes.try_get_value().is_some() {
                        self.reload_menu();
                    }
                }
                Ok(menu) => {
                    self.menu.set(Some(menu.categories));
                    self.menu_loading.set(Load::Done);
                }
                Err(e) if e.ends_session() => {}
                Err(e) => {
                    if self.menu.with_untracked(Option::is_none) {
                        self.menu_loading.set(Load::Failed(e.to_string()));
                    }
                }
            }
        });
    }

    /// Takes in a changed menu item (live, or the answer to a toggle).
    pub(crate) fn menu_item(self, event: MenuItemEvent) {
        self.menu_changes.update_value(|n| *n += 1);
        let mut known = true;
        self.menu.update(|menu| {
            if let Some(menu) = menu {
                known = apply_item_event(menu, &event);
            }
        });
        if !known {
            // A category this page has not seen yet.
            self.reload_menu();
        }
    }

    /// The answer to a toggle.
    pub(crate) fn item_changed(self, item: MenuItem) {
        self.menu_item(MenuItemEvent {
            item,
            removed: false,
        });
    }
}
