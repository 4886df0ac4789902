//! [`Transport`] over reqwest, for native clients: tests, tools, scripts.

use std::error::Error as _;

use super::http::{HttpRequest, HttpResponse, Method, Transport, TransportError};

/// Sends requests to `base_url` (e.g. `http://127.0.0.1:8080`) with reqwest.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    /// Scheme, host and port, optionally a path prefix; no trailing slash needed.
    pub base_url: String,
    pub client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport with a default client.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self::with_client(base_url, reqwest::Client::new())
    }

    /// A transport with a configured client (timeouts, user agent, …).
    pub fn with_client(base_url: impl Into<String>, client: reqwest::Client) -> Self {
        ReqwestTransport {
            base_url: base_url.into(),
            client,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url.trim_end_matches('/'), path)
    }
}

impl Transport for ReqwestTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let mut builder = self.client.request(method, self.url(&request.path));
        if let Some(token) = &request.bearer {
            // bearer_auth marks the header sensitive, so it is not logged.
            builder = builder.bearer_auth(token);
        }
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        if let Some(body) = request.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = builder.send().await.map_err(describe)?;
        let status = response.status().as_u16();
        // Non-UTF-8 header values are never ones we read, so skipping them is safe.
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                let value = value.to_str().ok()?;
                Some((name.as_str().to_owned(), value.to_owned()))
            })
            .collect();
        let body = response.text().await.map_err(describe)?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

/// reqwest's own message hides the cause ("error sending request"); append
/// the chain so "connection refused" reaches the user. URLs carry no secrets.
fn describe(err: reqwest::Error) -> TransportError {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    TransportError::new(message)
}
