//! Asking for the password again when the server wants a fresh proof.
//!
//! A sensitive action (sign out everywhere, an admin's action on users and
//! sessions) answers `403 reauth_required` when the session has not proved
//! the password within the server's window. [`with_reauth`] then opens the
//! password dialog ([`crate::components::ReauthDialog`], in every app's
//! header), waits for the person, and repeats the action once the password
//! is confirmed. The form behind the dialog stays as it was, so nothing
//! typed is lost.

use std::cell::RefCell;
use std::future::Future;

use futures::channel::oneshot;
use leptos::prelude::*;
use shared::security::REAUTH_REQUIRED;
use shared::session::SessionError;

/// The dialog's state: whether it is open (who waits for its answer is
/// kept in `WAITING`, outside any reactive owner).
#[derive(Debug, Clone, Copy)]
pub struct ReauthPrompt {
    pub open: RwSignal<bool>,
}

thread_local! {
    static PROMPT: RefCell<Option<ReauthPrompt>> = const { RefCell::new(None) };
    static WAITING: RefCell<Vec<oneshot::Sender<bool>>> = const { RefCell::new(Vec::new()) };
}

/// Creates the prompt the dialog shows (once per app).
pub fn provide_prompt() {
    let open = RwSignal::new(false);
    let prompt = ReauthPrompt { open };
    PROMPT.with(|p| *p.borrow_mut() = Some(prompt));
    provide_context(prompt);
}

/// Opens the dialog and waits: true once the password was confirmed,
/// false if the person cancelled. Callers that ask together share one dialog.
async fn ask() -> bool {
    let Some(prompt) = PROMPT.with(|p| *p.borrow()) else {
        return false;
    };
    let (tx, rx) = oneshot::channel();
    WAITING.with(|w| w.borrow_mut().push(tx));
    prompt.open.set(true);
    rx.await.unwrap_or(false)
}

/// The dialog's answer: wakes every caller waiting for it and closes it.
pub fn answer(prompt: ReauthPrompt, confirmed: bool) {
    prompt.open.set(false);
    for waiting in WAITING.with(|w| std::mem::take(&mut *w.borrow_mut())) {
        let _ = waiting.send(confirmed);
    }
}

/// Runs a sensitive call; if the server asks for the password first, asks
/// the person and, once confirmed, runs it again (once).
pub async fn with_reauth<T, F, Fut>(call: F) -> Result<T, SessionError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, SessionError>>,
{
    match call().await {
        Err(SessionError::Api {
            status: 403,
            mut body,
        }) if body.error == REAUTH_REQUIRED => {
            if ask().await {
                return call().await;
            }
            body.message = "Not done: your password was not confirmed.".to_owned();
            Err(SessionError::Api { status: 403, body })
        }
        other => other,
    }
}
