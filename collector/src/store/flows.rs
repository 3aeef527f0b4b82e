//! Served flows in the store (COLLECTOR.md sections 7 and 8), written once for both
//! databases: a flow's numbered versions (a write that changes nothing keeps the current
//! one), the experiments they carry (one design for life), a customer's history facts (by
//! index lookups of that customer only) and the experiment groups, recorded once.

use super::error::StoreError;
use super::values::{clean, parse_ts, ts, AssignmentRow};
use super::Store;
use serde::Serialize;
use std::collections::HashMap;
use time::OffsetDateTime;

/// One version of a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredFlow {
    /// The flow's id.
    pub flow_id: String,
    /// Its number, from 1.
    pub version: u32,
    /// When it was written (RFC 3339, UTC).
    pub created_at: String,
    /// The document exactly as written (JSON text).
    #[serde(skip)]
    pub document: String,
}

/// A flow's latest version, as `GET /v1/flows` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowSummary {
    /// The flow's id.
    pub flow_id: String,
    /// The latest version.
    pub version: u32,
    /// When the latest version was written.
    pub updated_at: String,
    /// The experiment the latest version runs, if any.
    pub experiment_id: Option<String>,
}

/// One version in a flow's list of versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionSummary {
    /// Its number.
    pub version: u32,
    /// When it was written.
    pub created_at: String,
    /// The experiment it runs, if any.
    pub experiment_id: Option<String>,
}

/// A new version of a flow to write.
#[derive(Debug, Clone, Copy)]
pub struct NewFlowVersion<'a> {
    /// The flow's id.
    pub flow_id: &'a str,
    /// The document as received.
    pub document: &'a str,
    /// Its canonical form (what tells the same document from another).
    pub canonical: &'a str,
    /// The experiment it carries, if any.
    pub experiment_id: Option<&'a str>,
}

/// What writing a flow did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowWrite {
    /// A new version, with its number.
    Created(u32),
    /// The document is the same JSON as the current version, which stays.
    Unchanged(u32),
    /// The experiment id was used before with another design (or by another flow).
    DesignChanged {
        /// The experiment's id.
        experiment_id: String,
        /// The flow that first ran it.
        flow_id: String,
    },
}

/// A customer's history as the store finds it (instants by the collector's clock as stored).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HistoryRow {
    /// Stored outcomes that are not `abandoned`.
    pub sessions: u64,
    /// The latest of those.
    pub last_session: Option<OffsetDateTime>,
    /// The latest `discount_accepted`.
    pub last_discount: Option<OffsetDateTime>,
    /// `paused` outcomes after the latest decided outcome that is not `paused`.
    pub pauses_in_a_row: u64,
}

/// An experiment group to record for a customer.
#[derive(Debug, Clone, Copy)]
pub struct NewAssignment<'a> {
    /// The experiment.
    pub experiment_id: &'a str,
    /// The customer (the token's `sub`).
    pub customer_id: &'a str,
    /// The token's subscription, if any.
    pub subscription_id: Option<&'a str>,
    /// The group: `holdout` or a variant id.
    pub group: &'a str,
    /// When it was first served (the collector's clock).
    pub at: OffsetDateTime,
}

/// The most assignments in one statement of an import.
const IMPORT_CHUNK: usize = 5_000;

/// An assigned customer's window: retained when no cancellation falls within it (COLLECTOR.md section 8).
pub const WINDOW: time::Duration = time::Duration::days(30);

fn version_of(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Store {
    /// Writes a new version of a flow, unless it is the same JSON as the current one.
    /// `same_design(document)` says whether the experiment in the version that first ran
    /// `new.experiment_id` (its whole document) has the design of the new one. Versions are
    /// numbered one after another per flow, also with several collectors writing at once.
    pub async fn put_flow(
        &self,
        new: NewFlowVersion<'_>,
        now: OffsetDateTime,
        same_design: impl Fn(&str, &str) -> bool + Send,
    ) -> Result<FlowWrite, StoreError> {
        let flow_id = clean(new.flow_id);
        let now = ts(now);
        let mut tx = self.backend.begin_write().await?;
        tx.lock_flow(&flow_id).await?;
        let latest = tx.latest_flow_canonical(&flow_id).await?;
        if let Some((version, canonical)) = &latest {
            if canonical == new.canonical {
                return Ok(FlowWrite::Unchanged(version_of(*version)));
            }
        }
        if let Some(experiment_id) = new.experiment_id {
            if let Some((first_flow, document)) = tx.experiment(experiment_id).await? {
                if first_flow != *flow_id || !same_design(&first_flow, &document) {
                    return Ok(FlowWrite::DesignChanged {
                        experiment_id: experiment_id.to_string(),
                        flow_id: first_flow,
                    });
                }
            }
        }
        let version = latest.map_or(1, |(v, _)| v + 1);
        tx.insert_flow_version(&flow_id, version, new.document, new.canonical, new.experiment_id, &now).await?;
        if let Some(experiment_id) = new.experiment_id {
            tx.insert_experiment(experiment_id, &flow_id, version, &now).await?;
        }
        tx.commit().await?;
        Ok(FlowWrite::Created(version_of(version)))
    }

    /// A flow's latest version, or the version `version`.
    pub async fn flow(&self, flow_id: &str, version: Option<u32>) -> Result<Option<StoredFlow>, StoreError> {
        let row = match version {
            None => self.backend.latest_flow(flow_id).await?,
            Some(v) => self.backend.flow_version(flow_id, i64::from(v)).await?,
        };
        Ok(row.map(|(version, document, created_at)| StoredFlow {
            flow_id: flow_id.to_string(),
            version: version_of(version),
            created_at,
            document,
        }))
    }

    /// The number of a flow's latest version (one index lookup).
    pub async fn latest_flow_version(&self, flow_id: &str) -> Result<Option<u32>, StoreError> {
        Ok(self.backend.latest_flow_version(flow_id).await?.map(version_of))
    }

    /// Every flow's latest version, by flow id.
    pub async fn flows(&self) -> Result<Vec<FlowSummary>, StoreError> {
        Ok(self
            .backend
            .flows()
            .await?
            .into_iter()
            .map(|(flow_id, version, updated_at, experiment_id)| FlowSummary {
                flow_id,
                version: version_of(version),
                updated_at,
                experiment_id,
            })
            .collect())
    }

    /// A flow's versions, newest first (empty for an unknown flow).
    pub async fn flow_versions(&self, flow_id: &str) -> Result<Vec<VersionSummary>, StoreError> {
        Ok(self
            .backend
            .flow_versions(flow_id)
            .await?
            .into_iter()
            .map(|(version, created_at, experiment_id)| VersionSummary {
                version: version_of(version),
                created_at,
                experiment_id,
            })
            .collect())
    }

    /// A customer's history facts: their outcomes from every flow, test outcomes only
    /// when `include_test`.
    pub async fn customer_history(&self, customer_id: &str, include_test: bool) -> Result<HistoryRow, StoreError> {
        let (sessions, last_session, last_discount, pauses) =
            self.backend.customer_history(&clean(customer_id), include_test).await?;
        let instant = |t: Option<String>| t.as_deref().map(parse_ts).transpose();
        Ok(HistoryRow {
            sessions: sessions.max(0) as u64,
            last_session: instant(last_session)?,
            last_discount: instant(last_discount)?,
            pauses_in_a_row: pauses.max(0) as u64,
        })
    }

    /// The group recorded for a customer in an experiment, if any.
    pub async fn assignment(&self, experiment_id: &str, customer_id: &str) -> Result<Option<String>, StoreError> {
        self.backend.assignment(experiment_id, &clean(customer_id)).await
    }

    /// Records a customer's group unless one is recorded (several collectors may serve the
    /// same new customer at once: one record stays); returns the recorded group.
    pub async fn record_assignment(&self, new: NewAssignment<'_>) -> Result<String, StoreError> {
        let mut groups = self.record_assignments(&[new]).await?;
        Ok(groups.pop().unwrap_or_else(|| new.group.to_string()))
    }

    /// Records each customer's group unless one is recorded, in one transaction (the
    /// first servings waiting together: `crate::serving`'s group commit); returns the group
    /// recorded for each, in order.
    pub async fn record_assignments(&self, rows: &[NewAssignment<'_>]) -> Result<Vec<String>, StoreError> {
        let bound = bind_assignments(rows);
        let mut tx = self.backend.begin_write().await?;
        for chunk in bound.chunks(IMPORT_CHUNK) {
            tx.insert_assignments(chunk).await?;
        }
        let keys: Vec<(&str, &str)> = bound.iter().map(|r| (r.experiment_id, r.customer_id.as_ref())).collect();
        let recorded: HashMap<(String, String), String> =
            tx.assignment_groups(&keys).await?.into_iter().map(|(e, c, g)| ((e, c), g)).collect();
        tx.commit().await?;
        Ok(bound
            .iter()
            .map(|r| {
                let key = (r.experiment_id.to_string(), r.customer_id.to_string());
                recorded.get(&key).cloned().unwrap_or_else(|| r.group.to_string())
            })
            .collect())
    }

    /// Records many groups in one transaction, each unless one is recorded for its
    /// customer (an import: the seed command's past experiment); returns how many were
    /// recorded.
    pub async fn import_assignments(&self, rows: &[NewAssignment<'_>]) -> Result<u64, StoreError> {
        let bound = bind_assignments(rows);
        let mut tx = self.backend.begin_write().await?;
        let mut recorded = 0;
        for chunk in bound.chunks(IMPORT_CHUNK) {
            recorded += tx.insert_assignments(chunk).await?;
        }
        tx.commit().await?;
        Ok(recorded)
    }
}

/// Assignments as bound.
fn bind_assignments<'a>(rows: &[NewAssignment<'a>]) -> Vec<AssignmentRow<'a>> {
    rows.iter()
        .map(|n| AssignmentRow {
            experiment_id: n.experiment_id,
            customer_id: clean(n.customer_id),
            subscription_id: n.subscription_id.map(clean),
            group: n.group,
            at: ts(n.at),
            window_end: ts(n.at + WINDOW),
        })
        .collect()
}
