//! Calls to the API, all through this app's session manager, so every call
//! refreshes first when due, retries once after a 401 and reports a lost
//! session. Pages pass results through [`Auth::watch`](crate::Auth::watch)
//! so the offline banner knows whether the server answered.

use futures::future::{FutureExt, LocalBoxFuture};
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::api::{
    ChangePasswordRequest, MessageResponse, RegisterRequest, RevokedResponse, SessionsResponse,
    UserInfo,
};
use shared::security::{ActivityPage, AlertsResponse, ReauthRequest, ReauthResponse};
use shared::session::{decode, encode_error, HttpRequest, HttpResponse, Method, SessionError};

use crate::reauth::with_reauth;
use crate::session::manager;

/// What every call answers: `T`, or why there is none.
pub type ApiResult<T> = Result<T, SessionError>;

/// Sends `request` through the session manager, as every call does. Boxed,
/// not an `async fn`, whose code (and all it awaits: refresh, lock, retry)
/// is compiled again into each crate that awaits it, and pages are in several.
pub(crate) fn execute(request: HttpRequest) -> LocalBoxFuture<'static, ApiResult<HttpResponse>> {
    async move { manager()?.execute(request).await }.boxed_local()
}

/// Sends `request` with `body` as JSON and decodes the answer.
pub(crate) async fn send_json<B: Serialize + ?Sized, R: DeserializeOwned>(
    request: HttpRequest,
    body: &B,
) -> ApiResult<R> {
    decode(&execute(request.with_json(body).map_err(encode_error)?).await?)
}

/// Reads `path`.
pub(crate) async fn get<R: DeserializeOwned>(path: &str) -> ApiResult<R> {
    call(Method::Get, path).await
}

/// Declares the reads of fixed paths, one a line with its doc comment:
/// `name -> Answer = "path";` is `pub async fn name() -> ApiResult<Answer>`.
macro_rules! reads {
    ($($(#[$doc:meta])* $name:ident -> $answer:ty = $path:literal;)*) => {$(
        $(#[$doc])*
        pub async fn $name() -> $crate::api::ApiResult<$answer> {
            $crate::api::get($path).await
        }
    )*};
}
pub(crate) use reads;

/// Sends a request without a body and decodes the answer.
pub(crate) async fn call<R: DeserializeOwned>(method: Method, path: &str) -> ApiResult<R> {
    decode(&execute(HttpRequest::new(method, path)).await?)
}

/// Signs in with e-mail and password.
pub async fn login(email: &str, password: &str) -> ApiResult<UserInfo> {
    manager()?.login(email, password).await
}

/// Creates a customer account and signs it in.
pub async fn register(request: &RegisterRequest) -> ApiResult<UserInfo> {
    manager()?.register(request).await
}

/// Signs out this device.
pub async fn logout() -> ApiResult<()> {
    manager()?.logout().await
}

/// Signs out every device, this one included (asking for the password
/// first when the server wants a fresh proof).
pub async fn logout_all() -> ApiResult<RevokedResponse> {
    let m = manager()?;
    with_reauth(|| m.logout_all()).await
}

/// Proves the password again, for the sensitive actions of the next minutes.
pub async fn reauth(password: &str) -> ApiResult<ReauthResponse> {
    let password = password.to_owned();
    let body = ReauthRequest { password };
    send_json(HttpRequest::new(Method::Post, "/api/auth/reauth"), &body).await
}

/// A page of the user's security activity, older than `before`.
pub async fn activity(before: Option<i64>) -> ApiResult<ActivityPage> {
    let before = before.map(|id| format!("&before={id}")).unwrap_or_default();
    get(&format!("/api/auth/activity?limit=30{before}")).await
}

reads! {
    /// New-device sign-ins the user has not answered yet.
    alerts -> AlertsResponse = "/api/auth/alerts";
    /// The signed-in user as the server knows them now.
    me -> UserInfo = "/api/auth/me";
    /// The user's active sessions, most recent activity first.
    sessions -> SessionsResponse = "/api/auth/sessions";
}

/// "It was me": answers a new-device alert.
pub async fn dismiss_alert(id: i64) -> ApiResult<MessageResponse> {
    call(Method::Post, &format!("/api/auth/alerts/{id}/dismiss")).await
}

/// Signs out one of the user's devices.
pub async fn revoke_session(id: &str) -> ApiResult<MessageResponse> {
    let path = format!("/api/auth/sessions/{}", crate::format::encode_component(id));
    call(Method::Delete, &path).await
}

/// Changes the password; every other session ends.
pub async fn change_password(request: &ChangePasswordRequest) -> ApiResult<RevokedResponse> {
    let http = HttpRequest::new(Method::Post, "/api/auth/password");
    send_json(http, request).await
}
