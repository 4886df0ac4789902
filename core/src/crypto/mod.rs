//! Cryptographic primitives: token signing and verification, password
//! hashing, and hashing of tokens for storage. Nothing here knows HTTP or SQL.

pub mod jwt;
pub mod password;

use rand::RngCore;
use sha2::{Digest, Sha256};

/// A SHA-256 of a token, hex encoded: what the database stores instead of
/// the token. It does not print its value.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenHash(String);

impl TokenHash {
    /// Hashes a token for storage or lookup.
    pub fn of(token: &str) -> TokenHash {
        TokenHash(hex(&Sha256::digest(token.as_bytes())))
    }

    /// Wraps a hash read from the database.
    pub fn from_stored(hash: String) -> TokenHash {
        TokenHash(hash)
    }

    /// The hex digest, for binding into a query.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compares two hashes in constant time.
    pub fn ct_eq(&self, other: &TokenHash) -> bool {
        use subtle::ConstantTimeEq;
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl std::fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenHash(..)")
    }
}

/// `n` random bytes from the operating system's generator, hex encoded.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex(&buf)
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
