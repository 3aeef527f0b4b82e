//! Who forwards. Several collectors may share one PostgreSQL database; only one of them
//! may send the pending webhooks at a time, or a delivery could go out twice and out of
//! order. A session-level advisory lock, held on a connection of its own, is that right:
//! it lasts while the forwarding collector lives and PostgreSQL releases it when that
//! connection goes away (a crash included), so another collector takes over. A SQLite
//! file has one collector: the lease is always granted.

use super::{Backend, Store, StoreError};
use sqlx::Connection;

/// An arbitrary, fixed advisory-lock key: "cancel-flow forwarder".
const FORWARDER_LOCK: i64 = 0x6366_666f_7277_6172;

/// Held while this collector is the one that forwards.
pub struct ForwarderLease {
    _connection: Option<sqlx::PgConnection>,
}

impl std::fmt::Debug for ForwarderLease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForwarderLease")
    }
}

impl Store {
    /// The right to forward, if no other collector holds it now.
    pub async fn try_forwarder_lease(&self, database_url: &str) -> Result<Option<ForwarderLease>, StoreError> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(Some(ForwarderLease { _connection: None })),
            Backend::Postgres(_) => {
                let mut connection = sqlx::PgConnection::connect(database_url).await?;
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                    .bind(FORWARDER_LOCK)
                    .fetch_one(&mut connection)
                    .await?;
                Ok(got.then_some(ForwarderLease { _connection: Some(connection) }))
            }
        }
    }
}
