//! Readiness: whether the service can do its work right now.

use crate::db::Db;

/// Answers readiness probes.
#[derive(Clone)]
pub struct Health {
    db: Db,
}

impl Health {
    /// Readiness over this database.
    pub fn new(db: Db) -> Health {
        Health { db }
    }

    /// Whether the database answers; the failure is logged, not returned,
    /// since probes only need yes or no.
    pub async fn ready(&self) -> bool {
        match self.db.ping().await {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "readiness check failed");
                false
            }
        }
    }
}
