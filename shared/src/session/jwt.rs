//! Reading the expiry of an access token, and deciding when to renew it.
//!
//! The client never verifies a signature: it has no key, and the server is
//! the only judge of validity. The client reads `exp` only to renew early, so
//! a token it cannot read is simply treated as expired.

use crate::api::TOKEN_MAX_LEN;

/// Renew the access token when it has less than this many seconds left
/// (DESIGN.md behaviour 9: five minutes).
pub const REFRESH_MARGIN_SECS: i64 = 300;

/// The one claim the client reads. Any other claim is skipped unparsed,
/// and an `exp` that is not an integer reads as none.
#[derive(serde::Deserialize)]
struct Expiry {
    #[serde(default)]
    exp: Option<serde_json::Number>,
}

/// Decodes unpadded base64url (JWT segments), tolerating padding from
/// other issuers. Written out because a base64 crate weighs more in every
/// app's wasm bundle than these lines.
fn decode_base64url(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A lone trailing character (6 bits) cannot end a valid encoding, and
    // leftover bits must be zero.
    (bits < 6 && acc == 0).then_some(out)
}

/// The `exp` claim (Unix seconds) of a JWT, read WITHOUT checking the
/// signature. `None` when the token is not a readable JWT or has no integer
/// `exp`.
pub fn jwt_exp(token: &str) -> Option<i64> {
    if token.len() > TOKEN_MAX_LEN {
        return None;
    }
    let mut parts = token.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let bytes = decode_base64url(payload)?;
    // Claims are an object; serde would also read a struct from an array.
    if !bytes.trim_ascii_start().starts_with(b"{") {
        return None;
    }
    let claims: Expiry = serde_json::from_slice(&bytes).ok()?;
    claims.exp?.as_i64()
}

/// Whether a token expiring at `exp` should be renewed at `now`. An unknown
/// expiry counts as due: asking for a new token is cheap, failing a request
/// with a dead one is not.
pub fn is_refresh_due(exp: Option<i64>, now: i64) -> bool {
    exp.is_none_or(|exp| exp - now < REFRESH_MARGIN_SECS)
}

/// Whether a token expiring at `exp` is past its expiry at `now`.
pub(crate) fn is_expired(exp: Option<i64>, now: i64) -> bool {
    exp.is_none_or(|exp| exp <= now)
}

// Natively only: the reference encoder and proptest are native dev-dependencies.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    use base64::{alphabet, Engine as _};
    use proptest::prelude::*;

    use super::*;

    const BASE64URL: GeneralPurpose = GeneralPurpose::new(
        &alphabet::URL_SAFE,
        GeneralPurposeConfig::new()
            .with_encode_padding(false)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );

    proptest! {
        #[test]
        fn base64url_decoding_undoes_encoding(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            prop_assert_eq!(decode_base64url(&BASE64URL.encode(&bytes)), Some(bytes.clone()));
            let padded = base64::engine::general_purpose::URL_SAFE.encode(&bytes);
            prop_assert_eq!(decode_base64url(&padded), Some(bytes));
        }

        #[test]
        fn base64url_decoding_agrees_with_the_base64_crate(text in "[A-Za-z0-9_+/.-]{0,40}") {
            prop_assert_eq!(decode_base64url(&text), BASE64URL.decode(&text).ok());
        }
    }

    /// A token with the given payload and a signature nobody checks.
    pub(crate) fn token_with_payload(payload: &str) -> String {
        let header = BASE64URL.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let body = BASE64URL.encode(payload.as_bytes());
        format!("{header}.{body}.c2lnbmF0dXJl")
    }

    pub(crate) fn token_expiring_at(exp: i64) -> String {
        token_with_payload(&format!(
            r#"{{"sub":"u1","role":"customer","type":"access","exp":{exp}}}"#
        ))
    }

    #[test]
    fn exp_is_read_from_the_payload() {
        assert_eq!(
            jwt_exp(&token_expiring_at(1_700_000_000)),
            Some(1_700_000_000)
        );
    }

    #[test]
    fn padded_payloads_are_read_too() {
        let padded = base64::engine::general_purpose::URL_SAFE.encode(br#"{"exp":42}"#);
        assert!(padded.ends_with('='));
        assert_eq!(jwt_exp(&format!("e30.{padded}.sig")), Some(42));
    }

    #[test]
    fn unreadable_tokens_have_no_expiry() {
        let too_long = token_with_payload(&format!(r#"{{"exp":1,"pad":"{}"}}"#, "x".repeat(3000)));
        for bad in [
            String::new(),
            "not-a-jwt".to_owned(),
            "a.b".to_owned(),
            "a.b.c.d".to_owned(),
            "e30.!!!.sig".to_owned(),
            token_with_payload("not json"),
            token_with_payload(r#"{"sub":"u1"}"#),
            token_with_payload(r#"{"exp":"tomorrow"}"#),
            token_with_payload(r#"{"exp":1.5}"#),
            token_with_payload("[1,2]"),
            too_long,
        ] {
            assert_eq!(jwt_exp(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn refresh_is_due_inside_the_last_five_minutes() {
        let now = 1_000_000;
        assert!(!is_refresh_due(Some(now + 1800), now));
        assert!(!is_refresh_due(Some(now + REFRESH_MARGIN_SECS), now));
        assert!(is_refresh_due(Some(now + REFRESH_MARGIN_SECS - 1), now));
        assert!(is_refresh_due(Some(now - 10), now));
        assert!(is_refresh_due(None, now));
    }

    #[test]
    fn expiry_is_exclusive_like_the_server() {
        assert!(is_expired(Some(10), 10));
        assert!(!is_expired(Some(11), 10));
        assert!(is_expired(None, 10));
    }
}
