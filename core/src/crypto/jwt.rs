//! HS256 JSON Web Tokens through the `jsonwebtoken` crate.
//!
//! Exactly one algorithm is accepted: the library refuses any header whose
//! `alg` is not HS256 (`none` cannot even be parsed) before it looks at the
//! signature, and it parses the claims only once the signature holds.
//! Beyond the library's checks, a token must carry exactly the header we
//! issue (so `kid`, `jku`, `jwk`, `x5u` and friends are refused rather than
//! ignored), exactly our claims (`deny_unknown_fields`), the expected
//! `type`, and an `exp` in the future of the server's clock.
//!
//! The keys and both validations are built once, when the server starts.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use shared::api::{Role, TOKEN_MAX_LEN};

/// Seconds a token is still accepted after its `exp`: none.
///
/// Every token is issued and checked by this server (or its sibling
/// instances, whose clocks agree through NTP to far under a second), so
/// there is no foreign clock to forgive. Clients renew five minutes before
/// `exp`, so an honest client never presents an expired token; a leeway
/// would only lengthen the life of a stolen one. The library's default of
/// 60 s is meant for tokens that cross organisations.
pub const LEEWAY_SECS: u64 = 0;

/// Which kind of token: an access token is never accepted as a refresh token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenType {
    Access,
    Refresh,
}

/// The claims of both token kinds (DESIGN.md "Tokens").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claims {
    /// User id.
    pub sub: String,
    pub role: Role,
    /// Session id.
    pub sid: String,
    #[serde(rename = "type")]
    pub token_type: TokenType,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Expires at, Unix seconds.
    pub exp: i64,
    pub jti: String,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token's algorithm or header is not accepted")]
    Algorithm,
    #[error("the token's signature is invalid")]
    Signature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is of the wrong type")]
    WrongType,
}

/// Whether a token's expiry is checked (refresh, every authenticated
/// request) or not (logout, where an expired token may still end its
/// session).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Refused once `exp` is not after this time (Unix seconds).
    CheckedAt(i64),
    Ignored,
}

/// Signs and verifies tokens with one secret.
#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// The only header we issue and accept.
    header: Header,
    /// HS256 only, `exp` and `sub` required, `exp` checked with [`LEEWAY_SECS`].
    checked: Validation,
    /// The same with the library's expiry check off (for [`Expiry::Ignored`]).
    unchecked: Validation,
    /// For [`JwtKeys::derive`]: the key schedule is computed once.
    mac: Hmac<Sha256>,
}

impl JwtKeys {
    /// Keys from a secret (at least 32 bytes, checked by the configuration).
    pub fn new(secret: &[u8]) -> anyhow::Result<JwtKeys> {
        let mut checked = Validation::new(Algorithm::HS256);
        checked.leeway = LEEWAY_SECS;
        checked.set_required_spec_claims(&["exp", "sub"]);
        checked.validate_exp = true;
        checked.validate_nbf = false;
        let mut unchecked = checked.clone();
        unchecked.validate_exp = false;
        Ok(JwtKeys {
            encoding: EncodingKey::from_secret(secret)?,
            decoding: DecodingKey::from_secret(secret)?,
            header: Header::new(Algorithm::HS256),
            checked,
            unchecked,
            mac: Hmac::<Sha256>::new_from_slice(secret)
                .map_err(|_| anyhow::anyhow!("the signing secret cannot key HMAC-SHA256"))?,
        })
    }

    /// Encodes and signs claims.
    pub fn sign(&self, claims: &Claims) -> String {
        // Our header and key are both HS256 and the claims are plain
        // strings and integers: encoding cannot fail.
        jsonwebtoken::encode(&self.header, claims, &self.encoding)
            .expect("HS256 claims always encode")
    }

    /// Checks algorithm, header, signature, claims, type and expiry.
    pub fn verify(
        &self,
        token: &str,
        expected: TokenType,
        expiry: Expiry,
    ) -> Result<Claims, JwtError> {
        if token.len() > TOKEN_MAX_LEN {
            return Err(JwtError::Malformed);
        }
        let validation = match expiry {
            Expiry::CheckedAt(_) => &self.checked,
            Expiry::Ignored => &self.unchecked,
        };
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, validation)
            .map_err(|e| refusal(e.kind()))?;
        // Only ever `{"typ":"JWT","alg":"HS256"}`: a key id, key URL or
        // embedded key is not ours to follow, so it is refused, not ignored.
        if data.header != self.header {
            return Err(JwtError::Algorithm);
        }
        let claims = data.claims;
        if claims.token_type != expected {
            return Err(JwtError::WrongType);
        }
        // The library checked `exp` against the system clock; the server's
        // own clock (which tests move) decides as well.
        if let Expiry::CheckedAt(now_secs) = expiry {
            if claims.exp <= now_secs {
                return Err(JwtError::Expired);
            }
        }
        Ok(claims)
    }

    /// A keyed digest, used to derive refresh-token ids that only this
    /// server can reproduce.
    pub fn derive(&self, label: &str, input: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(label.as_bytes());
        mac.update(&[0]);
        mac.update(input.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }
}

/// The library's reason, in our terms (the client learns only the code).
fn refusal(kind: &ErrorKind) -> JwtError {
    match kind {
        ErrorKind::InvalidAlgorithm
        | ErrorKind::MissingAlgorithm
        | ErrorKind::InvalidAlgorithmName
        | ErrorKind::UnsupportedAlgorithm => JwtError::Algorithm,
        ErrorKind::InvalidSignature => JwtError::Signature,
        ErrorKind::ExpiredSignature => JwtError::Expired,
        _ => JwtError::Malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = &[7; 32];

    fn keys() -> JwtKeys {
        JwtKeys::new(SECRET).unwrap()
    }

    fn now() -> i64 {
        i64::try_from(jsonwebtoken::get_current_timestamp()).unwrap()
    }

    fn claims(t: TokenType, exp: i64) -> Claims {
        Claims {
            sub: "u".into(),
            role: Role::Customer,
            sid: "s".into(),
            token_type: t,
            iat: now(),
            exp,
            jti: "j".into(),
        }
    }

    /// A token with any header and payload JSON, signed with `secret` over
    /// exactly those bytes (as an attacker holding the secret could).
    fn forge(header: &str, payload: &str, secret: &[u8]) -> String {
        let message = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
        mac.update(message.as_bytes());
        let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{message}.{sig}")
    }

    fn payload(exp: i64) -> String {
        serde_json::to_string(&claims(TokenType::Access, exp)).unwrap()
    }

    const HEADER: &str = r#"{"typ":"JWT","alg":"HS256"}"#;

    fn at(secs: i64) -> Expiry {
        Expiry::CheckedAt(secs)
    }

    #[test]
    fn a_signed_token_verifies_and_round_trips() {
        let keys = keys();
        let exp = now() + 100;
        let c = claims(TokenType::Access, exp);
        let t = keys.sign(&c);
        assert_eq!(keys.verify(&t, TokenType::Access, at(exp - 1)).unwrap(), c);
        assert_eq!(
            keys.verify(&t, TokenType::Access, at(exp)),
            Err(JwtError::Expired)
        );
        assert_eq!(
            keys.verify(&t, TokenType::Refresh, at(exp - 1)),
            Err(JwtError::WrongType)
        );
        // A hand-signed token with our header and claims is the same token.
        assert_eq!(
            keys.verify(
                &forge(HEADER, &payload(exp), SECRET),
                TokenType::Access,
                at(exp - 1)
            ),
            Ok(c)
        );
    }

    #[test]
    fn another_secret_is_refused() {
        let other = JwtKeys::new(&[8; 32]).unwrap();
        let t = other.sign(&claims(TokenType::Access, now() + 100));
        assert_eq!(
            keys().verify(&t, TokenType::Access, at(now())),
            Err(JwtError::Signature)
        );
    }

    #[test]
    fn a_payload_changed_after_signing_is_refused() {
        let keys = keys();
        let good = keys.sign(&claims(TokenType::Access, now() + 100));
        let parts: Vec<&str> = good.split('.').collect();
        let mut admin = claims(TokenType::Access, now() + 100);
        admin.role = Role::Admin;
        let forged = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&admin).unwrap());
        let tampered = format!("{}.{}.{}", parts[0], forged, parts[2]);
        assert_eq!(
            keys.verify(&tampered, TokenType::Access, at(now())),
            Err(JwtError::Signature)
        );
        // Flipping one character of the signature is no better.
        let mut sig = parts[2].to_owned();
        let last = if sig.ends_with('A') { "B" } else { "A" };
        sig.replace_range(sig.len() - 1.., last);
        let flipped = format!("{}.{}.{}", parts[0], parts[1], sig);
        assert!(keys.verify(&flipped, TokenType::Access, at(now())).is_err());
    }

    #[test]
    fn only_hs256_is_accepted_whatever_the_header_says() {
        let keys = keys();
        let body = payload(now() + 100);
        for header in [
            r#"{"alg":"none","typ":"JWT"}"#,
            r#"{"alg":"None"}"#,
            r#"{"alg":"HS512","typ":"JWT"}"#,
            r#"{"alg":"HS384","typ":"JWT"}"#,
            r#"{"alg":"RS256","typ":"JWT"}"#,
            r#"{"alg":"ES256","typ":"JWT"}"#,
            r#"{"alg":"EdDSA","typ":"JWT"}"#,
            r#"{"alg":"XYZ999","typ":"JWT"}"#,
            r#"{"typ":"JWT"}"#,
            r#"{"alg":["HS256"]}"#,
        ] {
            // Even signed with our secret: the algorithm decides first.
            let token = forge(header, &body, SECRET);
            assert!(
                matches!(
                    keys.verify(&token, TokenType::Access, at(now())),
                    Err(JwtError::Algorithm | JwtError::Malformed)
                ),
                "{header} accepted"
            );
        }
        // `alg: none` with an empty signature, the classic.
        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(&body)
        );
        assert!(keys
            .verify(&unsigned, TokenType::Access, at(now()))
            .is_err());
    }

    #[test]
    fn key_ids_key_urls_and_embedded_keys_are_refused_even_when_signed_by_us() {
        let keys = keys();
        let body = payload(now() + 100);
        for header in [
            r#"{"typ":"JWT","alg":"HS256","kid":"other-key"}"#,
            r#"{"typ":"JWT","alg":"HS256","jku":"https://evil.test/jwks.json"}"#,
            r#"{"typ":"JWT","alg":"HS256","jwk":{"kty":"oct","k":"AAAA"}}"#,
            r#"{"typ":"JWT","alg":"HS256","x5u":"https://evil.test/cert.pem"}"#,
            r#"{"typ":"JWT","alg":"HS256","crit":["exp"]}"#,
            r#"{"typ":"JWT","alg":"HS256","extra":"x"}"#,
            r#"{"typ":"JWS","alg":"HS256"}"#,
        ] {
            let token = forge(header, &body, SECRET);
            assert!(
                keys.verify(&token, TokenType::Access, at(now())).is_err(),
                "{header} accepted"
            );
            // And with an attacker's key, of course.
            let theirs = forge(header, &body, b"attacker-secret-attacker-secret!");
            assert!(keys.verify(&theirs, TokenType::Access, at(now())).is_err());
        }
    }

    #[test]
    fn claims_must_be_exactly_ours() {
        let keys = keys();
        let exp = now() + 100;
        let base = serde_json::to_value(claims(TokenType::Access, exp)).unwrap();
        let mut cases = Vec::new();
        for missing in ["exp", "sub", "sid", "type", "role", "jti", "iat"] {
            let mut v = base.clone();
            v.as_object_mut().unwrap().remove(missing);
            cases.push((format!("without {missing}"), v));
        }
        let mut extra = base.clone();
        extra["admin"] = serde_json::json!(true);
        cases.push(("an unknown claim".to_owned(), extra));
        let mut text_exp = base.clone();
        text_exp["exp"] = serde_json::json!(exp.to_string());
        cases.push(("exp as text".to_owned(), text_exp));
        let mut other_type = base.clone();
        other_type["type"] = serde_json::json!("id");
        cases.push(("an unknown type".to_owned(), other_type));
        for (what, value) in cases {
            let token = forge(HEADER, &value.to_string(), SECRET);
            assert!(
                keys.verify(&token, TokenType::Access, at(now())).is_err(),
                "a token {what} was accepted"
            );
        }
    }

    #[test]
    fn expiry_has_no_leeway() {
        let keys = keys();
        // Just past: one second ago by the system clock and ours.
        let t = keys.sign(&claims(TokenType::Access, now() - 1));
        assert_eq!(
            keys.verify(&t, TokenType::Access, at(now())),
            Err(JwtError::Expired)
        );
        // Valid by the system clock, expired by the server's (tests move it).
        let t = keys.sign(&claims(TokenType::Access, now() + 30));
        assert_eq!(
            keys.verify(&t, TokenType::Access, at(now() + 30)),
            Err(JwtError::Expired)
        );
        // An expired token still verifies where expiry is ignored (logout).
        let old = keys.sign(&claims(TokenType::Refresh, now() - 86_400));
        assert!(keys
            .verify(&old, TokenType::Refresh, Expiry::Ignored)
            .is_ok());
    }

    #[test]
    fn oversized_and_garbage_tokens_are_malformed_not_a_panic() {
        let keys = keys();
        let huge = forge(HEADER, &"x".repeat(64 * 1024), SECRET);
        assert!(huge.len() > 64 * 1024);
        assert_eq!(
            keys.verify(&huge, TokenType::Access, at(now())),
            Err(JwtError::Malformed)
        );
        for bad in [
            "",
            ".",
            "..",
            "a.b.c",
            "a.b.c.d",
            "é.é.é",
            &"x".repeat(5000),
        ] {
            assert!(
                keys.verify(bad, TokenType::Access, at(1)).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn derived_ids_depend_on_the_secret_label_and_input() {
        let a = keys();
        let b = JwtKeys::new(&[8; 32]).unwrap();
        assert_eq!(a.derive("l", "x"), a.derive("l", "x"));
        assert_ne!(a.derive("l", "x"), b.derive("l", "x"));
        assert_ne!(a.derive("l", "x"), a.derive("m", "x"));
        assert_ne!(a.derive("l", "x"), a.derive("l", "y"));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_role() -> impl Strategy<Value = Role> {
            prop_oneof![
                Just(Role::Customer),
                Just(Role::Bartender),
                Just(Role::Admin)
            ]
        }

        proptest! {
            #[test]
            fn any_claims_survive_signing_and_verifying(
                sub in "\\PC{1,60}",
                sid in "\\PC{0,60}",
                jti in "[A-Za-z0-9_-]{0,60}",
                role in any_role(),
                ttl in 1i64..1_000_000,
            ) {
                let keys = JwtKeys::new(&[9; 32]).unwrap();
                let iat = now();
                let c = Claims { sub, role, sid, token_type: TokenType::Refresh, iat, exp: iat + ttl, jti };
                let token = keys.sign(&c);
                prop_assert_eq!(keys.verify(&token, TokenType::Refresh, at(iat)), Ok(c));
                prop_assert_eq!(keys.verify(&token, TokenType::Access, at(iat)), Err(JwtError::WrongType));
            }

            #[test]
            fn arbitrary_text_is_refused_without_panicking(raw in "\\PC{0,400}") {
                let keys = JwtKeys::new(&[9; 32]).unwrap();
                prop_assert!(keys.verify(&raw, TokenType::Access, at(0)).is_err());
            }

            #[test]
            fn three_arbitrary_base64_parts_are_refused(
                h in proptest::collection::vec(any::<u8>(), 0..80),
                p in proptest::collection::vec(any::<u8>(), 0..200),
                sig in proptest::collection::vec(any::<u8>(), 0..40),
            ) {
                let keys = JwtKeys::new(&[9; 32]).unwrap();
                let token = format!("{}.{}.{}", URL_SAFE_NO_PAD.encode(h), URL_SAFE_NO_PAD.encode(p), URL_SAFE_NO_PAD.encode(sig));
                prop_assert!(keys.verify(&token, TokenType::Access, at(0)).is_err());
            }
        }
    }
}
