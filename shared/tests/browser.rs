//! The session manager's browser adapters in real headless Chromium
//! (`wasm-bindgen-test-runner` with chromedriver; see `scripts/test-browser.sh`).

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use shared::api::ClientApp;
use shared::session::browser::{BrowserClock, LocalStorage, WebLock};
use shared::session::{Clock, RefreshLock, TokenStorage};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Waits on a browser timer, letting every other task and lock grant run.
async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn raw_local_storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
fn local_storage_keeps_raw_strings_under_each_apps_exact_keys() {
    let storage = LocalStorage;
    for app in [ClientApp::Customer, ClientApp::Bartender, ClientApp::Admin] {
        let keys = app.storage_keys();
        storage.set(keys.access, "access.jwt.value").unwrap();
        storage.set(keys.refresh, "refresh.jwt.value").unwrap();
        storage.set(keys.user, r#"{"id":"u"}"#).unwrap();
        // Other clients read these keys directly: no JSON quoting.
        let raw = raw_local_storage();
        assert_eq!(
            raw.get_item(keys.access).unwrap().as_deref(),
            Some("access.jwt.value")
        );
        assert_eq!(
            raw.get_item(keys.refresh).unwrap().as_deref(),
            Some("refresh.jwt.value")
        );
        assert_eq!(storage.get(keys.user).as_deref(), Some(r#"{"id":"u"}"#));
        for key in [keys.access, keys.refresh, keys.user] {
            storage.remove(key);
            assert_eq!(storage.get(key), None);
        }
    }
    assert_eq!(
        [ClientApp::Customer, ClientApp::Bartender, ClientApp::Admin]
            .map(|a| a.storage_keys().access),
        ["access_token", "bartender_token", "admin_token"]
    );
}

#[wasm_bindgen_test]
fn the_browser_clock_reads_the_current_time() {
    let now = BrowserClock.now_unix();
    // After 2026-01-01 and before 2100: a clock in seconds, not milliseconds.
    assert!((1_767_225_600..4_102_444_800).contains(&now), "{now}");
}

#[wasm_bindgen_test]
async fn web_locks_are_available_and_holders_take_turns() {
    assert!(
        WebLock::supported(),
        "Chromium offers navigator.locks on localhost"
    );
    // Two handles on the same name contend like two tabs of one app.
    let first = WebLock::new("taproom-test-lock");
    let second = WebLock::new("taproom-test-lock");
    let log = Rc::new(RefCell::new(Vec::new()));
    let worker = |lock: WebLock, name: &'static str| {
        let log = log.clone();
        async move {
            lock.with_lock(async {
                log.borrow_mut().push((name, "in"));
                // Give the other holder every chance to barge in.
                sleep_ms(30).await;
                log.borrow_mut().push((name, "out"));
            })
            .await;
        }
    };
    futures::future::join(worker(first.clone(), "a"), worker(second, "b")).await;
    let log = log.borrow().clone();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].0, log[1].0, "one holder at a time: {log:?}");
    assert_eq!(log[2].0, log[3].0, "one holder at a time: {log:?}");
    // Released: it can be taken again.
    assert_eq!(first.with_lock(async { 7 }).await, 7);
}

#[wasm_bindgen_test]
async fn different_apps_do_not_share_a_lock() {
    let customer = WebLock::new("taproom-test-customer");
    let bartender = WebLock::new("taproom-test-bartender");
    // Holding one while taking the other must not deadlock.
    let inner = customer
        .with_lock(async { bartender.with_lock(async { "both" }).await })
        .await;
    assert_eq!(inner, "both");
}
