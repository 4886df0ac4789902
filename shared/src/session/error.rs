//! What can go wrong in a session call, in words a user can read.

use crate::api::{ClientApp, ErrorBody, Role};

use super::http::{HttpResponse, TransportError};
use super::storage::StorageError;

/// Why a session call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// There is no usable session: never signed in, signed out elsewhere, or
    /// the server refused to renew it. The keys have been cleared.
    #[error("You are signed out. Please sign in again.")]
    LoggedOut,
    /// The account's role is not served by this app; the session was ended.
    #[error("{} accounts cannot use the {} app. Please sign in with another account.", role_title(*role), app.as_str())]
    WrongApp { role: Role, app: ClientApp },
    /// No answer from the server. Not a logout: the session is kept.
    #[error("Could not reach the server ({0}). Check your connection and try again.")]
    Network(String),
    /// Too many requests; `retry_after_secs` comes from `Retry-After`.
    #[error("{}", rate_limited_sentence(*retry_after_secs))]
    RateLimited { retry_after_secs: Option<u64> },
    /// The server answered with an error.
    #[error("{}", body.message)]
    Api { status: u16, body: ErrorBody },
    /// The server's answer was not what the API promises.
    #[error("The server sent an answer this app does not understand ({0}).")]
    Decode(String),
    /// A request body could not be turned into JSON.
    #[error("This request could not be prepared ({0}).")]
    Encode(String),
    /// The session could not be saved in this browser.
    #[error("Your session could not be saved in this browser ({0}).")]
    Storage(String),
}

impl SessionError {
    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            SessionError::Api { status, .. } => Some(*status),
            SessionError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The API's snake_case error code, e.g. `invalid_credentials`.
    pub fn code(&self) -> Option<&str> {
        match self {
            SessionError::Api { body, .. } => Some(&body.error),
            _ => None,
        }
    }

    /// Whether the session is gone and the user must sign in again.
    pub fn ends_session(&self) -> bool {
        matches!(
            self,
            SessionError::LoggedOut | SessionError::WrongApp { .. }
        )
    }

    /// The error for a non-2xx answer.
    pub(crate) fn from_response(response: &HttpResponse) -> SessionError {
        if response.status == 429 {
            return SessionError::RateLimited {
                retry_after_secs: response.retry_after_secs(),
            };
        }
        // Our API always answers errors as ErrorBody; anything else came from
        // a proxy or a crash, and its text (often HTML) is no use to a user.
        let body = serde_json::from_str::<ErrorBody>(&response.body).unwrap_or_else(|_| {
            let message = if response.status >= 500 {
                "The server had a problem. Please try again in a moment.".to_owned()
            } else {
                format!("The server refused the request (HTTP {}).", response.status)
            };
            ErrorBody {
                error: format!("http_{}", response.status),
                message,
            }
        });
        SessionError::Api {
            status: response.status,
            body,
        }
    }
}

impl From<TransportError> for SessionError {
    fn from(err: TransportError) -> Self {
        SessionError::Network(err.message().to_owned())
    }
}

impl From<StorageError> for SessionError {
    fn from(err: StorageError) -> Self {
        SessionError::Storage(err.0)
    }
}

fn role_title(role: Role) -> &'static str {
    match role {
        Role::Customer => "Customer",
        Role::Bartender => "Bartender",
        Role::Admin => "Admin",
    }
}

fn rate_limited_sentence(retry_after_secs: Option<u64>) -> String {
    match retry_after_secs {
        Some(1) => "Too many attempts. Please try again in 1 second.".to_owned(),
        Some(secs) => format!("Too many attempts. Please try again in {secs} seconds."),
        None => "Too many attempts. Please wait a moment and try again.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_keep_the_server_sentence() {
        let resp = HttpResponse::new(
            401,
            r#"{"error":"invalid_credentials","message":"Wrong e-mail or password."}"#,
        );
        let err = SessionError::from_response(&resp);
        assert_eq!(err.status(), Some(401));
        assert_eq!(err.code(), Some("invalid_credentials"));
        assert_eq!(err.to_string(), "Wrong e-mail or password.");
    }

    #[test]
    fn foreign_error_pages_are_not_shown() {
        let err = SessionError::from_response(&HttpResponse::new(502, "<html>Bad gateway</html>"));
        assert_eq!(err.code(), Some("http_502"));
        assert!(!err.to_string().contains("html"));
    }

    #[test]
    fn rate_limits_carry_retry_after() {
        let mut resp = HttpResponse::new(429, "{}");
        resp.headers.push(("retry-after".into(), "30".into()));
        let err = SessionError::from_response(&resp);
        assert_eq!(
            err,
            SessionError::RateLimited {
                retry_after_secs: Some(30)
            }
        );
        assert_eq!(
            err.to_string(),
            "Too many attempts. Please try again in 30 seconds."
        );
    }

    #[test]
    fn wrong_app_names_role_and_app() {
        let err = SessionError::WrongApp {
            role: Role::Customer,
            app: ClientApp::Admin,
        };
        assert_eq!(
            err.to_string(),
            "Customer accounts cannot use the admin app. Please sign in with another account."
        );
        assert!(err.ends_session());
    }
}
