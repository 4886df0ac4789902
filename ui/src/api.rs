//! Calls to the API, all through this app's session manager, so every call
//! refreshes first when due, retries once after a 401 and reports a lost
//! session. Pages pass results through [`Auth::watch`](crate::Auth::watch)
//! so the offline banner knows whether the server answered.

use serde::de::DeserializeOwned;
use shared::api::{
    ChangePasswordRequest, MessageResponse, RegisterRequest, RevokedResponse, SessionsResponse,
    UserInfo,
};
use shared::security::{ActivityPage, AlertsResponse, ReauthRequest, ReauthResponse};
use shared::session::{HttpResponse, Method, SessionError};

use crate::reauth::with_reauth;
use crate::session::manager;

/// The JSON answer as `R`.
pub(crate) fn decode<R: DeserializeOwned>(response: &HttpResponse) -> Result<R, SessionError> {
    serde_json::from_str(&response.body).map_err(|e| SessionError::Decode(e.to_string()))
}

/// Reads `path`.
pub(crate) async fn get<R: DeserializeOwned>(path: &str) -> Result<R, SessionError> {
    manager()?.get_json(path).await
}

/// Sends a request without a body and decodes the answer.
pub(crate) async fn call<R: DeserializeOwned>(
    method: Method,
    path: &str,
) -> Result<R, SessionError> {
    decode(&manager()?.request(method, path, None).await?)
}

/// Signs in with e-mail and password.
pub async fn login(email: &str, password: &str) -> Result<UserInfo, SessionError> {
    manager()?.login(email, password).await
}

/// Creates a customer account and signs it in.
pub async fn register(request: &RegisterRequest) -> Result<UserInfo, SessionError> {
    manager()?.register(request).await
}

/// Signs out this device.
pub async fn logout() -> Result<(), SessionError> {
    manager()?.logout().await
}

/// Signs out every device, this one included (asking for the password
/// first when the server wants a fresh proof).
pub async fn logout_all() -> Result<RevokedResponse, SessionError> {
    let m = manager()?;
    with_reauth(|| m.logout_all()).await
}

/// Proves the password again, for the sensitive actions of the next minutes.
pub async fn reauth(password: &str) -> Result<ReauthResponse, SessionError> {
    let body = ReauthRequest {
        password: password.to_owned(),
    };
    manager()?.post_json("/api/auth/reauth", &body).await
}

/// A page of the user's security activity, older than `before`.
pub async fn activity(before: Option<i64>) -> Result<ActivityPage, SessionError> {
    let before = before.map(|id| format!("&before={id}")).unwrap_or_default();
    get(&format!("/api/auth/activity?limit=30{before}")).await
}

/// New-device sign-ins the user has not answered yet.
pub async fn alerts() -> Result<AlertsResponse, SessionError> {
    get("/api/auth/alerts").await
}

/// "It was me": answers a new-device alert.
pub async fn dismiss_alert(id: i64) -> Result<MessageResponse, SessionError> {
    call(Method::Post, &format!("/api/auth/alerts/{id}/dismiss")).await
}

/// The signed-in user as the server knows them now.
pub async fn me() -> Result<UserInfo, SessionError> {
    get("/api/auth/me").await
}

/// The user's active sessions, most recent activity first.
pub async fn sessions() -> Result<SessionsResponse, SessionError> {
    get("/api/auth/sessions").await
}

/// Signs out one of the user's devices.
pub async fn revoke_session(id: &str) -> Result<MessageResponse, SessionError> {
    let path = format!("/api/auth/sessions/{}", crate::format::encode_component(id));
    call(Method::Delete, &path).await
}

/// Changes the password; every other session ends.
pub async fn change_password(
    request: &ChangePasswordRequest,
) -> Result<RevokedResponse, SessionError> {
    manager()?.post_json("/api/auth/password", request).await
}
