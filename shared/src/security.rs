//! Sessions beyond the seed: refresh tokens in cookies, re-authentication
//! before sensitive actions, the security activity log, and the alert
//! when someone signs in from a new device. Serde-only, like `api`.

use std::fmt;

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::api::ClientApp;

/// The header a browser app sends with every call to `/api/auth/*`. It
/// names the app (so the server knows which refresh cookie is meant) and,
/// being a custom header, shows that the call comes from one of our own
/// pages: a form on another site cannot set it, and a script on another
/// origin cannot send it without a CORS preflight that the server never
/// grants.
pub const APP_HEADER: &str = "x-taproom-app";

/// The cookie that carries `app`'s refresh token in cookie mode: one per
/// app, so the three apps on one origin never share or overwrite one
/// another's session.
pub fn refresh_cookie_name(app: ClientApp) -> &'static str {
    match app {
        ClientApp::Customer => "taproom_refresh_customer",
        ClientApp::Bartender => "taproom_refresh_bartender",
        ClientApp::Admin => "taproom_refresh_admin",
    }
}

/// Where refresh cookies are sent: only to the auth routes.
pub const REFRESH_COOKIE_PATH: &str = "/api/auth";

/// The error code of a sensitive action whose session has not proved the
/// password recently (403): ask for it (`POST /api/auth/reauth`) and
/// repeat the action.
pub const REAUTH_REQUIRED: &str = "reauth_required";

/// `POST /api/auth/reauth` body: the password again.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReauthRequest {
    pub password: String,
}

impl fmt::Debug for ReauthRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReauthRequest { password: [redacted] }")
    }
}

/// `POST /api/auth/reauth` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReauthResponse {
    pub message: String,
    /// Until when sensitive actions go through without asking (RFC 3339).
    pub valid_until: String,
}

/// What happened, in the security activity log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// Signed in (with device, address and app).
    SignedIn,
    /// A sign-in from a device and network not used in the last 90 days.
    NewDevice,
    /// This device signed out.
    SignedOut,
    /// One of the user's other devices was signed out from Devices.
    DeviceSignedOut,
    /// Every session ended at the user's request.
    SignedOutEverywhere,
    /// An admin ended a session, or all of them.
    EndedByAdmin,
    /// A refresh token came back after it was rotated: the session was ended.
    ReuseDetected,
    PasswordChanged,
    /// An admin set a new password.
    PasswordReset,
    /// A wrong password for this account.
    SignInFailed,
    /// Too many wrong passwords from one network: it is locked out for a while.
    LockedOut,
    /// The password was proved again for a sensitive action.
    Reauthenticated,
    /// An admin switched the account off.
    Deactivated,
    /// An admin switched the account back on.
    Reactivated,
}

impl ActivityKind {
    /// Every kind, in the order a filter lists them.
    pub const ALL: [ActivityKind; 14] = [
        ActivityKind::SignedIn,
        ActivityKind::NewDevice,
        ActivityKind::SignedOut,
        ActivityKind::DeviceSignedOut,
        ActivityKind::SignedOutEverywhere,
        ActivityKind::EndedByAdmin,
        ActivityKind::ReuseDetected,
        ActivityKind::PasswordChanged,
        ActivityKind::PasswordReset,
        ActivityKind::SignInFailed,
        ActivityKind::LockedOut,
        ActivityKind::Reauthenticated,
        ActivityKind::Deactivated,
        ActivityKind::Reactivated,
    ];

    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::SignedIn => "signed_in",
            ActivityKind::NewDevice => "new_device",
            ActivityKind::SignedOut => "signed_out",
            ActivityKind::DeviceSignedOut => "device_signed_out",
            ActivityKind::SignedOutEverywhere => "signed_out_everywhere",
            ActivityKind::EndedByAdmin => "ended_by_admin",
            ActivityKind::ReuseDetected => "reuse_detected",
            ActivityKind::PasswordChanged => "password_changed",
            ActivityKind::PasswordReset => "password_reset",
            ActivityKind::SignInFailed => "sign_in_failed",
            ActivityKind::LockedOut => "locked_out",
            ActivityKind::Reauthenticated => "reauthenticated",
            ActivityKind::Deactivated => "deactivated",
            ActivityKind::Reactivated => "reactivated",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What a person reads.
    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::SignedIn => "Signed in",
            ActivityKind::NewDevice => "Sign-in from a new device",
            ActivityKind::SignedOut => "Signed out",
            ActivityKind::DeviceSignedOut => "Signed out a device",
            ActivityKind::SignedOutEverywhere => "Signed out everywhere",
            ActivityKind::EndedByAdmin => "Session ended by an admin",
            ActivityKind::ReuseDetected => "Stolen refresh token refused",
            ActivityKind::PasswordChanged => "Password changed",
            ActivityKind::PasswordReset => "Password reset by an admin",
            ActivityKind::SignInFailed => "Failed sign-in",
            ActivityKind::LockedOut => "Sign-ins locked for a while",
            ActivityKind::Reauthenticated => "Password confirmed",
            ActivityKind::Deactivated => "Account deactivated",
            ActivityKind::Reactivated => "Account reactivated",
        }
    }

    /// Whether it calls for the owner's attention.
    pub fn is_warning(self) -> bool {
        matches!(
            self,
            ActivityKind::NewDevice
                | ActivityKind::ReuseDetected
                | ActivityKind::SignInFailed
                | ActivityKind::LockedOut
                | ActivityKind::PasswordReset
                | ActivityKind::Deactivated
        )
    }
}

impl fmt::Display for ActivityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One entry of the activity log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ActivityEntry {
    pub id: i64,
    pub kind: ActivityKind,
    /// RFC 3339.
    pub at: String,
    /// Readable device, e.g. "Safari on iPhone".
    pub device: Option<String>,
    pub ip_address: Option<String>,
    /// The client's network, e.g. `203.0.113.0/24`.
    pub network: Option<String>,
    pub client_app: Option<ClientApp>,
    /// The session the entry is about, if any.
    pub session_id: Option<String>,
    /// A few words more (e.g. which session a reuse ended).
    pub detail: Option<String>,
}

/// `GET /api/auth/activity` answer: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    /// Pass as `before` for the next (older) page; absent on the last.
    pub next_before: Option<i64>,
}

/// An entry of the admin's log over all users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminActivityEntry {
    pub user_id: String,
    pub user_email: String,
    pub user_name: String,
    #[serde(flatten)]
    pub entry: ActivityEntry,
}

/// `GET /api/admin/activity` answer: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminActivityPage {
    pub entries: Vec<AdminActivityEntry>,
    pub next_before: Option<i64>,
}

/// Someone signed in to this account from a new device: the live
/// `new_sign_in` event, and the alerts still waiting for an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewSignIn {
    /// The activity entry (to acknowledge it).
    pub id: i64,
    /// The new session (to sign it out).
    pub session_id: String,
    pub device: String,
    pub client_app: Option<ClientApp>,
    /// RFC 3339.
    pub at: String,
    /// e.g. `203.0.113.0/24`; absent when the address is unknown.
    pub network: Option<String>,
    /// Whether that session is still signed in.
    #[serde(default)]
    pub active: bool,
}

/// `GET /api/auth/alerts` answer: new-device sign-ins nobody answered yet,
/// newest first, the current session's own excluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AlertsResponse {
    pub alerts: Vec<NewSignIn>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names_and_json() {
        for kind in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            assert!(!kind.label().is_empty());
        }
        assert_eq!(ActivityKind::parse("nope"), None);
    }

    #[test]
    fn each_app_has_its_own_cookie() {
        let names = ClientApp::ALL.map(refresh_cookie_name);
        assert_eq!(
            names,
            [
                "taproom_refresh_customer",
                "taproom_refresh_bartender",
                "taproom_refresh_admin"
            ]
        );
    }

    #[test]
    fn a_reauth_request_never_prints_its_password() {
        let r = ReauthRequest {
            password: "hunter22 hunter22".into(),
        };
        assert!(!format!("{r:?}").contains("hunter22"));
    }
}
