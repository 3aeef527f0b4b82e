//! Erasing what is no longer needed: a customer on request (every outcome, delivery,
//! comment and reported cancellation of theirs, with their counts taken back out of the
//! insights), and comments older than the retention period (the comment leaves the stored
//! body and the comments table; the counts stay).

use super::counts::{add_counts, day_of, lock, Deltas};
use super::outcomes::clean;
use super::{canonical, Store, StoreError};
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
        on_pool!(self, |pool, sql| {
            let mut tx = pool.begin_with(sql.begin_write).await?;
            lock(&mut *tx).await?;
            let rows: Vec<(String, String, String, bool, bool, bool)> =
                sqlx::query_as(sql.customer_outcomes).bind(customer_id.as_ref()).fetch_all(&mut *tx).await?;
            let mut deltas = Deltas::default();
            for (body, created_at, flow_id, test, counted, lost) in &rows {
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
            for statement in [sql.erase_reported, sql.erase_comments, sql.erase_deliveries] {
                sqlx::query(statement).bind(customer_id.as_ref()).execute(&mut *tx).await?;
            }
            let erased = sqlx::query(sql.erase_outcomes).bind(customer_id.as_ref()).execute(&mut *tx).await?;
            add_counts(&mut *tx, &deltas).await?;
            tx.commit().await?;
            Ok(erased.rows_affected())
        })
    }

    /// Erases the comments of outcomes created before `before`, a page at a time: the
    /// comment becomes null in the stored body (and its canonical form) and leaves the
    /// comments table. Returns how many were erased.
    pub async fn erase_comments_before(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let before = super::sql::ts(before);
        let mut erased = 0;
        loop {
            let n: u64 = on_pool!(self, |pool, sql| {
                let mut tx = pool.begin_with(sql.begin_write).await?;
                let rows: Vec<(i64, String)> =
                    sqlx::query_as(sql.old_comments).bind(before.as_str()).bind(PAGE).fetch_all(&mut *tx).await?;
                for (seq, body) in &rows {
                    let (body, canonical) = without_comment(body);
                    sqlx::query(sql.rewrite_body).bind(*seq).bind(body).bind(canonical).execute(&mut *tx).await?;
                    sqlx::query(sql.erase_comment).bind(*seq).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                rows.len() as u64
            });
            erased += n;
            if n < PAGE as u64 {
                return Ok(erased);
            }
        }
    }
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
    use super::without_comment;

    #[test]
    fn the_comment_goes_and_the_rest_stays_in_order() {
        let body = r#"{"id":"a","survey":{"reason_id":"r","comment":"my address is …"},"keep_in_touch":true}"#;
        let (text, canonical) = without_comment(body);
        assert_eq!(text, r#"{"id":"a","survey":{"reason_id":"r","comment":null},"keep_in_touch":true}"#);
        assert!(!canonical.contains("address"));
        let skipped = r#"{"id":"b","survey":null}"#;
        assert_eq!(without_comment(skipped).0, skipped);
    }
}
