//! Handing what one lock holder wrote to the next holder, in another tab.
//!
//! `localStorage` is not coherent between tabs: each renderer process reads
//! its own copy, updated by messages that are not ordered with Web Lock
//! grants. A tab that takes the refresh lock just after another tab released
//! it can still read the old access token, find it due and refresh a second
//! time (the server's grace window accepts it, but the session rotates twice).
//!
//! IndexedDB is coherent: one backend orders every transaction of the origin.
//! So the holder records a fingerprint of the watched key there before it
//! releases the lock, and the next holder first waits, for a bounded time,
//! until its own copy of the key has that fingerprint. The fingerprint is a
//! 64-bit FNV-1a hash, so no token is copied into a second store.
//!
//! Both steps are best effort: without IndexedDB (or if it misbehaves) the
//! lock works as before, and the server's grace window still covers a second
//! refresh.

use std::future::Future;

use futures::future::{select, Either};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

const DB_NAME: &str = "taproom-session";
const STORE: &str = "lock-handoff";
/// How long a holder waits for its copy of `localStorage` to catch up.
/// Propagation takes milliseconds; the bound only matters when the record
/// and storage disagree for good (e.g. storage cleared by hand).
const CATCH_UP_LIMIT_MS: f64 = 2_000.0;
const POLL_MS: i32 = 10;
/// An IndexedDB call that takes longer than this is given up.
const IDB_LIMIT_MS: i32 = 1_000;

/// The fingerprint of a stored value (`-` for none).
pub(crate) fn fingerprint(value: Option<&str>) -> String {
    let Some(value) = value else {
        return "-".to_owned();
    };
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in value.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Records `mark` as what the holder of `lock` leaves behind.
pub(crate) async fn publish(lock: &str, mark: &str) {
    let write = async {
        let db = open().await?;
        let outcome: Result<(), JsValue> = async {
            let tx = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)?;
            tx.object_store(STORE)?
                .put_with_key(&JsValue::from_str(mark), &JsValue::from_str(lock))?;
            // `complete` fires once the backend committed: every transaction
            // another tab starts after this (after taking the lock) sees it.
            let committed = Promise::new(&mut |resolve, reject| {
                tx.set_oncomplete(Some(&resolve));
                tx.set_onerror(Some(&reject));
                tx.set_onabort(Some(&reject));
            });
            JsFuture::from(committed).await.map(drop)
        }
        .await;
        db.close();
        outcome
    };
    // Best effort: see the module documentation.
    let _ = within(IDB_LIMIT_MS, write).await;
}

/// Waits until `local()` (this tab's fingerprint of the watched key) equals
/// what the last holder of `lock` recorded, or until the wait limit passes.
/// Returns whether they agree.
pub(crate) async fn catch_up(lock: &str, local: impl Fn() -> String) -> bool {
    let recorded = match within(IDB_LIMIT_MS, read(lock)).await {
        Some(Ok(Some(mark))) => mark,
        // Nothing recorded yet, or IndexedDB unavailable: nothing to wait for.
        _ => return true,
    };
    let started = js_sys::Date::now();
    let mut polls = 0_u32;
    loop {
        if local() == recorded {
            if polls > 0 {
                let waited = js_sys::Date::now() - started;
                web_sys::console::debug_1(&JsValue::from_str(&format!(
                    "session: waited {waited} ms for another tab's update to {lock}"
                )));
            }
            return true;
        }
        if js_sys::Date::now() - started > CATCH_UP_LIMIT_MS {
            web_sys::console::warn_1(&JsValue::from_str(&format!(
                "session: storage never matched the last holder of {lock}; going on"
            )));
            return false;
        }
        polls += 1;
        // Yield to the event loop: storage updates from other tabs arrive
        // as tasks.
        sleep_ms(POLL_MS).await;
    }
}

/// The mark recorded for `lock`, if any.
async fn read(lock: &str) -> Result<Option<String>, JsValue> {
    let db = open().await?;
    let outcome: Result<Option<String>, JsValue> = async {
        let tx = db.transaction_with_str_and_mode(STORE, IdbTransactionMode::Readonly)?;
        let request = tx.object_store(STORE)?.get(&JsValue::from_str(lock))?;
        Ok(settle(&request).await?.as_string())
    }
    .await;
    db.close();
    outcome
}

/// Opens the database, creating its one store the first time.
async fn open() -> Result<IdbDatabase, JsValue> {
    let factory = web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window"))?
        .indexed_db()?
        .ok_or_else(|| JsValue::from_str("no IndexedDB"))?;
    let request = factory.open_with_u32(DB_NAME, 1)?;
    let upgrade = {
        let request = request.clone();
        Closure::once(move || {
            if let Ok(db) = request.result() {
                let _ = db
                    .unchecked_into::<IdbDatabase>()
                    .create_object_store(STORE);
            }
        })
    };
    request.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let opened = settle(&request).await;
    request.set_onupgradeneeded(None);
    drop(upgrade);
    Ok(opened?.unchecked_into())
}

/// The result of an IndexedDB request once it succeeded.
async fn settle(request: &IdbRequest) -> Result<JsValue, JsValue> {
    // Requests report by events, always in a later task, so handlers set
    // right after the call see them.
    let done = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(done).await?;
    request.result()
}

/// `work`'s output, unless it takes longer than `ms`.
async fn within<T>(ms: i32, work: impl Future<Output = T>) -> Option<T> {
    match select(Box::pin(work), Box::pin(sleep_ms(ms))).await {
        Either::Left((output, _)) => Some(output),
        Either::Right(((), _)) => None,
    }
}

/// Waits on a browser timer.
async fn sleep_ms(ms: i32) {
    let timer = Promise::new(&mut |resolve, _reject| {
        let scheduled = web_sys::window().is_some_and(|window| {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .is_ok()
        });
        if !scheduled {
            // No timer to wait on: go on at once rather than never.
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(timer).await;
}
