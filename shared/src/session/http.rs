//! The HTTP seam: what the session manager asks of a transport.
//!
//! Deliberately tiny and free of any HTTP crate, so the browser can back it
//! with `fetch` (gloo-net) and native tools with reqwest.

use std::fmt;

use serde::Serialize;

/// HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// The method as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One request to the API.
///
/// `path` starts with `/` (e.g. `/api/auth/me`); the transport joins it to its
/// base URL. A `body` is JSON and is sent with `Content-Type: application/json`.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub path: String,
    /// Sent as `Authorization: Bearer …`. The session manager fills it in.
    pub bearer: Option<String>,
    /// Extra headers, e.g. `Idempotency-Key`.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl HttpRequest {
    /// A request without body, token or extra headers.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        HttpRequest {
            method,
            path: path.into(),
            bearer: None,
            headers: Vec::new(),
            body: None,
        }
    }

    /// Sets the body to `body` serialised as JSON.
    pub fn with_json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, serde_json::Error> {
        self.body = Some(serde_json::to_string(body)?);
        Ok(self)
    }

    /// Sets an already serialised JSON body.
    pub fn with_body(mut self, json: impl Into<String>) -> Self {
        self.body = Some(json.into());
        self
    }

    /// Adds a header.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the bearer token.
    pub fn with_bearer(mut self, token: impl Into<String>) -> Self {
        self.bearer = Some(token.into());
        self
    }
}

// Requests carry tokens and, for login, passwords: never print them.
impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("bearer", &self.bearer.as_ref().map(|_| "[redacted]"))
            .field("headers", &self.headers)
            .field("body_len", &self.body.as_ref().map(String::len))
            .finish()
    }
}

/// The answer to an [`HttpRequest`], whatever its status.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// Response headers; names compare case-insensitively through [`HttpResponse::header`].
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    /// A response without headers.
    pub fn new(status: u16, body: impl Into<String>) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// The first value of header `name`, matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `Retry-After` in seconds. The API sends delta-seconds; an HTTP date
    /// or garbage gives `None` and the caller falls back to its own wait.
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.header("retry-after")?.trim().parse().ok()
    }
}

// Token responses carry both tokens in the body.
impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The request did not get an HTTP answer (offline, DNS, refused, aborted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    message: String,
}

impl TransportError {
    /// An error described by `message`, which must not contain secrets.
    pub fn new(message: impl Into<String>) -> Self {
        TransportError {
            message: message.into(),
        }
    }

    /// The description.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Sends requests to the API.
///
/// Futures are not required to be `Send`: browser futures never are.
#[expect(
    async_fn_in_trait,
    reason = "wasm futures are !Send, so callers must not be promised Send futures"
)]
pub trait Transport {
    /// Sends `request` and returns the answer, whatever its status. Only a
    /// missing answer is an error.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_tokens_and_bodies() {
        let req = HttpRequest::new(Method::Post, "/api/auth/login")
            .with_bearer("secret-access")
            .with_body(r#"{"password":"hunter22"}"#);
        let shown = format!("{req:?}");
        assert!(
            !shown.contains("secret-access") && !shown.contains("hunter22"),
            "{shown}"
        );
        let resp = HttpResponse::new(200, r#"{"refresh_token":"secret-refresh"}"#);
        assert!(!format!("{resp:?}").contains("secret-refresh"));
    }

    #[test]
    fn retry_after_is_read_case_insensitively() {
        let mut resp = HttpResponse::new(429, "");
        resp.headers.push(("Retry-After".into(), " 17 ".into()));
        assert_eq!(resp.retry_after_secs(), Some(17));
        resp.headers[0].1 = "Wed, 21 Oct 2015 07:28:00 GMT".into();
        assert_eq!(resp.retry_after_secs(), None);
        assert_eq!(HttpResponse::new(429, "").retry_after_secs(), None);
    }
}
