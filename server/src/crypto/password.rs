//! Argon2id password hashing, run on the blocking pool with a bounded number
//! of hashes at once so a storm of logins queues instead of starving the
//! async runtime.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// OWASP's argon2id parameters: 19 MiB, 2 iterations, 1 lane.
fn argon2() -> Argon2<'static> {
    // These constant parameters are within argon2's limits.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (blocking; call through [`PasswordHasher`] from async code).
pub fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Verifies a password against a PHC string (blocking).
pub fn verify_blocking(phc: &str, password: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Hashes and verifies off the async runtime, a few at a time.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Verified against when the e-mail is unknown, so that an unknown
    /// account costs the same time as a wrong password.
    dummy_hash: Arc<str>,
}

/// Hashing failed inside the blocking pool.
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

impl PasswordHasher {
    /// A hasher running at most `concurrency` hashes at once.
    pub fn new(concurrency: usize) -> Result<PasswordHasher, HashError> {
        let dummy = hash_blocking("taproom-dummy-password-for-timing")
            .map_err(|e| HashError(e.to_string()))?;
        Ok(PasswordHasher {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: dummy.into(),
        })
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError(e.to_string()))?;
        tokio::task::spawn_blocking(move || hash_blocking(&password))
            .await
            .map_err(|e| HashError(e.to_string()))?
            .map_err(|e| HashError(e.to_string()))
    }

    /// Verifies a password; with `None` (unknown account) it verifies
    /// against a dummy hash and answers false, taking the same time.
    pub async fn verify(&self, phc: Option<String>, password: String) -> Result<bool, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError(e.to_string()))?;
        let dummy = self.dummy_hash.clone();
        tokio::task::spawn_blocking(move || match phc {
            Some(phc) => verify_blocking(&phc, &password),
            None => {
                verify_blocking(&dummy, &password);
                false
            }
        })
        .await
        .map_err(|e| HashError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let phc = hash_blocking("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_blocking(&phc, "correct horse"));
        assert!(!verify_blocking(&phc, "wrong horse"));
        assert!(!verify_blocking("not a hash", "correct horse"));
    }
}
