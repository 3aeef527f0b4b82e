//! Cancellations reported by the shop's backend (`POST /v1/subscriptions/<id>/cancelled`)
//! or by Stripe (`POST /v1/billing/stripe`, once per event id): recorded once, any save of
//! that subscription in the 30 days before counts as lost, and the experiments'
//! assignments of that subscription made by then end there.

use super::counts;
use super::deltas::{AssignmentEnd, Cancellation, Deltas};
use super::error::StoreError;
use super::values::{clean, ts};
use super::Store;
use std::borrow::Cow;
use time::OffsetDateTime;

/// A cancellation reported from outside the flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedCancellation {
    /// The subscription cancelled.
    pub subscription_id: String,
    /// When.
    pub at: OffsetDateTime,
    /// The Stripe event it came from, `(id, type)`: counted once per id.
    pub stripe_event: Option<(String, String)>,
}

impl Store {
    /// Records that the shop's backend cancelled `subscription_id` at `at` (the same
    /// report twice is kept once), and marks its saves of the 30 days before as lost.
    pub async fn report_cancellation(&self, subscription_id: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        let item = ReportedCancellation { subscription_id: subscription_id.to_string(), at, stripe_event: None };
        self.report_cancellations(&[item]).await.map(|_| ())
    }

    /// Records a cancellation from a Stripe event, once per event id (`kind`: the event's
    /// type); false when the event was counted before (nothing is written then).
    pub async fn report_stripe_cancellation(
        &self,
        event_id: &str,
        kind: &str,
        subscription_id: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let item = ReportedCancellation {
            subscription_id: subscription_id.to_string(),
            at,
            stripe_event: Some((event_id.to_string(), kind.to_string())),
        };
        Ok(self.report_cancellations(&[item]).await? == 1)
    }

    /// Records cancellations in one transaction, each Stripe event once; returns how many
    /// were new (a Stripe event counted before is skipped).
    pub async fn report_cancellations(&self, items: &[ReportedCancellation]) -> Result<usize, StoreError> {
        let now = ts(OffsetDateTime::now_utc());
        let mut tx = self.backend.begin_write().await?;
        let mut recorded: Vec<(Cow<'_, str>, OffsetDateTime)> = Vec::with_capacity(items.len());
        for item in items {
            if let Some((event_id, kind)) = &item.stripe_event {
                if !tx.insert_stripe_event(&clean(event_id), &clean(kind), &now).await? {
                    continue;
                }
            }
            let subscription_id = clean(&item.subscription_id);
            tx.report_cancellation(&subscription_id, &ts(item.at), &now).await?;
            recorded.push((subscription_id, item.at));
        }
        if recorded.is_empty() {
            return Ok(0);
        }
        // The insights' lock first, as every writer takes it (then the assignments').
        tx.lock_insights().await?;
        let ends: Vec<AssignmentEnd<'_>> = recorded
            .iter()
            .map(|(sub, at)| AssignmentEnd { subscription_id: Some(sub), customer_id: None, at: ts(*at) })
            .collect();
        tx.end_assignments(&ends).await?;
        let cancellations: Vec<Cancellation<'_>> =
            recorded.iter().map(|(sub, at)| Cancellation::new(sub, *at)).collect();
        let mut deltas = Deltas::default();
        counts::mark_lost_before(tx.as_mut(), &cancellations, &mut deltas).await?;
        tx.add_counts(&deltas).await?;
        tx.commit().await?;
        Ok(recorded.len())
    }
}
