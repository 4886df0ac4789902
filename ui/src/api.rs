//! Calls to the API, all through this app's session manager, so every call
//! refreshes first when due, retries once after a 401 and reports a lost
//! session. Pages pass results through [`Auth::watch`](crate::Auth::watch)
//! so the offline banner knows whether the server answered.

use shared::api::{
    ChangePasswordRequest, MessageResponse, RegisterRequest, RevokedResponse, SessionsResponse,
    UserInfo,
};
use shared::security::{ActivityPage, AlertsResponse, ReauthRequest, ReauthResponse};
use shared::session::{Method, SessionError};

use crate::reauth::with_reauth;
use crate::session::manager;

/// Signs in with e-mail and password.
pub async fn login(email: &str, password: &str) -> Result<UserInfo, SessionError> {
    let m = manager()?;
    m.login(email, password).await
}

/// Creates a customer account and signs it in.
pub async fn register(request: &RegisterRequest) -> Result<UserInfo, SessionError> {
    let m = manager()?;
    m.register(request).await
}

/// Signs out this device.
pub async fn logout() -> Result<(), SessionError> {
    let m = manager()?;
    m.logout().await
}

/// Signs out every device, this one included (asking for the password
/// first when the server wants a fresh proof).
pub async fn logout_all() -> Result<RevokedResponse, SessionError> {
    let m = manager()?;
    with_reauth(|| m.logout_all()).await
}

/// Proves the password again, for the sensitive actions of the next minutes.
pub async fn reauth(password: &str) -> Result<ReauthResponse, SessionError> {
    let m = manager()?;
    let body = ReauthRequest {
        password: password.to_owned(),
    };
    m.post_json("/api/auth/reauth", &body).await
}

/// A page of the user's security activity, older than `before`.
pub async fn activity(before: Option<i64>) -> Result<ActivityPage, SessionError> {
    let m = manager()?;
    let path = match before {
        Some(id) => format!("/api/auth/activity?limit=30&before={id}"),
        None => "/api/auth/activity?limit=30".to_owned(),
    };
    m.get_json(&path).await
}

/// New-device sign-ins the user has not answered yet.
pub async fn alerts() -> Result<AlertsResponse, SessionError> {
    let m = manager()?;
    m.get_json("/api/auth/alerts").await
}

/// "It was me": answers a new-device alert.
pub async fn dismiss_alert(id: i64) -> Result<MessageResponse, SessionError> {
    let m = manager()?;
    let response = m
        .request(
            Method::Post,
            &format!("/api/auth/alerts/{id}/dismiss"),
            None,
        )
        .await?;
    serde_json::from_str(&response.body).map_err(|e| SessionError::Decode(e.to_string()))
}

/// The signed-in user as the server knows them now.
pub async fn me() -> Result<UserInfo, SessionError> {
    let m = manager()?;
    m.get_json("/api/auth/me").await
}

/// The user's active sessions, most recent activity first.
pub async fn sessions() -> Result<SessionsResponse, SessionError> {
    let m = manager()?;
    m.get_json("/api/auth/sessions").await
}

/// Signs out one of the user's devices.
pub async fn revoke_session(id: &str) -> Result<MessageResponse, SessionError> {
    let m = manager()?;
    let path = format!("/api/auth/sessions/{}", crate::format::encode_component(id));
    let response = m.request(Method::Delete, &path, None).await?;
    serde_json::from_str(&response.body).map_err(|e| SessionError::Decode(e.to_string()))
}

/// Changes the password; every other session ends.
pub async fn change_password(
    request: &ChangePasswordRequest,
) -> Result<RevokedResponse, SessionError> {
    let m = manager()?;
    m.post_json("/api/auth/password", request).await
}
