//! The store: every outcome, appended once, and the webhook deliveries still to make, in
//! SQLite (WAL, synchronous FULL: the embedded default) or PostgreSQL. This file holds
//! the API's types and the connection handle; each concern lives in its own file:
//! `connect` (URLs, pools, migrations), `sql` (each backend's statements and the
//! timestamp text both use), `outcomes` (the batch insert and erasure), `deliveries` (the
//! webhook worker's queue), `export` (streaming stored outcomes), `writer` (group commit),
//! `error`.

use serde::Serialize;
use time::OffsetDateTime;

/// Runs `$body` once per backend with `$pool` bound to that backend's pool and `$sql` to
/// its statements: one piece of code, type-checked against each driver.
macro_rules! on_pool {
    ($store:expr, |$pool:ident, $sql:ident| $body:expr) => {
        match &$store.backend {
            $crate::store::Backend::Sqlite($pool) => {
                let $sql = &$crate::store::sql::SQLITE;
                $body
            }
            $crate::store::Backend::Postgres($pool) => {
                let $sql = &$crate::store::sql::POSTGRES;
                $body
            }
        }
    };
}

mod connect;
mod deliveries;
mod error;
mod export;
mod lease;
mod outcomes;
mod sql;
mod writer;

pub use error::StoreError;
pub use writer::{WriteError, Writer};

/// A handle on the database: cheap to clone (the pool is shared).
#[derive(Clone)]
pub struct Store {
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.kind()).finish()
    }
}

/// An outcome to store: the body exactly as received, its canonical form (see
/// [`canonical`]) and the fields the store indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutcome {
    /// The outcome's id (its idempotency key).
    pub id: String,
    /// The body exactly as received: what is forwarded and exported.
    pub body: String,
    /// The body's JSON values in canonical form: equal for the same values.
    pub canonical: String,
    /// `customer.id`.
    pub customer_id: String,
    /// `customer.subscription_id`.
    pub subscription_id: Option<String>,
    /// `flow_id`.
    pub flow_id: String,
    /// `plan_id`.
    pub plan_id: String,
    /// `test`.
    pub test: bool,
    /// `result.type`.
    pub result_type: String,
    /// `survey.reason_id`.
    pub reason_id: Option<String>,
    /// `created_at` (stored in UTC, to the microsecond).
    pub created_at: OffsetDateTime,
    /// When the collector received it.
    pub received_at: OffsetDateTime,
}

/// What storing one outcome did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insert {
    /// Newly stored (with a pending delivery when forwarding).
    Stored,
    /// The same id with the same canonical body was stored before: nothing written.
    Duplicate,
    /// The same id with a different canonical body was stored before: nothing written.
    Conflict,
}

/// A delivery due now, for the webhook worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDelivery {
    /// The outcome's id (the `webhook-id`).
    pub outcome_id: String,
    /// The outcome's body as received.
    pub body: String,
    /// Attempts made so far.
    pub attempts: i32,
    /// When the first attempt was made, if any was.
    pub first_attempt_at: Option<OffsetDateTime>,
    /// When the outcome was stored (received).
    pub stored_at: OffsetDateTime,
}

/// How many deliveries are in each state (all of them, whatever any filter).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryCounts {
    /// Waiting for an attempt or a retry.
    pub pending: u64,
    /// Given up (3 days without an acknowledgement).
    pub failed: u64,
    /// Acknowledged.
    pub delivered: u64,
}

/// Which stored outcomes an export returns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportFilter {
    /// Only this flow.
    pub flow_id: Option<String>,
    /// From this UTC date of `created_at`, inclusive.
    pub from: Option<time::Date>,
    /// Up to this UTC date of `created_at`, inclusive.
    pub to: Option<time::Date>,
    /// Include test outcomes (hidden by default).
    pub include_test: bool,
}

/// A stored outcome, as exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredOutcome {
    /// The stored order (increasing).
    pub seq: i64,
    /// The outcome's id.
    pub id: String,
    /// The body exactly as received.
    pub body: String,
    /// When it was received.
    pub received_at: OffsetDateTime,
    /// Its `created_at`, in UTC.
    pub created_at: OffsetDateTime,
}

/// The canonical text of a JSON value: object keys sorted (by their UTF-8 bytes) at every
/// depth, no spacing, strings and numbers as serde_json writes them. The same JSON values,
/// in any key order or spacing, give the same text (`1` and `1.0` may differ). Keys are
/// sorted here rather than relying on `serde_json::Map` being a `BTreeMap`: the
/// workspace's `preserve_order` feature (a dev-dependency of the core) turns it into an
/// insertion-ordered map whenever both crates are built together.
pub fn canonical(v: &serde_json::Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

impl Store {
    /// Opens `sqlite://PATH` (creating the file and its folder) or `postgres://…`.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Ok(Store { backend: connect::open(url).await? })
    }

    /// Applies the backend's migrations (idempotent; several collectors may start at once
    /// on PostgreSQL: sqlx takes an advisory lock).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        connect::migrate(&self.backend).await
    }

    /// Whether the database answers a `SELECT 1` (within 5 seconds).
    pub async fn ping(&self) -> bool {
        let ping = async { on_pool!(self, |pool, _sql| sqlx::query("SELECT 1").execute(pool).await.is_ok()) };
        tokio::time::timeout(std::time::Duration::from_secs(5), ping).await.unwrap_or(false)
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn kind(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Closes the pool: waits for connections in use to come back, then closes them all
    /// (SQLite checkpoints its WAL on the last close).
    pub async fn close(&self) {
        on_pool!(self, |pool, _sql| pool.close().await)
    }
}
