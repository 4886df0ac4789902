//! Where the session lives between page loads: a string key-value store.
//!
//! Shaped after `localStorage` (synchronous, shared by every tab of the
//! origin), so the browser adapter is a thin wrapper.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// Writing to storage failed (in a browser: quota exceeded or storage disabled).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StorageError(pub String);

/// A synchronous string store such as `localStorage`.
pub trait TokenStorage {
    /// The value under `key`, if any.
    fn get(&self, key: &str) -> Option<String>;
    /// Stores `value` under `key`.
    fn set(&self, key: &str, value: &str) -> Result<(), StorageError>;
    /// Removes `key`; removing a missing key is not an error.
    fn remove(&self, key: &str);
}

/// In-memory [`TokenStorage`]. Clones share the same entries, so a test can
/// keep a handle to inspect what the manager stored, and two managers built
/// on clones behave like two tabs sharing one `localStorage`.
#[derive(Clone, Default)]
pub struct MemoryStorage {
    entries: Arc<Mutex<HashMap<String, String>>>,
}

impl MemoryStorage {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The stored keys, sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.entries().keys().cloned().collect();
        keys.sort();
        keys
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<String, String>> {
        // A panic elsewhere cannot leave a HashMap half-updated in a way that
        // matters here, so a poisoned lock is still usable.
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl TokenStorage for MemoryStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.entries().get(key).cloned()
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.entries().insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    fn remove(&self, key: &str) {
        self.entries().remove(key);
    }
}

// The values are tokens: show only which keys exist.
impl fmt::Debug for MemoryStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStorage")
            .field("keys", &self.keys())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_entries() {
        let a = MemoryStorage::new();
        let b = a.clone();
        a.set("k", "v").unwrap();
        assert_eq!(b.get("k").as_deref(), Some("v"));
        b.remove("k");
        b.remove("k");
        assert_eq!(a.get("k"), None);
    }

    #[test]
    fn debug_output_shows_keys_not_values() {
        let s = MemoryStorage::new();
        s.set("access_token", "secret-value").unwrap();
        let shown = format!("{s:?}");
        assert!(
            shown.contains("access_token") && !shown.contains("secret-value"),
            "{shown}"
        );
    }
}
