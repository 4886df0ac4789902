//! Browser adapters: `localStorage` (through gloo-storage), `fetch` (through gloo-net), the Web
//! Locks API and `Date.now()`, so the session manager runs in the apps.
//!
//! Web Locks are shared by every tab of the origin, which is what keeps two
//! tabs from refreshing the same token at once. Where the API is missing
//! (old browsers, insecure origins) the lock falls back to an in-tab one.

use std::future::Future;

use futures::channel::oneshot;
use gloo_storage::Storage as _;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{
    Clock, HttpRequest, HttpResponse, LocalLock, Method, RefreshLock, StorageError, TokenStorage,
    Transport, TransportError,
};

/// `window.localStorage` through gloo-storage, for the session and for
/// what the apps remember (a cart, a table, a setting).
///
/// The session's values stay byte-for-byte what they have always been:
/// tokens as raw strings (other clients read the keys), the user as JSON.
/// A browser without storage (disabled, or a sandboxed frame) reads as
/// empty and refuses writes with a sentence, instead of throwing as
/// gloo-storage's own accessors do.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalStorage;

impl LocalStorage {
    /// Whether this page may use `localStorage` at all.
    fn available() -> bool {
        web_sys::window().is_some_and(|w| w.local_storage().ok().flatten().is_some())
    }

    /// The raw string under `key`.
    pub fn get_raw(key: &str) -> Option<String> {
        if !Self::available() {
            return None;
        }
        gloo_storage::LocalStorage::raw()
            .get_item(key)
            .ok()
            .flatten()
    }

    /// Stores `value` as it is under `key`.
    pub fn set_raw(key: &str, value: &str) -> Result<(), StorageError> {
        if !Self::available() {
            return Err(unavailable());
        }
        gloo_storage::LocalStorage::raw()
            .set_item(key, value)
            .map_err(|_| refused())
    }

    /// The JSON value under `key`; `None` if absent or unreadable.
    pub fn get_json<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
        if !Self::available() {
            return None;
        }
        gloo_storage::LocalStorage::get(key).ok()
    }

    /// Stores `value` as JSON under `key`.
    pub fn set_json<T: serde::Serialize>(key: &str, value: &T) -> Result<(), StorageError> {
        if !Self::available() {
            return Err(unavailable());
        }
        gloo_storage::LocalStorage::set(key, value).map_err(|_| refused())
    }

    /// Removes `key` (nothing to do without storage).
    pub fn remove(key: &str) {
        if Self::available() {
            gloo_storage::LocalStorage::delete(key);
        }
    }
}

fn unavailable() -> StorageError {
    StorageError("this browser does not allow local storage".to_owned())
}

fn refused() -> StorageError {
    StorageError("the browser refused to save the session (storage full or disabled)".to_owned())
}

impl TokenStorage for LocalStorage {
    fn get(&self, key: &str) -> Option<String> {
        LocalStorage::get_raw(key)
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        LocalStorage::set_raw(key, value)
    }

    fn remove(&self, key: &str) {
        LocalStorage::remove(key);
    }
}

/// `Date.now()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now_unix(&self) -> i64 {
        // Milliseconds as f64; whole seconds fit easily.
        (js_sys::Date::now() / 1000.0) as i64
    }
}

/// HTTP through the browser's `fetch`, relative to the page's origin unless
/// a base URL is given.
#[derive(Debug, Clone, Default)]
pub struct FetchTransport {
    base_url: String,
}

impl FetchTransport {
    /// A transport for `base_url` (`""` for the page's own origin).
    pub fn new(base_url: impl Into<String>) -> Self {
        FetchTransport {
            base_url: base_url.into(),
        }
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        use gloo_net::http::RequestBuilder;
        let url = format!("{}{}", self.base_url, request.path);
        let method = match request.method {
            Method::Get => gloo_net::http::Method::GET,
            Method::Post => gloo_net::http::Method::POST,
            Method::Put => gloo_net::http::Method::PUT,
            Method::Patch => gloo_net::http::Method::PATCH,
            Method::Delete => gloo_net::http::Method::DELETE,
        };
        let mut builder = RequestBuilder::new(&url).method(method);
        if let Some(token) = &request.bearer {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let built = match request.body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body),
            None => builder.build(),
        }
        .map_err(|e| TransportError::new(format!("the request could not be built: {e}")))?;
        let response = built
            .send()
            .await
            .map_err(|_| TransportError::new("the server could not be reached"))?;
        let status = response.status();
        let headers = response
            .headers()
            .entries()
            .collect::<Vec<(String, String)>>();
        let body = response
            .text()
            .await
            .map_err(|_| TransportError::new("the answer was cut off"))?;
        let mut answer = HttpResponse::new(status, body);
        answer.headers = headers;
        Ok(answer)
    }
}

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks.request(name, callback)`.
    #[wasm_bindgen(js_namespace = ["navigator", "locks"], js_name = request, catch)]
    fn web_lock_request(
        name: &str,
        callback: &js_sys::Function,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// A Web Lock, named per app so all tabs of the app take turns.
///
/// With [`WebLock::watching`] a `localStorage` key, the next holder also
/// sees what the last one wrote there, even in another tab (see
/// `handoff.rs`: storage is not coherent between tabs by itself).
#[derive(Debug, Clone)]
pub struct WebLock {
    name: String,
    watch: Option<String>,
    fallback: LocalLock,
}

impl WebLock {
    /// The lock called `name` (e.g. `taproom-refresh-customer`).
    pub fn new(name: impl Into<String>) -> Self {
        WebLock {
            name: name.into(),
            watch: None,
            fallback: LocalLock::new(),
        }
    }

    /// Hands the `localStorage` value under `key` from each holder to the
    /// next: before running, a holder waits (up to two seconds) until its
    /// tab reads what the previous holder, in any tab, left there.
    pub fn watching(mut self, key: impl Into<String>) -> Self {
        self.watch = Some(key.into());
        self
    }

    fn watched_fingerprint(&self) -> Option<String> {
        let key = self.watch.as_deref()?;
        Some(super::handoff::fingerprint(
            LocalStorage.get(key).as_deref(),
        ))
    }

    /// Whether this browser offers the Web Locks API here.
    pub fn supported() -> bool {
        let Some(window) = web_sys::window() else {
            return false;
        };
        js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("locks"))
            .is_ok_and(|locks| !locks.is_undefined() && !locks.is_null())
    }
}

impl RefreshLock for WebLock {
    async fn with_lock<F: Future>(&self, critical: F) -> F::Output {
        if !Self::supported() {
            return self.fallback.with_lock(critical).await;
        }
        let (granted_tx, granted_rx) = oneshot::channel::<()>();
        let (release_tx, release_rx) = oneshot::channel::<()>();
        // The lock is held while the promise the callback returns is
        // pending; it resolves when `release_tx` fires (or is dropped).
        let callback = Closure::once(move |_lock: JsValue| -> js_sys::Promise {
            let _ = granted_tx.send(());
            wasm_bindgen_futures::future_to_promise(async move {
                let _ = release_rx.await;
                Ok(JsValue::UNDEFINED)
            })
        });
        match web_lock_request(&self.name, callback.as_ref().unchecked_ref()) {
            Ok(request) => {
                // The request's own promise settles after release; nothing
                // to learn from it, but an unhandled rejection would be noise.
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(request).await;
                });
            }
            Err(_) => return self.fallback.with_lock(critical).await,
        }
        if granted_rx.await.is_err() {
            // The browser dropped the request without granting it.
            return self.fallback.with_lock(critical).await;
        }
        drop(callback);
        if self.watch.is_some() {
            super::handoff::catch_up(&self.name, || {
                self.watched_fingerprint().unwrap_or_default()
            })
            .await;
        }
        let output = critical.await;
        if let Some(mark) = self.watched_fingerprint() {
            super::handoff::publish(&self.name, &mark).await;
        }
        let _ = release_tx.send(());
        output
    }
}

/// The manager the apps use.
pub type BrowserSessionManager =
    super::SessionManager<LocalStorage, BrowserClock, FetchTransport, WebLock>;

impl BrowserSessionManager {
    /// A manager for `app` on the page's origin, with its tab-shared lock.
    pub fn browser(app: crate::api::ClientApp) -> Self {
        super::SessionManager::new(
            app,
            LocalStorage,
            BrowserClock,
            FetchTransport::new(""),
            WebLock::new(format!("taproom-refresh-{}", app.as_str()))
                .watching(app.storage_keys().access),
        )
        .naming_app()
    }
}
