//! The store: every outcome, appended once, and the webhook deliveries still to make, in
//! SQLite (WAL, synchronous FULL: the embedded default) or PostgreSQL. Group commit in
//! front of it is `crate::writer`.
//!
//! This file holds the handle, [`Store`]: connecting (the one place a backend is chosen),
//! migrating, the forwarder's lease. The other files, their imports running down this
//! list, never up:
//! - what the store does, written once for both databases, without SQL: `batch` (storing
//!   a batch: stored, duplicate or conflict), `backfill` (counting older outcomes),
//!   `erasure`, `flows` (served flows: versions, experiments, history facts, assignments
//!   one at a time, by group commit or imported), `experiments` (an experiment's groups
//!   counted, from its assignments and the insights' counts), `reported` (cancellations
//!   the shop or Stripe reports), `deliveries` (the webhook queue,
//!   `crate::webhook::DeliveryQueue`), `insights` and `export` (the reads);
//! - `counts`: the insights' counts kept in the same transaction as the outcomes;
//! - `sqlite` and `postgres`: each database's pool, migrations and all of its SQL;
//! - `backend`: the interface they implement, the `Backend` and `Transaction` traits;
//! - pure parts: `deltas` (changes to the counts, the 30-day windows), `paging` (keyset
//!   paging streams), `values` (timestamps as text, an outcome and a filter as bound),
//!   `canonical` (canonical JSON), `types` (the public types), `lease`, `error`.

mod backend;
mod backfill;
mod batch;
mod canonical;
mod counts;
mod deliveries;
mod deltas;
mod erasure;
mod error;
mod experiments;
mod export;
mod flows;
mod insights;
mod lease;
mod paging;
mod postgres;
mod reported;
mod sqlite;
mod types;
mod values;

pub use canonical::{canonical, canonical_text};
pub(crate) use error::redact_urls;
pub use error::{Cause, StoreError};
pub use experiments::{ExperimentData, ExperimentSummary, GroupCounts};
pub use flows::{FlowSummary, FlowWrite, HistoryRow, NewAssignment, NewFlowVersion, StoredFlow, VersionSummary};
pub use lease::ForwarderLease;
pub use reported::ReportedCancellation;
pub use types::{Comment, CommentPage, DeliveryCounts, ExportFilter, Insert, KeepInTouch, NewOutcome, StoredOutcome};

use backend::Backend;
use std::sync::Arc;

/// A handle on the database: cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct Store {
    backend: Arc<dyn Backend>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.kind()).finish()
    }
}

impl Store {
    /// Opens `sqlite://PATH` (creating the file and its folder) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let backend: Arc<dyn Backend> = if let Some(rest) = url.strip_prefix("sqlite:") {
            Arc::new(sqlite::SqliteBackend::open(rest).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Arc::new(postgres::PgBackend::open(url).await?)
        } else {
            let scheme = url.split_once(':').map(|(s, _)| s).unwrap_or("");
            return Err(StoreError::Url(format!("expected sqlite://PATH or postgres://…, not the scheme {scheme:?}")));
        };
        Ok(Store { backend })
    }

    /// Applies the backend's migrations (idempotent; several collectors may start at once
    /// on PostgreSQL: sqlx takes an advisory lock).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.backend.migrate().await
    }

    /// Whether the database answers a `SELECT 1` (within 5 seconds).
    pub async fn ping(&self) -> bool {
        tokio::time::timeout(std::time::Duration::from_secs(5), self.backend.ping()).await.unwrap_or(false)
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn kind(&self) -> &'static str {
        self.backend.kind()
    }

    /// Closes the pool: waits for connections in use to come back, then closes them all
    /// (SQLite checkpoints its WAL on the last close).
    pub async fn close(&self) {
        self.backend.close().await
    }

    /// The right to forward, if no other collector holds it now (see [`ForwarderLease`]).
    pub async fn try_forwarder_lease(&self, database_url: &str) -> Result<Option<ForwarderLease>, StoreError> {
        self.backend.try_forwarder_lease(database_url).await
    }
}
