//! Data a page loads from the API: loading, loaded or failed, with the
//! views for the first and the last, so every page of every app says the
//! same things.

use std::future::Future;

use crate::Auth;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::session::SessionError;

/// Where a load stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    Loading,
    Ready(T),
    Failed(String),
}

impl<T> Load<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Load::Ready(value) => Some(value),
            _ => None,
        }
    }
}

/// The kind of a [`Load`] without its data, to switch views on: a page
/// re-renders its skeleton only when this changes, not on every update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Loading,
    Ready,
    Failed(String),
}

/// A [`Load`] in a signal, and the loads that fill it.
#[derive(Debug)]
pub struct Loader<T: Send + Sync + 'static> {
    pub state: RwSignal<Load<T>>,
    /// Whether a load is running (a reload keeps showing the old data).
    pub pending: RwSignal<bool>,
    /// Numbers the loads, so an older answer arriving late (a reload racing
    /// another) never replaces a newer one.
    latest: StoredValue<u64>,
}

impl<T: Send + Sync + 'static> Clone for Loader<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Loader<T> {}

impl<T: Send + Sync + 'static> Default for Loader<T> {
    fn default() -> Self {
        Loader::new()
    }
}

impl<T: Send + Sync + 'static> Loader<T> {
    pub fn new() -> Self {
        Loader {
            state: RwSignal::new(Load::Loading),
            pending: RwSignal::new(false),
            latest: StoredValue::new(0),
        }
    }

    /// Runs `fetch` in the background and keeps its answer.
    pub fn load<F, Fut>(self, auth: Auth, fetch: F)
    where
        F: FnOnce() -> Fut + 'static,
        Fut: Future<Output = Result<T, SessionError>> + 'static,
    {
        spawn_local(async move { self.fetch(auth, fetch()).await });
    }

    /// Awaits `request` and keeps its answer. A failed reload keeps the
    /// data already shown (the offline banner says why); a lost session
    /// shows nothing, as the page is about to go to the sign-in page.
    pub async fn fetch(self, auth: Auth, request: impl Future<Output = Result<T, SessionError>>) {
        let Some(number) = self.latest.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return;
        };
        self.pending.set(true);
        let outcome = auth.watch(request.await);
        if self.latest.try_with_value(|n| *n != number).unwrap_or(true) {
            return;
        }
        self.pending.set(false);
        let shown = self.state.try_with_untracked(|s| s.ready().is_some()) == Some(true);
        match outcome {
            Ok(value) => self.state.set(Load::Ready(value)),
            Err(e) if e.ends_session() || shown => {}
            Err(e) => self.state.set(Load::Failed(e.to_string())),
        }
    }

    /// Changes the loaded data in place (after an action answered with it).
    pub fn patch(&self, change: impl FnOnce(&mut T)) {
        self.state.update(|state| {
            if let Load::Ready(value) = state {
                change(value);
            }
        });
    }

    /// The stage, as a memo that changes only when the stage does.
    pub fn stage(self) -> Memo<Stage> {
        Memo::new(move |_| {
            self.state.with(|s| match s {
                Load::Loading => Stage::Loading,
                Load::Ready(_) => Stage::Ready,
                Load::Failed(message) => Stage::Failed(message.clone()),
            })
        })
    }

    /// Back online after a failed load: `reload` without being asked.
    pub fn reload_when_online(self, auth: Auth, reload: impl Fn() + 'static) {
        Effect::new(move |was_offline: Option<bool>| {
            let offline = auth.offline.get();
            if was_offline == Some(true)
                && !offline
                && self.state.with_untracked(|s| matches!(s, Load::Failed(_)))
            {
                reload();
            }
            offline
        });
    }
}

/// The actions of one part of a page, one at a time: which one is in
/// flight (its button says so, the others wait), what the last one said
/// and why it failed. The admin's menu editor, sessions console and users
/// table all run their buttons through one of these.
#[derive(Debug, Clone, Copy)]
pub struct Actions {
    auth: Auth,
    /// Names the action in flight.
    busy: RwSignal<Option<String>>,
    /// What the last action did ("3 sessions ended").
    pub notice: RwSignal<Option<String>>,
    /// Why the last action failed.
    pub error: RwSignal<Option<String>>,
}

impl Actions {
    pub fn new(auth: Auth) -> Actions {
        Actions {
            auth,
            busy: RwSignal::new(None),
            notice: RwSignal::new(None),
            error: RwSignal::new(None),
        }
    }

    /// Whether an action is in flight (tracked).
    pub fn locked(&self) -> bool {
        self.busy.with(Option::is_some)
    }

    /// Whether the action named `key` is in flight (tracked).
    pub fn running(&self, key: &str) -> bool {
        self.busy.with(|b| b.as_deref() == Some(key))
    }

    /// Runs `action`, named `key`, unless another one runs (its buttons are
    /// disabled anyway): clears the last notice and error, then shows the
    /// notice the action answers, if any (it may also set one itself), or
    /// its error. A lost session shows nothing: the
    /// page is about to go to the sign-in page.
    pub fn run(
        &self,
        key: impl Into<String>,
        action: impl Future<Output = Result<Option<String>, SessionError>> + 'static,
    ) {
        self.run_reporting(key, self.error, action);
    }

    /// [`Actions::run`] with its error shown in `error`.
    pub fn run_reporting(
        self,
        key: impl Into<String>,
        error: RwSignal<Option<String>>,
        action: impl Future<Output = Result<Option<String>, SessionError>> + 'static,
    ) {
        if self.busy.with_untracked(Option::is_some) {
            return;
        }
        self.busy.set(Some(key.into()));
        self.notice.set(None);
        error.set(None);
        spawn_local(async move {
            match self.auth.watch(action.await) {
                Ok(Some(said)) => self.notice.set(Some(said)),
                Err(e) if !e.ends_session() => error.set(Some(e.to_string())),
                _ => {}
            }
            self.busy.set(None);
        });
    }
}

/// The loading line.
pub fn loading(text: &'static str) -> AnyView {
    view! { <p class="loading" aria-busy="true">{text}</p> }.into_any()
}

/// A failed load: the reason and a way to try again.
pub fn failed(message: String, retry: impl Fn() + 'static) -> AnyView {
    view! {
        <div class="form-error" role="alert" data-testid="load-error">
            <p>{message}</p>
            <button type="button" class="button secondary" on:click=move |_| retry()>
                "Try again"
            </button>
        </div>
    }
    .into_any()
}

/// What a page shows of a load: its loading line, its failure with a way
/// to `retry`, or `ready` once loaded; redrawn only when the stage changes.
pub fn staged<V: IntoView + 'static>(
    stage: impl Get<Value = Stage> + Send + 'static,
    loading_text: &'static str,
    retry: impl Fn() + Copy + Send + 'static,
    ready: impl Fn() -> V + Send + 'static,
) -> impl IntoView {
    move || match stage.get() {
        Stage::Loading => loading(loading_text),
        Stage::Failed(message) => failed(message, retry),
        Stage::Ready => ready().into_any(),
    }
}

/// A status line after an action ("3 sessions ended"), announced.
pub fn notice(text: Option<String>) -> Option<AnyView> {
    text.map(|text| {
        view! { <p class="success" role="status" data-testid="notice">{text}</p> }.into_any()
    })
}

/// An action's error, announced.
pub fn error_line(text: Option<String>) -> Option<AnyView> {
    text.map(|text| {
        view! { <p class="form-error" role="alert" data-testid="form-error">{text}</p> }.into_any()
    })
}
