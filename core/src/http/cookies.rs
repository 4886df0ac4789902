//! Refresh tokens in `HttpOnly` cookies (cookie mode, `TAPROOM_REFRESH_COOKIE=on`).
//!
//! A browser app names itself in the `X-Taproom-App` header on every auth
//! call. In cookie mode the server then sets the refresh token as a cookie
//! of that app (`HttpOnly; SameSite=Strict; Path=/api/auth`, `Secure` over
//! TLS) and leaves it out of the JSON, so no script on the page can read
//! it. A refresh or logout without a token in its body takes the cookie,
//! but only from our own pages: the app header must be there (a form on
//! another site cannot set it; a script elsewhere cannot send it without a
//! CORS preflight, which we never grant), `Origin`, if sent, must be this
//! server, and `Sec-Fetch-Site`, if sent, must say `same-origin`. Pages on
//! another port of the same host are "same site" to `SameSite`, which is
//! why the origin checks matter. Native clients send no app header and keep
//! the token in the body, in both modes.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use shared::api::ClientApp;
use shared::security::{refresh_cookie_name, APP_HEADER, REFRESH_COOKIE_PATH};

use crate::error::AppError;

/// The app a request names in `X-Taproom-App` (a browser app), if any.
pub struct AppHeader(pub Option<ClientApp>);

impl<S: Send + Sync> FromRequestParts<S> for AppHeader {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        match parts.headers.get(APP_HEADER) {
            None => Ok(AppHeader(None)),
            Some(value) => value
                .to_str()
                .ok()
                .and_then(ClientApp::parse)
                .map(|app| AppHeader(Some(app)))
                .ok_or_else(|| AppError::BadRequestCode {
                    code: "invalid_app_header",
                    message: "X-Taproom-App must be customer, bartender or admin.".to_owned(),
                }),
        }
    }
}

/// Whether a request comes from one of our own pages (see the module docs).
/// `AppHeader` must be present as well; this checks what the browser says
/// of where the request started.
pub fn from_our_pages(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_ok = match headers.get(header::ORIGIN) {
        None => true,
        Some(origin) => {
            let origin = origin.to_str().unwrap_or("");
            let authority = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
        }
    };
    let fetch_site_ok = headers
        .get("sec-fetch-site")
        .is_none_or(|site| site.as_bytes() == b"same-origin");
    origin_ok && fetch_site_ok
}

/// The refresh token in `app`'s cookie.
pub fn read(headers: &HeaderMap, app: ClientApp) -> Option<String> {
    let name = refresh_cookie_name(app);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.trim_matches('"').to_owned())
        .filter(|value| !value.is_empty())
}

/// `Set-Cookie` for `app`'s refresh token, valid for `max_age_secs`.
pub fn set(app: ClientApp, token: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    cookie(app, token, max_age_secs, secure)
}

/// `Set-Cookie` that removes `app`'s refresh cookie.
pub fn clear(app: ClientApp, secure: bool) -> HeaderValue {
    cookie(app, "", 0, secure)
}

fn cookie(app: ClientApp, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let text = format!(
        "{}={value}; Max-Age={max_age_secs}; Path={REFRESH_COOKIE_PATH}; HttpOnly; SameSite=Strict{}",
        refresh_cookie_name(app),
        if secure { "; Secure" } else { "" }
    );
    // Our tokens are base64url and dots: always a valid header value.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        h
    }

    #[test]
    fn only_our_own_origin_may_use_the_cookie() {
        let ours = [("host", "127.0.0.1:3000")];
        assert!(from_our_pages(&headers(&ours)));
        assert!(from_our_pages(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000"),
            ("sec-fetch-site", "same-origin"),
        ])));
        for bad in [
            vec![("origin", "http://127.0.0.1:4000")],
            vec![("origin", "https://evil.test")],
            vec![("origin", "null")],
            vec![("sec-fetch-site", "same-site")],
            vec![("sec-fetch-site", "cross-site")],
        ] {
            let mut h = ours.to_vec();
            h.extend(bad.iter().copied());
            assert!(!from_our_pages(&headers(&h)), "{bad:?}");
        }
    }

    #[test]
    fn each_app_reads_its_own_cookie() {
        let h = headers(&[(
            "cookie",
            "other=1; taproom_refresh_admin=a.b.c; taproom_refresh_customer=x.y.z",
        )]);
        assert_eq!(read(&h, ClientApp::Customer).as_deref(), Some("x.y.z"));
        assert_eq!(read(&h, ClientApp::Admin).as_deref(), Some("a.b.c"));
        assert_eq!(read(&h, ClientApp::Bartender), None);
    }

    #[test]
    fn cookies_are_httponly_strict_and_scoped_to_the_auth_routes() {
        let c = set(ClientApp::Bartender, "a.b.c", 600, true);
        assert_eq!(
            c.to_str().unwrap(),
            "taproom_refresh_bartender=a.b.c; Max-Age=600; Path=/api/auth; HttpOnly; SameSite=Strict; Secure"
        );
        let gone = clear(ClientApp::Customer, false);
        assert!(gone
            .to_str()
            .unwrap()
            .starts_with("taproom_refresh_customer=; Max-Age=0;"));
    }
}
