//! Experiments in the store (COLLECTOR.md section 8): the experiments the flows ran, and
//! each one's groups counted at a moment: assigned, with a closed window, retained (no
//! cancellation of theirs from any source within the window), and the outcomes served in
//! each group by result type.

use super::error::StoreError;
use super::values::ts;
use super::Store;
use crate::insights::tally::key;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// An experiment, as `GET /v1/experiments` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentSummary {
    /// Its id.
    pub id: String,
    /// The flow that first ran it.
    pub flow_id: String,
    /// The first assignment, if any (RFC 3339, UTC).
    pub started_at: Option<String>,
}

/// One group's customers at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GroupCounts {
    /// Assigned to the group.
    pub assigned: u64,
    /// Whose 30-day window has ended.
    pub closed: u64,
    /// Of those, without a cancellation in their window.
    pub retained: u64,
}

/// An experiment with its design's document and its groups' counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentData {
    /// The experiment.
    pub summary: ExperimentSummary,
    /// The document of the flow version that first ran it (its design).
    pub document: String,
    /// Each recorded group with its counts, by group id.
    pub groups: Vec<(String, GroupCounts)>,
    /// Per group named by outcomes' `served.experiment`: their outcomes (test ones left
    /// out) by result type, from the insights' counts.
    pub outcomes: BTreeMap<String, BTreeMap<String, u64>>,
}

fn count(n: i64) -> u64 {
    n.max(0) as u64
}

impl Store {
    /// Every experiment, by id.
    pub async fn experiments(&self) -> Result<Vec<ExperimentSummary>, StoreError> {
        Ok(self
            .backend
            .experiments()
            .await?
            .into_iter()
            .map(|(id, flow_id, started_at)| ExperimentSummary { id, flow_id, started_at })
            .collect())
    }

    /// One experiment with its groups counted at `now` (the collector's clock).
    pub async fn experiment(&self, id: &str, now: OffsetDateTime) -> Result<Option<ExperimentData>, StoreError> {
        let Some((flow_id, document, started_at)) = self.backend.experiment_design(id).await? else {
            return Ok(None);
        };
        // The two reads at once, each on its own connection.
        let now = ts(now);
        // The keys are JSON arrays `[experiment id, group, result type]` (`insights::tally`).
        let prefix = format!("{},", key(&[id]).trim_end_matches(']'));
        let (counts, outcome_counts) =
            tokio::try_join!(self.backend.experiment_counts(id, &now), self.backend.experiment_outcomes(&prefix))?;
        let groups = counts
            .into_iter()
            .map(|(group, assigned, closed, retained)| {
                (group, GroupCounts { assigned: count(assigned), closed: count(closed), retained: count(retained) })
            })
            .collect();
        let mut outcomes: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (text, n) in outcome_counts {
            if let Ok([experiment, group, result_type]) = serde_json::from_str::<[String; 3]>(&text) {
                if experiment == id {
                    *outcomes.entry(group).or_default().entry(result_type).or_default() += count(n);
                }
            }
        }
        Ok(Some(ExperimentData {
            summary: ExperimentSummary { id: id.to_string(), flow_id, started_at },
            document,
            groups,
            outcomes,
        }))
    }
}
