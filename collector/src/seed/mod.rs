//! `cancel-flow-collector seed-demo`: fills a database with a realistic past experiment,
//! so the experiments page can be seen with verdicts (COLLECTOR.md section 8). Flow
//! `meal-box-2026` (the repository's `examples/meal-box.json`) gets a version running
//! experiment `autumn-offers` (a fifth in the holdout; the rest pauses and fewer deliveries,
//! or those and a discount), and a few thousand customers first served over the past 45
//! days decide in it and sometimes cancel later through the shop or Stripe
//! (`population`). Everything goes through the store's own writes, so the figures are
//! counted as the collector counts live ones. Once per database: a database that has the
//! experiment is left as it is.

pub mod population;

use crate::flows::FlowDocument;
use crate::store::{
    canonical, FlowWrite, NewAssignment, NewFlowVersion, NewOutcome, ReportedCancellation, Store, StoreError,
};
use population::{people, Source};
use serde_json::{json, Value};
use time::OffsetDateTime;

/// The seeded flow.
pub const FLOW_ID: &str = "meal-box-2026";
/// The seeded experiment.
pub const EXPERIMENT_ID: &str = "autumn-offers";
/// Customers made and written at a time.
const PART: u64 = 10_000;

/// How big a past experiment to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedPlan {
    /// Customers first served.
    pub customers: u64,
    /// Over how many days before now.
    pub days: u32,
    /// The random generator's seed: the same seed makes the same population.
    pub seed: u64,
}

/// What seeding wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Seeded {
    /// The seeded flow's version.
    pub flow_version: u32,
    /// Customers assigned.
    pub customers: u64,
    /// Outcomes stored.
    pub outcomes: u64,
    /// Later cancellations reported by the shop's backend.
    pub by_shop: u64,
    /// Later cancellations reported by Stripe.
    pub by_stripe: u64,
}

/// Why seeding stopped.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The seeded flow or an outcome is not one this collector reads (a bug: a test reads
    /// both).
    #[error("the seeded flow or an outcome is not valid: {0}")]
    Flow(String),
    /// The experiment's id was used by another design.
    #[error("experiment {EXPERIMENT_ID} exists with another design in flow {0}")]
    DesignChanged(String),
}

/// The seeded flow document: the example meal box's config served by the collector, with
/// the experiment.
pub fn flow_document() -> Value {
    let mut config: Value = serde_json::from_str(include_str!("../../../examples/meal-box.json")).unwrap_or_default();
    if let Value::Object(m) = &mut config {
        m.remove("customer");
        m.remove("$schema");
        m.insert("endpoint".into(), json!("/v1/outcomes"));
        m.insert("flow_id".into(), json!(FLOW_ID));
    }
    json!({
        "schema": "cancel-flow/flow@1",
        "config": config,
        "experiment": {
            "id": EXPERIMENT_ID,
            "holdout": 0.2,
            "variants": [
                { "id": "pauses", "weight": 1, "patch": { "offers": { "discount": null } } },
                { "id": "discount", "weight": 1, "patch": { "offers": { "discount": { "percent_off": 25, "months": 2 } } } }
            ],
            "baseline": 0.6,
            "mde": 0.1
        }
    })
}

/// Seeds `store` with the past experiment at `now`; `None` when it has it already.
pub async fn seed_demo(store: &Store, plan: SeedPlan, now: OffsetDateTime) -> Result<Option<Seeded>, SeedError> {
    if store.experiment(EXPERIMENT_ID, now).await?.is_some() {
        return Ok(None);
    }
    let document_value = flow_document();
    let document = FlowDocument::read(FLOW_ID, &document_value).map_err(|e| SeedError::Flow(e.to_string()))?;
    let experiment = document.experiment().cloned().ok_or_else(|| SeedError::Flow("no experiment".into()))?;
    let text = document_value.to_string();
    let new = NewFlowVersion {
        flow_id: FLOW_ID,
        document: &text,
        canonical: &canonical(&document_value),
        experiment_id: Some(EXPERIMENT_ID),
    };
    let created = now - time::Duration::days(i64::from(plan.days)) - time::Duration::hours(2);
    let flow_version = match store.put_flow(new, created, |_, _| false).await? {
        FlowWrite::Created(v) | FlowWrite::Unchanged(v) => v,
        FlowWrite::DesignChanged { flow_id, .. } => return Err(SeedError::DesignChanged(flow_id)),
    };
    let mut seeded = Seeded { flow_version, ..Seeded::default() };
    let mut first = 0;
    while first < plan.customers {
        let end = (first + PART).min(plan.customers);
        let part = people(&experiment, FLOW_ID, flow_version, plan.days, now, plan.seed, first..end);
        let assignments: Vec<NewAssignment<'_>> = part
            .iter()
            .map(|p| NewAssignment {
                experiment_id: EXPERIMENT_ID,
                customer_id: &p.customer_id,
                subscription_id: Some(&p.subscription_id),
                group: p.group.as_str(),
                at: p.assigned_at,
            })
            .collect();
        seeded.customers += store.import_assignments(&assignments).await?;
        let outcomes = part
            .iter()
            .map(|p| {
                let typed = serde_json::from_value(p.outcome.clone()).map_err(|e| SeedError::Flow(e.to_string()))?;
                Ok(NewOutcome::of(&typed, p.outcome.to_string(), canonical(&p.outcome), p.decided_at, p.decided_at))
            })
            .collect::<Result<Vec<NewOutcome>, SeedError>>()?;
        for batch in outcomes.chunks(1_000) {
            store.insert_batch(batch, false).await?;
        }
        seeded.outcomes += outcomes.len() as u64;
        let later: Vec<ReportedCancellation> = part
            .iter()
            .filter_map(|p| {
                let (at, source) = p.later?;
                let stripe_event = (source == Source::Stripe)
                    .then(|| (format!("evt_seed_{}", p.customer_id), "customer.subscription.deleted".to_string()));
                Some(ReportedCancellation { subscription_id: p.subscription_id.clone(), at, stripe_event })
            })
            .collect();
        seeded.by_stripe += later.iter().filter(|c| c.stripe_event.is_some()).count() as u64;
        seeded.by_shop += later.iter().filter(|c| c.stripe_event.is_none()).count() as u64;
        store.report_cancellations(&later).await?;
        first = end;
    }
    Ok(Some(seeded))
}

#[cfg(test)]
mod tests {
    use super::{flow_document, FLOW_ID};
    use crate::flows::FlowDocument;

    #[test]
    fn the_seeded_flow_is_one_the_collector_serves() {
        let doc = FlowDocument::read(FLOW_ID, &flow_document()).expect("a valid flow");
        let e = doc.experiment().expect("an experiment");
        assert_eq!((e.holdout, e.variants.len(), e.baseline, e.mde), (0.2, 2, 0.6, 0.1));
    }
}
