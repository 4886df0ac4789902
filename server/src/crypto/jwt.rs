//! HS256 JSON Web Tokens, signed and checked by hand so that exactly one
//! algorithm is accepted: a header naming anything but HS256 (`none`
//! included) is refused before the signature is even looked at.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use shared::api::{Role, TOKEN_MAX_LEN};

type HmacSha256 = Hmac<Sha256>;

/// The only header we issue; its base64 form prefixes every token.
const HEADER_JSON: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

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
    #[error("the token's algorithm is not accepted")]
    Algorithm,
    #[error("the token's signature is invalid")]
    Signature,
    #[error("the token has expired")]
    Expired,
    #[error("the token is of the wrong type")]
    WrongType,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    typ: Option<String>,
}

/// Signs and verifies tokens with one secret.
#[derive(Clone)]
pub struct JwtKeys {
    mac: HmacSha256,
    header_b64: String,
}

impl JwtKeys {
    /// Keys from a secret (validated for length by the configuration).
    pub fn new(secret: &[u8]) -> JwtKeys {
        // HMAC accepts keys of any length, so this cannot fail.
        let mac = HmacSha256::new_from_slice(secret).expect("HMAC takes any key length");
        JwtKeys {
            mac,
            header_b64: URL_SAFE_NO_PAD.encode(HEADER_JSON),
        }
    }

    /// Encodes and signs claims.
    pub fn sign(&self, claims: &Claims) -> String {
        // Serializing plain strings and integers cannot fail.
        let payload = serde_json::to_vec(claims).expect("claims serialize");
        let mut token = String::with_capacity(256);
        token.push_str(&self.header_b64);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        let mut mac = self.mac.clone();
        mac.update(token.as_bytes());
        let sig = mac.finalize().into_bytes();
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(sig, &mut token);
        token
    }

    /// Checks algorithm, signature (in constant time), type and expiry.
    pub fn verify(
        &self,
        token: &str,
        expected: TokenType,
        now_secs: i64,
    ) -> Result<Claims, JwtError> {
        if token.len() > TOKEN_MAX_LEN {
            return Err(JwtError::Malformed);
        }
        let mut parts = token.split('.');
        let (Some(header_b64), Some(payload_b64), Some(sig_b64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::Malformed);
        };
        let header_bytes = URL_SAFE_NO_PAD
            .decode(header_b64)
            .map_err(|_| JwtError::Malformed)?;
        let header: Header =
            serde_json::from_slice(&header_bytes).map_err(|_| JwtError::Malformed)?;
        if header.alg != "HS256" || header.typ.as_deref().is_some_and(|t| t != "JWT") {
            return Err(JwtError::Algorithm);
        }
        let sig = URL_SAFE_NO_PAD
            .decode(sig_b64)
            .map_err(|_| JwtError::Malformed)?;
        let signed_len = header_b64.len() + 1 + payload_b64.len();
        let mut mac = self.mac.clone();
        mac.update(&token.as_bytes()[..signed_len]);
        mac.verify_slice(&sig).map_err(|_| JwtError::Signature)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload_b64)
            .map_err(|_| JwtError::Malformed)?;
        let claims: Claims = serde_json::from_slice(&payload).map_err(|_| JwtError::Malformed)?;
        if claims.token_type != expected {
            return Err(JwtError::WrongType);
        }
        if claims.exp <= now_secs {
            return Err(JwtError::Expired);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(t: TokenType, exp: i64) -> Claims {
        Claims {
            sub: "u".into(),
            role: Role::Customer,
            sid: "s".into(),
            token_type: t,
            iat: 0,
            exp,
            jti: "j".into(),
        }
    }

    #[test]
    fn a_signed_token_verifies_and_round_trips() {
        let keys = JwtKeys::new(&[7; 32]);
        let c = claims(TokenType::Access, 100);
        let t = keys.sign(&c);
        assert_eq!(keys.verify(&t, TokenType::Access, 99).unwrap(), c);
        assert_eq!(
            keys.verify(&t, TokenType::Access, 100),
            Err(JwtError::Expired)
        );
        assert_eq!(
            keys.verify(&t, TokenType::Refresh, 99),
            Err(JwtError::WrongType)
        );
    }

    #[test]
    fn another_key_alg_none_and_tampering_are_refused() {
        let keys = JwtKeys::new(&[7; 32]);
        let other = JwtKeys::new(&[8; 32]);
        let t = other.sign(&claims(TokenType::Access, 100));
        assert_eq!(
            keys.verify(&t, TokenType::Access, 1),
            Err(JwtError::Signature)
        );

        let good = keys.sign(&claims(TokenType::Access, 100));
        let mut parts: Vec<&str> = good.split('.').collect();
        let none = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        parts[0] = &none;
        assert_eq!(
            keys.verify(&parts.join("."), TokenType::Access, 1),
            Err(JwtError::Algorithm)
        );
        let unsigned = format!("{}.{}.", none, good.split('.').nth(1).unwrap());
        assert_eq!(
            keys.verify(&unsigned, TokenType::Access, 1),
            Err(JwtError::Algorithm)
        );

        let mut c = claims(TokenType::Access, 100);
        c.role = Role::Admin;
        let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&c).unwrap());
        let g: Vec<&str> = good.split('.').collect();
        let tampered = format!("{}.{}.{}", g[0], forged_payload, g[2]);
        assert_eq!(
            keys.verify(&tampered, TokenType::Access, 1),
            Err(JwtError::Signature)
        );
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        let keys = JwtKeys::new(&[7; 32]);
        for bad in [
            "",
            ".",
            "..",
            "a.b.c",
            "a.b.c.d",
            "é.é.é",
            &"x".repeat(5000),
        ] {
            assert!(keys.verify(bad, TokenType::Access, 1).is_err(), "{bad:?}");
        }
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
                sub in "\\PC{0,60}",
                sid in "\\PC{0,60}",
                jti in "[A-Za-z0-9_-]{0,60}",
                role in any_role(),
                iat in 0i64..4_000_000_000,
                ttl in 1i64..1_000_000,
            ) {
                let keys = JwtKeys::new(&[9; 32]);
                let c = Claims { sub, role, sid, token_type: TokenType::Refresh, iat, exp: iat + ttl, jti };
                let token = keys.sign(&c);
                prop_assert_eq!(keys.verify(&token, TokenType::Refresh, iat), Ok(c));
                prop_assert_eq!(keys.verify(&token, TokenType::Access, iat), Err(JwtError::WrongType));
            }

            #[test]
            fn arbitrary_text_is_refused_without_panicking(raw in "\\PC{0,400}") {
                let keys = JwtKeys::new(&[9; 32]);
                prop_assert!(keys.verify(&raw, TokenType::Access, 0).is_err());
            }

            #[test]
            fn three_arbitrary_base64_parts_are_refused(
                h in proptest::collection::vec(any::<u8>(), 0..80),
                p in proptest::collection::vec(any::<u8>(), 0..200),
                sig in proptest::collection::vec(any::<u8>(), 0..40),
            ) {
                let keys = JwtKeys::new(&[9; 32]);
                let token = format!("{}.{}.{}", URL_SAFE_NO_PAD.encode(h), URL_SAFE_NO_PAD.encode(p), URL_SAFE_NO_PAD.encode(sig));
                prop_assert!(keys.verify(&token, TokenType::Access, 0).is_err());
            }
        }
    }
}
