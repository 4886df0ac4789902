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
        let ip = peer.map(|peer| client_ip(peer, &parts.headers, &state.trusted_proxies));
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Client(ClientInfo {
            ip: ip.map(|ip| ip.to_string()),
            user_agent,
        }))
    }
}

/// The client's IP: the peer, unless the peer is a trusted proxy, in which
/// case the nearest untrusted address in `X-Forwarded-For`.
pub fn client_ip(peer: IpAddr, headers: &axum::http::HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let mut h = axum::http::HeaderMap::new();
        h.insert("x-forwarded-for", "203.0.113.9, 10.0.0.2".parse().unwrap());
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let edge: IpAddr = "10.0.0.1".parse().unwrap();
        assert_eq!(client_ip(edge, &h, &[]), edge);
        assert_eq!(
            client_ip(edge, &h, &[edge, proxy]),
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
    }
}
