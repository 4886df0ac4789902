//! Request and response types of the Taproom JSON API.
//!
//! Serde-only so that the server and the WASM apps share one definition.
//! Field names marked (compat) in `DESIGN.md` must not change.

use std::fmt;

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Longest e-mail address we accept (RFC 5321 path limit).
pub const EMAIL_MAX_LEN: usize = 254;
/// Shortest password accepted when one is set.
pub const PASSWORD_MIN_LEN: usize = 8;
/// Longest password accepted; bounds the work a single login can cause.
pub const PASSWORD_MAX_LEN: usize = 128;
/// Longest display name.
pub const NAME_MAX_LEN: usize = 100;
/// Longest token we try to parse; ours are far shorter.
pub const TOKEN_MAX_LEN: usize = 2048;

/// What a user may do, and so which app serves them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Customer,
    Bartender,
    Admin,
}

impl Role {
    /// The wire and database name of the role.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Bartender => "bartender",
            Role::Admin => "admin",
        }
    }

    /// Parses the wire name of a role.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "customer" => Some(Role::Customer),
            "bartender" => Some(Role::Bartender),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The three web apps; a session remembers which one created it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClientApp {
    Customer,
    Bartender,
    Admin,
}

impl ClientApp {
    /// Every app, in the order the product lists them.
    pub const ALL: [ClientApp; 3] = [ClientApp::Customer, ClientApp::Bartender, ClientApp::Admin];

    /// The wire and database name of the app.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientApp::Customer => "customer",
            ClientApp::Bartender => "bartender",
            ClientApp::Admin => "admin",
        }
    }

    /// Parses the wire name of an app.
    pub fn parse(s: &str) -> Option<ClientApp> {
        match s {
            "customer" => Some(ClientApp::Customer),
            "bartender" => Some(ClientApp::Bartender),
            "admin" => Some(ClientApp::Admin),
            _ => None,
        }
    }

    /// The localStorage keys this app keeps its session under (compat).
    pub fn storage_keys(self) -> StorageKeys {
        match self {
            ClientApp::Customer => StorageKeys {
                access: "access_token",
                refresh: "refresh_token",
                user: "user",
            },
            ClientApp::Bartender => StorageKeys {
                access: "bartender_token",
                refresh: "bartender_refresh_token",
                user: "bartender",
            },
            ClientApp::Admin => StorageKeys {
                access: "admin_token",
                refresh: "admin_refresh_token",
                user: "admin_user",
            },
        }
    }

    /// Whether a user with `role` may keep a session in this app.
    pub fn serves(self, role: Role) -> bool {
        match self {
            ClientApp::Customer => role == Role::Customer,
            ClientApp::Bartender => matches!(role, Role::Bartender | Role::Admin),
            ClientApp::Admin => role == Role::Admin,
        }
    }
}

/// Names of the storage entries holding an app's tokens and user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StorageKeys {
    pub access: &'static str,
    pub refresh: &'static str,
    pub user: &'static str,
}

/// The signed-in user as the API shows it (compat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UserInfo {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
}

/// `POST /api/auth/login` body (compat: `email`, `password`).
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// Which app signs in; recorded on the session. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_app: Option<ClientApp>,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest")
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .field("client_app", &self.client_app)
            .finish()
    }
}

/// `POST /api/auth/register` body.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub email: String,
    pub password: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_app: Option<ClientApp>,
}

impl fmt::Debug for RegisterRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegisterRequest")
            .field("email", &self.email)
            .field("password", &"[redacted]")
            .field("name", &self.name)
            .finish()
    }
}

/// Answer to login, register and refresh (compat).
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    /// Empty, and absent from the JSON, when it travels in an `HttpOnly`
    /// cookie instead (cookie mode, browser apps only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub refresh_token: String,
    /// Always `"bearer"`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub user: UserInfo,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &"[redacted]")
            .field("refresh_token", &"[redacted]")
            .field("expires_in", &self.expires_in)
            .field("user", &self.user)
            .finish()
    }
}

/// `POST /api/auth/refresh` and `POST /api/auth/logout` body (compat).
/// Without `refresh_token` (or without a body) the server reads the app's
/// refresh cookie, in cookie mode and from our own pages only.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

impl fmt::Debug for RefreshRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RefreshRequest { refresh_token: [redacted] }")
    }
}

/// `POST /api/auth/logout` body (compat); same shape as refresh.
pub type LogoutRequest = RefreshRequest;

/// A plain confirmation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessageResponse {
    pub message: String,
}

/// Answer to logout-all and password change: how many sessions ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RevokedResponse {
    pub message: String,
    pub revoked: u64,
}

/// One active session, as the devices page lists it (compat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionInfo {
    pub id: String,
    /// Readable device, e.g. "Chrome 120 on Windows".
    pub device_info: String,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub client_app: Option<ClientApp>,
    /// RFC 3339 timestamps.
    pub created_at: String,
    pub last_activity: String,
    pub expires_at: String,
    /// True for the session the request was made with.
    pub is_current: bool,
}

/// `GET /api/auth/sessions` answer (compat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SessionsResponse {
    pub sessions: Vec<SessionInfo>,
    pub total: u64,
}

/// `POST /api/auth/password` body.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

impl fmt::Debug for ChangePasswordRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChangePasswordRequest { [redacted] }")
    }
}

/// Every error the API answers with (compat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorBody {
    /// Stable snake_case code, e.g. `invalid_credentials`.
    pub error: String,
    /// A sentence for people.
    pub message: String,
}

/// Why a session ended, as the server records it (`revoked_reason`) and
/// the admin console shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The person signed out on that device.
    Logout,
    /// The person signed out everywhere.
    LogoutAll,
    /// The person ended it from another device (Devices).
    RevokedByUser,
    /// An admin ended it, or signed the person out everywhere.
    RevokedByAdmin,
    /// A rotated-out refresh token came back: the session was taken over.
    ReuseDetected,
    /// The person changed their password (other devices).
    PasswordChanged,
    /// An admin reset the person's password.
    PasswordReset,
    /// An admin deactivated the account.
    UserDeactivated,
    /// The oldest of a user's sessions, over the cap.
    SessionLimit,
    /// It ran past its idle or absolute lifetime.
    Expired,
}

impl EndReason {
    /// Every reason.
    pub const ALL: [EndReason; 10] = [
        EndReason::Logout,
        EndReason::LogoutAll,
        EndReason::RevokedByUser,
        EndReason::RevokedByAdmin,
        EndReason::ReuseDetected,
        EndReason::PasswordChanged,
        EndReason::PasswordReset,
        EndReason::UserDeactivated,
        EndReason::SessionLimit,
        EndReason::Expired,
    ];

    /// The wire and database name.
    pub const fn as_str(self) -> &'static str {
        match self {
            EndReason::Logout => "logout",
            EndReason::LogoutAll => "logout_all",
            EndReason::RevokedByUser => "revoked_by_user",
            EndReason::RevokedByAdmin => "revoked_by_admin",
            EndReason::ReuseDetected => "reuse_detected",
            EndReason::PasswordChanged => "password_changed",
            EndReason::PasswordReset => "password_reset",
            EndReason::UserDeactivated => "user_deactivated",
            EndReason::SessionLimit => "session_limit",
            EndReason::Expired => "expired",
        }
    }

    /// The reason of a wire or database name.
    pub fn parse(name: &str) -> Option<EndReason> {
        EndReason::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// What a person reads.
    pub const fn label(self) -> &'static str {
        match self {
            EndReason::Logout => "signed out",
            EndReason::LogoutAll => "signed out everywhere",
            EndReason::RevokedByUser => "ended from another device",
            EndReason::RevokedByAdmin => "ended by an admin",
            EndReason::ReuseDetected => "token reuse detected",
            EndReason::PasswordChanged => "password changed",
            EndReason::PasswordReset => "password reset by an admin",
            EndReason::UserDeactivated => "account deactivated",
            EndReason::SessionLimit => "too many sessions",
            EndReason::Expired => "expired",
        }
    }
}

/// The codes of the 401 answers that refuse the access token itself (as
/// opposed to, say, a wrong current password). Only after one of these may
/// a client renew its token and send the request once more.
pub mod token_refusal {
    /// No `Authorization: Bearer` token was sent.
    pub const MISSING_TOKEN: &str = "missing_token";
    /// The token is malformed, forged or signed with another key.
    pub const INVALID_TOKEN: &str = "invalid_token";
    /// The token's `exp` has passed.
    pub const TOKEN_EXPIRED: &str = "token_expired";
    /// A refresh token was sent where an access token belongs.
    pub const WRONG_TOKEN_TYPE: &str = "wrong_token_type";
    /// The token's session has ended (logout, revocation, expiry).
    pub const SESSION_ENDED: &str = "session_ended";

    /// Whether `code` is one of the above.
    pub fn is_token_refusal(code: &str) -> bool {
        [
            MISSING_TOKEN,
            INVALID_TOKEN,
            TOKEN_EXPIRED,
            WRONG_TOKEN_TYPE,
            SESSION_ENDED,
        ]
        .contains(&code)
    }
}

/// `GET /healthz` and `GET /readyz` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HealthResponse {
    pub status: String,
}

/// Checks an e-mail address the way the server does: one `@`, a local part,
/// a domain with a dot, no spaces, at most [`EMAIL_MAX_LEN`] characters.
/// Returns it trimmed. The apps check with this before sending; it leaves
/// out lower-casing, whose Unicode tables would weigh on every wasm bundle.
pub fn check_email(raw: &str) -> Result<&str, &'static str> {
    let email = raw.trim();
    if email.is_empty() {
        return Err("Enter your e-mail address.");
    }
    if email.len() > EMAIL_MAX_LEN {
        return Err("That e-mail address is too long.");
    }
    let mut parts = email.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err("That does not look like an e-mail address.");
    };
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if valid {
        Ok(email)
    } else {
        Err("That does not look like an e-mail address.")
    }
}

/// [`check_email`], then lower-cased: the form the server stores.
pub fn normalize_email(raw: &str) -> Result<String, &'static str> {
    let email = check_email(raw)?.to_lowercase();
    // Lower-casing can lengthen some characters.
    if email.len() > EMAIL_MAX_LEN {
        return Err("That e-mail address is too long.");
    }
    Ok(email)
}

/// Checks a new password against the length rules.
pub fn check_new_password(password: &str) -> Result<(), &'static str> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_LEN {
        Err("The password must be at least 8 characters long.")
    } else if chars > PASSWORD_MAX_LEN {
        Err("The password must be at most 128 characters long.")
    } else {
        Ok(())
    }
}

/// Checks and trims a display name.
pub fn normalize_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim();
    if name.is_empty() {
        Err("Enter a name.")
    } else if name.chars().count() > NAME_MAX_LEN {
        Err("The name must be at most 100 characters long.")
    } else if name.chars().any(char::is_control) {
        Err("The name contains characters that are not allowed.")
    } else {
        Ok(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_reasons_round_trip_through_names_and_json() {
        for reason in EndReason::ALL {
            assert_eq!(EndReason::parse(reason.as_str()), Some(reason));
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.as_str()));
        }
        assert_eq!(EndReason::parse("gone"), None);
    }

    #[test]
    fn storage_keys_match_the_design_table() {
        let c = ClientApp::Customer.storage_keys();
        assert_eq!(
            (c.access, c.refresh, c.user),
            ("access_token", "refresh_token", "user")
        );
        let b = ClientApp::Bartender.storage_keys();
        assert_eq!(
            (b.access, b.refresh, b.user),
            ("bartender_token", "bartender_refresh_token", "bartender")
        );
        let a = ClientApp::Admin.storage_keys();
        assert_eq!(
            (a.access, a.refresh, a.user),
            ("admin_token", "admin_refresh_token", "admin_user")
        );
    }

    #[test]
    fn apps_serve_the_roles_of_the_design_table() {
        assert!(ClientApp::Customer.serves(Role::Customer));
        assert!(!ClientApp::Customer.serves(Role::Admin));
        assert!(ClientApp::Bartender.serves(Role::Bartender));
        assert!(ClientApp::Bartender.serves(Role::Admin));
        assert!(!ClientApp::Bartender.serves(Role::Customer));
        assert!(ClientApp::Admin.serves(Role::Admin));
        assert!(!ClientApp::Admin.serves(Role::Bartender));
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(normalize_email("  Ann@Bar.Test ").unwrap(), "ann@bar.test");
        // The apps' check keeps the case but applies the same rules.
        assert_eq!(check_email("  Ann@Bar.Test ").unwrap(), "Ann@Bar.Test");
        for bad in [
            "",
            "ann",
            "ann@",
            "@bar.test",
            "a@b",
            "a@@b.c",
            "a b@c.d",
            "a@.c",
            "a@c.",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
            assert_eq!(
                check_email(bad).err(),
                normalize_email(bad).err(),
                "{bad:?}"
            );
        }
        assert!(normalize_email(&format!("{}@b.cd", "a".repeat(260))).is_err());
        assert!(check_email(&format!("{}@b.cd", "a".repeat(260))).is_err());
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let req = LoginRequest {
            email: "a@b.cd".into(),
            password: "hunter22".into(),
            client_app: None,
        };
        assert!(!format!("{req:?}").contains("hunter22"));
        let refresh = RefreshRequest {
            refresh_token: Some("secret-token".into()),
        };
        assert!(!format!("{refresh:?}").contains("secret-token"));
    }

    #[test]
    fn login_request_refuses_unknown_fields() {
        let err = serde_json::from_str::<LoginRequest>(
            r#"{"email":"a@b.cd","password":"x","admin":true}"#,
        );
        assert!(err.is_err());
    }

    // proptest runs natively; the wasm32 test build skips it.
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn normalising_any_text_never_panics_and_accepts_only_sound_addresses(raw in "\\PC{0,300}") {
                if let Ok(email) = normalize_email(&raw) {
                    prop_assert_eq!(email.matches('@').count(), 1);
                    prop_assert!(email.len() <= EMAIL_MAX_LEN);
                    prop_assert_eq!(email.trim(), email.as_str());
                    prop_assert_eq!(email.to_lowercase(), email.clone());
                    prop_assert_eq!(normalize_email(&email), Ok(email.clone()), "normalising is idempotent");
                }
            }

            #[test]
            fn plain_addresses_are_accepted_in_any_case(
                local in "[a-z0-9._%+-]{1,40}",
                domain in "[a-z0-9-]{1,30}",
                tld in "[a-z]{2,10}",
            ) {
                let email = format!("{local}@{domain}.{tld}");
                prop_assert_eq!(normalize_email(&format!(" {} ", email.to_uppercase())), Ok(email));
            }

            #[test]
            fn names_are_trimmed_and_bounded(raw in "\\PC{0,150}") {
                if let Ok(name) = normalize_name(&raw) {
                    prop_assert!(!name.is_empty() && name.chars().count() <= NAME_MAX_LEN);
                    prop_assert_eq!(name.trim(), name.as_str());
                }
            }
        }
    }
}
