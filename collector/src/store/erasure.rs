//! Erasing what is no longer needed: a customer on request (every outcome, delivery,
//! comment, reported cancellation and experiment group of theirs, with their counts taken back out of the
//! insights), and comments older than the retention period (the comment leaves the stored
//! body and the comments table; the counts stay).

use super::backend::CustomerRow;
use super::canonical::canonical;
use super::deltas::{day_of, Deltas};
use super::error::StoreError;
use super::values::{clean, ts};
use super::Store;
use crate::insights::tally::{Metric, Tally};
use cancel_flow::core::outcome::Outcome;
use time::OffsetDateTime;

/// Comments erased per transaction.
const PAGE: i64 = 500;

impl Store {
    /// Deletes every outcome of a customer, with their deliveries, comments and reported
    /// cancellations, and takes their counts out of the insights, in one transaction;
    /// returns how many outcomes.
    pub async fn erase_customer(&self, customer_id: &str) -> Result<u64, StoreError> {
        let customer_id = clean(customer_id);
        let mut tx = self.backend.begin_write().await?;
        tx.lock_insights().await?;
        let deltas = counted(&tx.customer_outcomes(&customer_id).await?);
        let erased = tx.erase_customer(&customer_id).await?;
        tx.add_counts(&deltas).await?;
        tx.commit().await?;
        Ok(erased)
    }

    /// Erases the comments of outcomes created before `before`, a page at a time: the
    /// comment becomes null in the stored body (and its canonical form) and leaves the
    /// comments table. Returns how many were erased.
    pub async fn erase_comments_before(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let before = ts(before);
        let mut erased = 0;
        loop {
            let mut tx = self.backend.begin_write().await?;
            let rows = tx.old_comments(&before, PAGE).await?;
            for (seq, body) in &rows {
                let (body, canonical) = without_comment(body);
                tx.erase_comment(*seq, &body, &canonical).await?;
            }
            tx.commit().await?;
            let n = rows.len() as u64;
            erased += n;
            if n < PAGE as u64 {
                return Ok(erased);
            }
        }
    }
}

/// What a customer's stored outcomes added to the counts, taken back out: the tally of
/// each one counted (read from its stored body), and its loss when it was a lost save.
fn counted(rows: &[CustomerRow]) -> Deltas {
    let mut deltas = Deltas::default();
    for (body, created_at, flow_id, test, counted, lost) in rows {
        if !counted {
            continue;
        }
        let day = day_of(created_at);
        if let Ok(outcome) = serde_json::from_str::<Outcome>(body) {
            deltas.add_tally(day, flow_id, *test, &Tally::of(&outcome), -1);
        }
        if *lost {
            deltas.add(day, flow_id, *test, Metric::SavesLost, "", -1);
        }
    }
    deltas
}

/// The body with `survey.comment` set to null (keys in their order), and its canonical
/// form. A body that is not JSON (never stored) is kept as it is.
fn without_comment(body: &str) -> (String, String) {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(mut v) => {
            if let Some(comment) = v.get_mut("survey").and_then(|s| s.get_mut("comment")) {
                *comment = serde_json::Value::Null;
            }
            (v.to_string(), canonical(&v))
        }
        Err(_) => (body.to_string(), body.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::{counted, without_comment};
    use crate::store::deltas::Change;

    #[test]
    fn the_comment_goes_and_the_rest_stays_in_order() {
        let body = r#"{"id":"a","survey":{"reason_id":"r","comment":"my address is …"},"keep_in_touch":true}"#;
        let (text, canonical) = without_comment(body);
        assert_eq!(text, r#"{"id":"a","survey":{"reason_id":"r","comment":null},"keep_in_touch":true}"#);
        assert!(!canonical.contains("address"));
        let skipped = r#"{"id":"b","survey":null}"#;
        assert_eq!(without_comment(skipped).0, skipped);
    }

    #[test]
    fn erasing_takes_out_what_was_counted() {
        let body = serde_json::json!({
            "schema": "cancel-flow/outcome@1", "id": "o1", "created_at": "2026-11-25T09:30:00Z",
            "flow_id": "f", "test": false, "customer": { "id": "c", "subscription_id": "s" },
            "plan_id": "p", "locale": "en",
            "result": { "type": "cancelled", "effective": "period_end", "effective_on": null },
            "survey": null, "offers": [], "keep_in_touch": false, "steps": ["survey"], "elapsed_ms": 1
        })
        .to_string();
        let body = body.as_str();
        let day = "2026-11-25T09:30:00.000000Z";
        let rows = [
            (body.to_string(), day.to_string(), "f".to_string(), false, true, true),
            // Not counted yet: nothing to take out.
            (body.to_string(), day.to_string(), "f".to_string(), false, false, true),
            // No longer reads: only its loss.
            ("not json".to_string(), day.to_string(), "g".to_string(), true, true, true),
        ];
        let deltas = counted(&rows);
        let changes = deltas.changes();
        assert!(changes.iter().all(|c| c.n == -1 && c.day == "2026-11-25"), "{changes:?}");
        let lost: Vec<&Change<'_>> = changes.iter().filter(|c| c.metric == "saves_lost").collect();
        assert_eq!(lost.len(), 2);
        assert!(changes.iter().any(|c| c.flow_id == "f" && c.metric == "result" && c.key == "cancelled"));
        assert!(!changes.iter().any(|c| c.flow_id == "g" && c.metric != "saves_lost"));
    }
}
