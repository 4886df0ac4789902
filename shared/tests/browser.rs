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
fn a_session_stored_by_earlier_versions_reads_back_unchanged() {
    // What the apps wrote with `web_sys::Storage` before gloo-storage.
    let raw = raw_local_storage();
    let keys = ClientApp::Bartender.storage_keys();
    let user = r#"{"id":"u1","email":"b@bar.test","name":"B","role":"bartender"}"#;
    raw.set_item(keys.access, "eyJhbGciOiJIUzI1NiJ9.e30.sig")
        .unwrap();
    raw.set_item(keys.refresh, "eyJhbGciOiJIUzI1NiJ9.e31.sig")
        .unwrap();
    raw.set_item(keys.user, user).unwrap();
    let storage = LocalStorage;
    assert_eq!(
        storage.get(keys.access).as_deref(),
        Some("eyJhbGciOiJIUzI1NiJ9.e30.sig")
    );
    assert_eq!(
        storage.get(keys.refresh).as_deref(),
        Some("eyJhbGciOiJIUzI1NiJ9.e31.sig")
    );
    assert_eq!(storage.get(keys.user).as_deref(), Some(user));
    // The JSON helpers write exactly what serde_json writes.
    LocalStorage::set_json("taproom_test_json", &vec![1, 2]).unwrap();
    assert_eq!(
        raw.get_item("taproom_test_json").unwrap().as_deref(),
        Some("[1,2]")
    );
    assert_eq!(
        LocalStorage::get_json::<Vec<i32>>("taproom_test_json"),
        Some(vec![1, 2])
    );
    raw.set_item("taproom_test_json", "not json").unwrap();
    assert_eq!(
        LocalStorage::get_json::<Vec<i32>>("taproom_test_json"),
        None
    );
    for key in [keys.access, keys.refresh, keys.user, "taproom_test_json"] {
        storage.remove(key);
        assert_eq!(raw.get_item(key).unwrap(), None);
    }
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

/// Between tabs, `localStorage` updates arrive as messages that may trail
/// the lock grant. Here one tab plays both parts: the first holder writes,
/// then the tab's copy is set back to the old value as a lagging tab would
/// still read it, and the real value arrives 150 ms into the next holding.
#[wasm_bindgen_test]
async fn a_watching_lock_hands_what_its_holder_stored_to_the_next_holder() {
    const KEY: &str = "taproom-test-handoff";
    let first = WebLock::new("taproom-test-handoff").watching(KEY);
    let second = WebLock::new("taproom-test-handoff").watching(KEY);
    first
        .with_lock(async { LocalStorage.set(KEY, "new token").unwrap() })
        .await;
    raw_local_storage().set_item(KEY, "old token").unwrap();
    wasm_bindgen_futures::spawn_local(async {
        sleep_ms(150).await;
        raw_local_storage().set_item(KEY, "new token").unwrap();
    });
    let started = js_sys::Date::now();
    let seen = second.with_lock(async { LocalStorage.get(KEY) }).await;
    let waited = js_sys::Date::now() - started;
    assert_eq!(seen.as_deref(), Some("new token"));
    assert!(
        waited >= 140.0,
        "held back until the value arrived: {waited} ms"
    );
    // Up to date already: no wait.
    let started = js_sys::Date::now();
    first.with_lock(async {}).await;
    let waited = js_sys::Date::now() - started;
    assert!(waited < 1_000.0, "no wait when up to date: {waited} ms");
    raw_local_storage().remove_item(KEY).unwrap();
}

#[wasm_bindgen_test]
async fn a_value_that_never_arrives_holds_the_next_holder_back_only_briefly() {
    const KEY: &str = "taproom-test-handoff-lost";
    let lock = WebLock::new("taproom-test-handoff-lost").watching(KEY);
    lock.with_lock(async { LocalStorage.set(KEY, "written").unwrap() })
        .await;
    // Changed behind the lock's back, e.g. by hand in the developer tools.
    raw_local_storage().set_item(KEY, "edited").unwrap();
    let started = js_sys::Date::now();
    let seen = lock.with_lock(async { LocalStorage.get(KEY) }).await;
    let waited = js_sys::Date::now() - started;
    assert_eq!(seen.as_deref(), Some("edited"));
    assert!(
        (1_900.0..10_000.0).contains(&waited),
        "gave up after about two seconds: {waited} ms"
    );
    // That holder recorded what it found, so the next one does not wait.
    let started = js_sys::Date::now();
    lock.with_lock(async {}).await;
    assert!(js_sys::Date::now() - started < 1_000.0);
    raw_local_storage().remove_item(KEY).unwrap();
}
