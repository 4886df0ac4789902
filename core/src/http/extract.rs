//! Extractors: JSON bodies whose rejections speak our error shape, the
//! authenticated user, and what we know of the client.

use std::net::{IpAddr, SocketAddr};

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use shared::api::Role;

use super::error::error_response;
use super::AppState;
use crate::error::AppError;
use crate::services::sessions::{AuthContext, ClientInfo};

/// A JSON body. Malformed JSON is 400, a wrong shape 422, a missing
/// content type 415 and an oversized body 413, all in our error shape.
pub struct ApiJson<T>(pub T);

/// Why a body was refused.
pub struct JsonError(Response);

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        self.0
    }
}

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = JsonError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(JsonError(json_rejection(rejection))),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> Response {
    match rejection {
        JsonRejection::JsonDataError(e) => error_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!(
                "The request body has the wrong shape: {}.",
                shape_detail(&e)
            ),
        ),
        JsonRejection::JsonSyntaxError(_) => error_response(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "The request body is not valid JSON.",
        ),
        JsonRejection::MissingJsonContentType(_) => error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the body as JSON with Content-Type: application/json.",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The request body is too large.",
        ),
        _ => error_response(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request body could not be read.",
        ),
    }
}

/// What serde says is wrong with the body's shape (the field and the
/// expected type), cut to 200 characters. It goes back only to the client
/// that sent the body, never to the logs.
fn shape_detail(error: &axum::extract::rejection::JsonDataError) -> String {
    use std::error::Error as _;
    error.source().map_or_else(
        || "unexpected fields or types".to_owned(),
        |source| source.to_string().chars().take(200).collect(),
    )
}

/// A JSON body that may also be left out entirely (`None`); otherwise
/// as [`ApiJson`].
pub struct OptionalJson<T>(pub Option<T>);

impl<S, T> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = JsonError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let empty = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|len| len.as_bytes() == b"0")
            || (!req.headers().contains_key(header::CONTENT_LENGTH)
                && !req.headers().contains_key(header::TRANSFER_ENCODING));
        if empty {
            return Ok(OptionalJson(None));
        }
        let ApiJson(value) = ApiJson::<T>::from_request(req, state).await?;
        Ok(OptionalJson(Some(value)))
    }
}

/// A path parameter; one that cannot be read (bad percent-encoding, wrong
/// type) is a 400 in our error shape rather than axum's plain text.
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(_) => Err(error_response(
                StatusCode::BAD_REQUEST,
                "invalid_path",
                "The address contains a parameter that cannot be read.",
            )),
        }
    }
}

/// A query string; one that cannot be read (unknown value, wrong type) is a
/// 400 in our error shape.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(e) => Err(error_response(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!(
                    "The query string cannot be read: {}.",
                    e.body_text().chars().take(200).collect::<String>()
                ),
            )),
        }
    }
}

/// The signed-in user of a request with a valid access token.
pub struct AuthUser(pub AuthContext);

impl<S> FromRequestParts<S> for AuthUser
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or(AppError::MissingToken)?;
        let value = header.to_str().map_err(|_| AppError::MissingToken)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AppError::MissingToken)?;
        let ctx = state.sessions.authenticate(token).await?;
        Ok(AuthUser(ctx))
    }
}

impl AuthUser {
    /// Refuses users whose role is not among `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.0.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The client's address and user agent.
pub struct Client(pub ClientInfo);

impl<S> FromRequestParts<S> for Client
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        let ip = peer.and_then(|peer| client_ip(peer, &parts.headers, &state.trusted_proxies));
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Client(ClientInfo {
            ip: ip.map(|ip| ip.to_string()),
            user_agent,
            https: state.https || forwarded_https(peer, &parts.headers, &state.trusted_proxies),
        }))
    }
}

/// The client's IP: the peer, unless the peer is a trusted proxy, in which
/// case `X-Forwarded-For` is walked from the right (the entry the nearest
/// proxy appended) past every trusted proxy. The first entry that is not a
/// trusted proxy is the client. An entry that cannot be read is where the
/// walk stops too: the address is then unknown (`None`), never an entry
/// further left, which whoever sent the request could have written.
///
/// Entries may be `ip`, `ip:port` or `[ipv6]:port`; IPv4-mapped IPv6
/// addresses count as their IPv4 form.
pub fn client_ip(
    peer: IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer.to_canonical();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let mut entries = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let Ok(value) = value.to_str() else {
            // Not even text: nothing in it can be trusted.
            return None;
        };
        entries.extend(value.split(','));
    }
    for entry in entries.into_iter().rev() {
        match forwarded_address(entry.trim()) {
            Some(ip) if trusted.contains(&ip) => continue,
            other => return other,
        }
    }
    // Only trusted proxies (or no header): the nearest of them is all we know.
    Some(peer)
}

/// Whether a trusted proxy says the client spoke TLS to it
/// (`X-Forwarded-Proto: https`).
fn forwarded_https(
    peer: Option<IpAddr>,
    headers: &axum::http::HeaderMap,
    trusted: &[IpAddr],
) -> bool {
    peer.is_some_and(|p| trusted.contains(&p.to_canonical()))
        && headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// One `X-Forwarded-For` entry as an address, canonical (IPv4-mapped
/// addresses as IPv4); `None` for `unknown`, obfuscated names and garbage.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let ip = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))?;
    Some(ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn walk(peer: &str, xff: &[&str], trusted: &[&str]) -> Option<IpAddr> {
        let mut h = axum::http::HeaderMap::new();
        for value in xff {
            h.append("x-forwarded-for", value.parse().unwrap());
        }
        let trusted: Vec<IpAddr> = trusted.iter().map(|t| ip(t).to_canonical()).collect();
        client_ip(ip(peer), &h, &trusted)
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let xff = ["203.0.113.9, 10.0.0.2"];
        assert_eq!(walk("10.0.0.1", &xff, &[]), Some(ip("10.0.0.1")));
        assert_eq!(
            walk("10.0.0.1", &xff, &["10.0.0.1", "10.0.0.2"]),
            Some(ip("203.0.113.9"))
        );
    }

    #[test]
    fn a_spoofed_leftmost_entry_is_never_the_client() {
        // The client wrote "6.6.6.6"; our proxy appended what it saw.
        let trusted = ["10.0.0.1"];
        assert_eq!(
            walk("10.0.0.1", &["6.6.6.6, 203.0.113.9"], &trusted),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            walk("10.0.0.1", &["6.6.6.6", "203.0.113.9"], &trusted),
            Some(ip("203.0.113.9")),
            "several headers are one list"
        );
    }

    #[test]
    fn ports_are_read_not_skipped() {
        let trusted = ["10.0.0.1", "10.0.0.2"];
        assert_eq!(
            walk("10.0.0.1", &["6.6.6.6, 203.0.113.9:4711"], &trusted),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            walk(
                "10.0.0.1",
                &["6.6.6.6, [2001:db8::7]:4711, 10.0.0.2:80"],
                &trusted
            ),
            Some(ip("2001:db8::7"))
        );
        assert_eq!(
            walk("10.0.0.1", &["6.6.6.6, 2001:db8::7"], &trusted),
            Some(ip("2001:db8::7"))
        );
    }

    #[test]
    fn an_unreadable_entry_stops_the_walk() {
        let trusted = ["10.0.0.1"];
        for bad in [
            "unknown",
            "_hidden",
            "",
            "203.0.113.9:x",
            "[2001:db8::7]",
            "::ffff:1.2.3.4:5",
        ] {
            assert_eq!(
                walk("10.0.0.1", &[&format!("6.6.6.6, {bad}")], &trusted),
                None,
                "{bad:?} let the walk go on"
            );
        }
    }

    #[test]
    fn mapped_addresses_match_their_ipv4_form() {
        // A proxy listed as IPv4, seen as IPv4-mapped IPv6 (a dual-stack
        // socket), and the reverse.
        assert_eq!(
            walk("::ffff:10.0.0.2", &["203.0.113.9"], &["10.0.0.2"]),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            walk(
                "10.0.0.1",
                &["203.0.113.9, ::ffff:10.0.0.2"],
                &["10.0.0.1", "::ffff:10.0.0.2"]
            ),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            walk("10.0.0.1", &["::ffff:203.0.113.9"], &["10.0.0.1"]),
            Some(ip("203.0.113.9")),
            "the client is named in its IPv4 form"
        );
        // An untrusted peer is the client, in its IPv4 form too.
        assert_eq!(
            walk("::ffff:203.0.113.5", &[], &["10.0.0.1"]),
            Some(ip("203.0.113.5"))
        );
    }

    #[test]
    fn only_trusted_hops_leave_the_nearest_proxy() {
        assert_eq!(
            walk("10.0.0.1", &["10.0.0.2"], &["10.0.0.1", "10.0.0.2"]),
            Some(ip("10.0.0.1"))
        );
        assert_eq!(walk("10.0.0.1", &[], &["10.0.0.1"]), Some(ip("10.0.0.1")));
    }
}
