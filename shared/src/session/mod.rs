//! The client side of a session (DESIGN.md behaviour 9), shared by the three
//! apps and by native tests.
//!
//! [`SessionManager`] keeps one app's tokens in a [`TokenStorage`], renews the
//! access token shortly before it expires or after a 401, and never runs two
//! refreshes at once: refresh tokens rotate, and a second refresh with an
//! already rotated token can end the session as suspected theft. The world
//! outside (storage, time, HTTP, the cross-tab lock) sits behind small traits
//! so the same logic runs in the browser and natively.

#[cfg(target_arch = "wasm32")]
pub mod browser;
mod clock;
mod error;
#[cfg(target_arch = "wasm32")]
mod handoff;
mod http;
mod jwt;
mod lock;
#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
mod reqwest_transport;
mod storage;

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api::{
    token_refusal, ClientApp, ErrorBody, LoginRequest, LogoutRequest, RefreshRequest,
    RegisterRequest, RevokedResponse, StorageKeys, TokenResponse, UserInfo,
};
use crate::security::APP_HEADER;

#[cfg(not(target_arch = "wasm32"))]
pub use clock::SystemClock;
pub use clock::{Clock, ManualClock};
pub use error::SessionError;
pub use http::{HttpRequest, HttpResponse, Method, Transport, TransportError};
pub use jwt::{is_refresh_due, jwt_exp, REFRESH_MARGIN_SECS};
pub use lock::{LocalLock, RefreshLock};
#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
pub use reqwest_transport::ReqwestTransport;
pub use storage::{MemoryStorage, StorageError, TokenStorage};

use jwt::is_expired;

const LOGIN_PATH: &str = "/api/auth/login";
const REGISTER_PATH: &str = "/api/auth/register";
const REFRESH_PATH: &str = "/api/auth/refresh";
const LOGOUT_PATH: &str = "/api/auth/logout";
const LOGOUT_ALL_PATH: &str = "/api/auth/logout-all";

/// Called when the manager finds the session gone during an authenticated
/// call (refresh refused, nothing stored, wrong role); the browser sends the
/// user to the login page. `Send + Sync` natively so a manager can be shared
/// between tasks; not required on wasm, where nothing is.
#[cfg(not(target_arch = "wasm32"))]
pub trait LogoutHook: Fn() + Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<F: Fn() + Send + Sync> LogoutHook for F {}

/// Called when the manager finds the session gone during an authenticated
/// call (refresh refused, nothing stored, wrong role); the browser sends the
/// user to the login page.
#[cfg(target_arch = "wasm32")]
pub trait LogoutHook: Fn() {}
#[cfg(target_arch = "wasm32")]
impl<F: Fn()> LogoutHook for F {}

/// One app's session: its tokens in storage and the calls that use them.
pub struct SessionManager<S, C, T, L> {
    app: ClientApp,
    keys: StorageKeys,
    storage: S,
    clock: C,
    transport: T,
    lock: L,
    on_logout: Option<Box<dyn LogoutHook>>,
    /// Set once `on_logout` has fired for the current loss of session, so 50
    /// requests failing together redirect once; cleared when a session is stored.
    logout_announced: AtomicBool,
    /// Whether auth calls name the app (`X-Taproom-App`): browser apps do,
    /// so that a server in cookie mode keeps their refresh token in an
    /// `HttpOnly` cookie. Native clients do not, and keep it in the body.
    names_app: bool,
}

/// The manager native tests and tools use.
#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
pub type NativeSessionManager =
    SessionManager<MemoryStorage, SystemClock, ReqwestTransport, LocalLock>;

#[cfg(all(feature = "native", not(target_arch = "wasm32")))]
impl NativeSessionManager {
    /// A manager for `app` talking to `base_url` (e.g. `http://127.0.0.1:8080`),
    /// with in-memory storage, the system clock and an in-process lock.
    pub fn native(app: ClientApp, base_url: impl Into<String>) -> Self {
        SessionManager::new(
            app,
            MemoryStorage::new(),
            SystemClock,
            ReqwestTransport::new(base_url),
            LocalLock::new(),
        )
    }
}

/// Why a caller wants a new access token; decides whether a token found in
/// storage after waiting for the lock will do instead.
#[derive(Debug, Clone, Copy)]
enum Stale<'a> {
    /// The caller saw this token (or none) and found it due for renewal.
    Expiring(Option<&'a str>),
    /// The server answered 401 to a request made with this token.
    Rejected(&'a str),
}

/// Whether `current`, read from storage while holding the lock, can be used
/// instead of refreshing.
fn usable_without_refresh(current: &str, stale: Stale<'_>, now: i64) -> bool {
    let exp = jwt_exp(current);
    let replaced = match stale {
        Stale::Expiring(seen) => seen != Some(current),
        Stale::Rejected(used) => used != current,
    };
    // Another caller or tab refreshed while we waited. Use its token even if
    // it is already inside the margin: with access tokens shorter than the
    // margin, every waiter would otherwise refresh again in turn.
    if replaced && !is_expired(exp, now) {
        return true;
    }
    // A rejected token is dead whatever its `exp` says.
    matches!(stale, Stale::Expiring(_)) && !is_refresh_due(exp, now)
}

impl<S, C, T, L> SessionManager<S, C, T, L>
where
    S: TokenStorage,
    C: Clock,
    T: Transport,
    L: RefreshLock,
{
    /// A manager for `app`, keeping its session under `app.storage_keys()`.
    ///
    /// Managers of the same app that share storage and lock (two tabs, or two
    /// managers on clones of [`MemoryStorage`] and [`LocalLock`]) share one
    /// session and never refresh it concurrently.
    pub fn new(app: ClientApp, storage: S, clock: C, transport: T, lock: L) -> Self {
        SessionManager {
            app,
            keys: app.storage_keys(),
            storage,
            clock,
            transport,
            lock,
            on_logout: None,
            logout_announced: AtomicBool::new(false),
            names_app: false,
        }
    }

    /// Names the app in every auth call (`X-Taproom-App`), as browser apps
    /// do: a server in cookie mode then keeps the refresh token in a cookie
    /// that only the browser holds, and the manager stores none.
    pub fn naming_app(mut self) -> Self {
        self.names_app = true;
        self
    }

    /// Calls `hook` when an authenticated call finds the session gone. It
    /// fires once per loss of session, not once per failing call, and not
    /// for [`SessionManager::logout`], whose caller already knows.
    pub fn with_on_logout(mut self, hook: impl LogoutHook + 'static) -> Self {
        self.on_logout = Some(Box::new(hook));
        self
    }

    /// The app this manager serves.
    pub fn app(&self) -> ClientApp {
        self.app
    }

    /// The storage (e.g. to inspect keys in a test).
    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// The clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// The transport, for calls that need no session (register, health).
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The stored access token, fresh or not.
    pub fn access_token(&self) -> Option<String> {
        self.storage.get(self.keys.access)
    }

    /// The signed-in user as stored at login or the last refresh.
    pub fn current_user(&self) -> Option<UserInfo> {
        // A corrupt entry reads as "no user"; the next refresh rewrites it.
        serde_json::from_str(&self.storage.get(self.keys.user)?).ok()
    }

    /// Whether a session is stored (in cookie mode the refresh token is
    /// in a cookie, not in storage). It may still be refused at the next
    /// refresh; only the server knows.
    pub fn is_logged_in(&self) -> bool {
        self.storage.get(self.keys.refresh).is_some()
            || (self.names_app && self.storage.get(self.keys.user).is_some())
    }

    /// Seconds until the stored access token expires (negative once
    /// expired); `None` without a readable token.
    pub fn seconds_left(&self) -> Option<i64> {
        let exp = jwt_exp(&self.access_token()?)?;
        Some(exp - self.clock.now_unix())
    }

    /// Whether the next authenticated call will refresh first.
    pub fn refresh_due(&self) -> bool {
        let exp = self.access_token().as_deref().and_then(jwt_exp);
        is_refresh_due(exp, self.clock.now_unix())
    }

    /// Signs in, stores the session and returns the user.
    ///
    /// A user whose role this app does not serve gets
    /// [`SessionError::WrongApp`]; the new session is revoked, not stored.
    pub async fn login(&self, email: &str, password: &str) -> Result<UserInfo, SessionError> {
        let body = LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
            client_app: Some(self.app),
        };
        self.sign_in(LOGIN_PATH, &body).await
    }

    /// Creates a customer account (`POST /api/auth/register`), stores its
    /// session and returns the user. Only apps that serve customers keep it.
    pub async fn register(&self, request: &RegisterRequest) -> Result<UserInfo, SessionError> {
        let mut body = request.clone();
        body.client_app = Some(self.app);
        self.sign_in(REGISTER_PATH, &body).await
    }

    /// Posts credentials to `path` and keeps the session it answers with,
    /// unless this app does not serve the user's role.
    async fn sign_in<B: Serialize>(&self, path: &str, body: &B) -> Result<UserInfo, SessionError> {
        let request = self.auth_call(path).with_json(body).map_err(encode_error)?;
        let response = self.transport.send(request).await?;
        if !response.is_success() {
            return Err(SessionError::from_response(&response));
        }
        let tokens: TokenResponse = decode(&response)?;
        if !self.app.serves(tokens.user.role) {
            // Best effort, as DESIGN.md asks the app to end such a session: if
            // the call is lost the session simply expires unused. (In cookie
            // mode the token is in the cookie just set.)
            let _best_effort = self.revoke(non_empty(&tokens.refresh_token)).await;
            return Err(SessionError::WrongApp {
                role: tokens.user.role,
                app: self.app,
            });
        }
        // Under the lock, so a refresh still running for an older session
        // cannot overwrite this one afterwards.
        self.lock.with_lock(async { self.store(&tokens) }).await?;
        Ok(tokens.user)
    }

    /// Ends the session on the server (best effort) and clears this app's
    /// keys, also when the server could not be reached; an error then only
    /// reports that the server may not know yet.
    pub async fn logout(&self) -> Result<(), SessionError> {
        // Under the lock: a refresh in flight would otherwise store a new
        // session after we cleared, or we would revoke an already rotated token.
        self.lock
            .with_lock(async {
                let outcome = match self.storage.get(self.keys.refresh) {
                    Some(token) => self.revoke(Some(&token)).await,
                    // Cookie mode: the server reads the cookie and clears it.
                    None if self.is_logged_in() => self.revoke(None).await,
                    None => Ok(()),
                };
                self.clear();
                // The caller knows the session is gone: no hook for it.
                self.logout_announced.store(true, Ordering::SeqCst);
                outcome
            })
            .await
    }

    /// Ends every session of the user (`POST /api/auth/logout-all`),
    /// this one included, and clears this app's keys.
    pub async fn logout_all(&self) -> Result<RevokedResponse, SessionError> {
        let response = self.execute(self.auth_call(LOGOUT_ALL_PATH)).await?;
        let revoked = decode(&response)?;
        self.lock
            .with_lock(async {
                self.clear();
                // The caller knows the session is gone: no hook for it.
                self.logout_announced.store(true, Ordering::SeqCst);
            })
            .await;
        Ok(revoked)
    }

    /// An access token with at least [`REFRESH_MARGIN_SECS`] left, refreshing
    /// first if needed (e.g. to open an event stream).
    pub async fn fresh_access_token(&self) -> Result<String, SessionError> {
        let outcome = self.fresh_token().await;
        self.announce_if_ended(outcome)
    }

    /// Sends an authenticated request: refreshes first when the token is
    /// due, retries once after a 401 with a renewed token, and turns any
    /// non-2xx answer into an error. `request.bearer` is overwritten.
    pub async fn execute(&self, request: HttpRequest) -> Result<HttpResponse, SessionError> {
        let outcome = self.execute_authenticated(request).await;
        self.announce_if_ended(outcome)
    }

    /// [`SessionManager::execute`] for a request without extra headers.
    /// `body` is JSON.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<HttpResponse, SessionError> {
        let mut request = HttpRequest::new(method, path);
        request.body = body;
        self.execute(request).await
    }

    /// `GET path`, decoding the JSON answer.
    pub async fn get_json<R: DeserializeOwned>(&self, path: &str) -> Result<R, SessionError> {
        let response = self.request(Method::Get, path, None).await?;
        decode(&response)
    }

    /// Sends `body` as JSON with `method` and decodes the JSON answer.
    pub async fn send_json<B, R>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<R, SessionError>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let request = HttpRequest::new(method, path)
            .with_json(body)
            .map_err(encode_error)?;
        let response = self.execute(request).await?;
        decode(&response)
    }

    /// `POST path` with `body` as JSON, decoding the JSON answer.
    pub async fn post_json<B, R>(&self, path: &str, body: &B) -> Result<R, SessionError>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        self.send_json(Method::Post, path, body).await
    }

    async fn execute_authenticated(
        &self,
        mut request: HttpRequest,
    ) -> Result<HttpResponse, SessionError> {
        let token = self.fresh_token().await?;
        request.bearer = Some(token.clone());
        let first = self.transport.send(request.clone()).await?;
        if first.status != 401 || !refuses_token(&first) {
            return check_status(first);
        }
        // The server refused the access token itself (expired, revoked,
        // garbled): that comes from the auth extractor before any handler
        // ran, so resending even a POST cannot apply it twice. Any other
        // 401 (a wrong current password, say) is the answer, not a reason
        // to renew. Exactly one retry: a second 401 is an error, not a loop.
        let renewed = self.renew(Stale::Rejected(&token)).await?;
        request.bearer = Some(renewed);
        let second = self.transport.send(request).await?;
        check_status(second)
    }

    async fn fresh_token(&self) -> Result<String, SessionError> {
        let seen = self.access_token();
        if let Some(token) = &seen {
            if !is_refresh_due(jwt_exp(token), self.clock.now_unix()) {
                return Ok(token.clone());
            }
        }
        self.renew(Stale::Expiring(seen.as_deref())).await
    }

    /// Takes the lock, then refreshes unless someone else already did.
    async fn renew(&self, stale: Stale<'_>) -> Result<String, SessionError> {
        self.lock
            .with_lock(async {
                // Re-read: another caller or tab may have refreshed while we waited.
                if let Some(current) = self.access_token() {
                    if usable_without_refresh(&current, stale, self.clock.now_unix()) {
                        return Ok(current);
                    }
                }
                self.refresh_holding_lock().await
            })
            .await
    }

    /// `POST /api/auth/refresh`; the caller holds the lock.
    async fn refresh_holding_lock(&self) -> Result<String, SessionError> {
        // Stored, or (cookie mode) in the cookie the browser sends by itself.
        let refresh_token = self.storage.get(self.keys.refresh);
        if refresh_token.is_none() && !self.is_logged_in() {
            self.clear();
            return Err(SessionError::LoggedOut);
        }
        let request = self
            .auth_call(REFRESH_PATH)
            .with_json(&RefreshRequest { refresh_token })
            .map_err(encode_error)?;
        // A network error, 429 or 5xx keeps the session: it may well work in
        // a minute, and signing the user out for a flaky network is worse.
        let response = self.transport.send(request).await?;
        match response.status {
            200..=299 => {}
            401 | 403 => {
                self.clear();
                return Err(SessionError::LoggedOut);
            }
            _ => return Err(SessionError::from_response(&response)),
        }
        let tokens: TokenResponse = decode(&response)?;
        if !self.app.serves(tokens.user.role) {
            // The role changed since login (e.g. an admin was demoted).
            self.clear();
            let _best_effort = self.revoke(non_empty(&tokens.refresh_token)).await;
            return Err(SessionError::WrongApp {
                role: tokens.user.role,
                app: self.app,
            });
        }
        self.store(&tokens)?;
        Ok(tokens.access_token)
    }

    /// `POST /api/auth/logout` for `refresh_token` (`None`: the cookie's).
    async fn revoke(&self, refresh_token: Option<&str>) -> Result<(), SessionError> {
        let request = self
            .auth_call(LOGOUT_PATH)
            .with_json(&LogoutRequest {
                refresh_token: refresh_token.map(str::to_owned),
            })
            .map_err(encode_error)?;
        let response = self.transport.send(request).await?;
        // 401: the session had already ended, which is what we wanted.
        if response.is_success() || response.status == 401 {
            Ok(())
        } else {
            Err(SessionError::from_response(&response))
        }
    }

    /// A `POST` to an auth route, naming the app where the manager does.
    fn auth_call(&self, path: &str) -> HttpRequest {
        let request = HttpRequest::new(Method::Post, path);
        if self.names_app {
            request.with_header(APP_HEADER, self.app.as_str())
        } else {
            request
        }
    }

    /// Writes a new session; on failure nothing half-written is left behind.
    fn store(&self, tokens: &TokenResponse) -> Result<(), SessionError> {
        let user = serde_json::to_string(&tokens.user).map_err(encode_error)?;
        // Access token last: a reader that sees the new access token (the
        // unlocked fast path reads only that) also finds the matching rest.
        // A refresh token left out of the answer lives in a cookie: none
        // is kept here, and one from before the server switched is dropped.
        let written = self
            .storage
            .set(self.keys.user, &user)
            .and_then(|()| match non_empty(&tokens.refresh_token) {
                Some(token) => self.storage.set(self.keys.refresh, token),
                None => {
                    self.storage.remove(self.keys.refresh);
                    Ok(())
                }
            })
            .and_then(|()| self.storage.set(self.keys.access, &tokens.access_token));
        if let Err(err) = written {
            self.clear();
            return Err(err.into());
        }
        self.logout_announced.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// Removes this app's keys, and only those: the apps share one origin.
    fn clear(&self) {
        // Access token first, so the unlocked fast path stops using it at once.
        self.storage.remove(self.keys.access);
        self.storage.remove(self.keys.refresh);
        self.storage.remove(self.keys.user);
    }

    fn announce_if_ended<R>(&self, outcome: Result<R, SessionError>) -> Result<R, SessionError> {
        if let Err(err) = &outcome {
            if err.ends_session() && !self.logout_announced.swap(true, Ordering::SeqCst) {
                if let Some(hook) = &self.on_logout {
                    hook();
                }
            }
        }
        outcome
    }
}

// Never print tokens: show which app and whether a session is stored.
impl<S: TokenStorage, C, T, L> fmt::Debug for SessionManager<S, C, T, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionManager")
            .field("app", &self.app)
            .field(
                "logged_in",
                &(self.storage.get(self.keys.refresh).is_some()
                    || (self.names_app && self.storage.get(self.keys.user).is_some())),
            )
            .field("on_logout", &self.on_logout.is_some())
            .finish_non_exhaustive()
    }
}

/// A token, unless the answer left it out (it is in a cookie).
fn non_empty(token: &str) -> Option<&str> {
    (!token.is_empty()).then_some(token)
}

/// Whether a 401 refuses the access token (see `api::token_refusal`). An
/// answer without our error body (a proxy's, say) is taken as one: the
/// token is the only credential the request carried.
fn refuses_token(response: &HttpResponse) -> bool {
    serde_json::from_str::<ErrorBody>(&response.body)
        .map_or(true, |body| token_refusal::is_token_refusal(&body.error))
}

fn check_status(response: HttpResponse) -> Result<HttpResponse, SessionError> {
    if response.is_success() {
        Ok(response)
    } else {
        Err(SessionError::from_response(&response))
    }
}

/// The JSON answer as `R`.
pub fn decode<R: DeserializeOwned>(response: &HttpResponse) -> Result<R, SessionError> {
    serde_json::from_str(&response.body).map_err(|err| SessionError::Decode(err.to_string()))
}

/// Why a request's body could not be written as JSON.
pub fn encode_error(err: serde_json::Error) -> SessionError {
    SessionError::Encode(err.to_string())
}

// Natively only: they drive futures with tokio.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
