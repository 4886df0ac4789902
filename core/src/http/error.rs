//! Turns [`AppError`] into the API's error shape:
//! `{"error": "snake_case_code", "message": "human sentence"}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use shared::api::{token_refusal, ErrorBody};
use shared::security::REAUTH_REQUIRED;

use crate::crypto::jwt::JwtError;
use crate::error::AppError;

impl AppError {
    /// Status and stable code of the error.
    pub fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::BadRequest(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            AppError::BadRequestCode { code, .. } => (StatusCode::BAD_REQUEST, *code),
            AppError::Validation(_) => (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
            AppError::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            AppError::MissingToken => (StatusCode::UNAUTHORIZED, token_refusal::MISSING_TOKEN),
            AppError::InvalidToken(JwtError::Expired) => {
                (StatusCode::UNAUTHORIZED, token_refusal::TOKEN_EXPIRED)
            }
            AppError::InvalidToken(JwtError::WrongType) => {
                (StatusCode::UNAUTHORIZED, token_refusal::WRONG_TOKEN_TYPE)
            }
            AppError::InvalidToken(_) => (StatusCode::UNAUTHORIZED, token_refusal::INVALID_TOKEN),
            AppError::SessionEnded => (StatusCode::UNAUTHORIZED, token_refusal::SESSION_ENDED),
            AppError::TokenReused => (StatusCode::UNAUTHORIZED, "refresh_token_reused"),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::ReauthRequired => (StatusCode::FORBIDDEN, REAUTH_REQUIRED),
            AppError::CrossSite => (StatusCode::FORBIDDEN, "cross_site_request"),
            AppError::RegistrationClosed => (StatusCode::FORBIDDEN, "registration_closed"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::InvalidTicket => (StatusCode::UNAUTHORIZED, "invalid_ticket"),
            AppError::Conflict { code, .. } => (StatusCode::CONFLICT, *code),
            AppError::ConflictWithCurrent { code, .. } => (StatusCode::CONFLICT, *code),
            AppError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, *code),
            AppError::EmailTaken => (StatusCode::CONFLICT, "email_taken"),
            AppError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            AppError::TooManyStreams => (StatusCode::TOO_MANY_REQUESTS, "too_many_streams"),
            AppError::Busy => (StatusCode::SERVICE_UNAVAILABLE, "busy"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
        }
    }
}

/// An error response with any status and code (for rejections that never
/// become an [`AppError`], such as an unknown route).
pub fn error_response(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = ErrorBody {
        error: code.to_owned(),
        message: message.into(),
    };
    (status, Json(body)).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            AppError::Internal(err) => {
                // Logged with its whole chain; the client learns nothing of it.
                tracing::error!(error = ?err, "internal error");
                "Something went wrong on our side. Please try again.".to_owned()
            }
            other => sentence(&other.to_string()),
        };
        let mut response = match &self {
            AppError::ConflictWithCurrent { current, .. } => (
                status,
                Json(serde_json::json!({"error": code, "message": message, "current": current})),
            )
                .into_response(),
            _ => error_response(status, code, message),
        };
        let headers = response.headers_mut();
        match &self {
            AppError::RateLimited { retry_after } => {
                let secs = retry_after.as_secs() + u64::from(retry_after.subsec_nanos() > 0);
                headers.insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
            }
            AppError::Busy => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            AppError::TooManyStreams => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
            }
            AppError::MissingToken
            | AppError::InvalidToken(_)
            | AppError::SessionEnded
            | AppError::InvalidTicket => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

/// Capitalises and ends a message with a full stop.
fn sentence(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    let mut chars = s.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}
