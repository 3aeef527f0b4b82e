//! Counting outcomes stored before the insights existed (migration 0002 marks them
//! uncounted): read a page, count it as if just stored, mark it counted, in one
//! transaction, until none is left. Runs at start; outcomes keep arriving meanwhile.

use super::backend::UncountedRow;
use super::counts;
use super::error::StoreError;
use super::types::NewOutcome;
use super::values::{parse_ts, Row};
use super::Store;
use cancel_flow::core::outcome::Outcome;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Outcomes counted per transaction.
const PAGE: i64 = 500;

impl Store {
    /// Counts every uncounted outcome; returns how many.
    pub async fn count_uncounted(&self) -> Result<u64, StoreError> {
        let mut total = 0;
        loop {
            let mut tx = self.backend.begin_write().await?;
            tx.lock_insights().await?;
            let rows = tx.uncounted(PAGE).await?;
            let items: Vec<(i64, NewOutcome)> = rows.iter().filter_map(|r| Some((r.0, as_stored(r)?))).collect();
            let seqs: Vec<i64> = rows.iter().map(|r| r.0).collect();
            let keep: Vec<i64> = items.iter().filter(|(_, i)| i.keep_in_touch).map(|(seq, _)| *seq).collect();
            tx.mark_counted(&seqs, &keep).await?;
            let stored: Vec<Row<'_>> = items.iter().map(|(_, item)| Row::of(item)).collect();
            let stored: Vec<&Row<'_>> = stored.iter().collect();
            let comments: Vec<(&str, &str)> =
                stored.iter().filter_map(|r| Some((r.id.as_ref(), r.item.comment.as_deref()?))).collect();
            if !comments.is_empty() {
                tx.insert_comments(&comments).await?;
            }
            counts::count_stored(tx.as_mut(), &stored).await?;
            tx.commit().await?;
            let n = rows.len() as u64;
            total += n;
            if n < PAGE as u64 {
                return Ok(total);
            }
        }
    }
}

/// A stored row `(seq, body, created_at, received_at)` as it would have been stored
/// (its canonical form left empty: not needed to count it), or `None` when its body no
/// longer reads.
fn as_stored((seq, body, created_at, received_at): &UncountedRow) -> Option<NewOutcome> {
    // Read as typed, without the checks at receipt (it passed them then).
    let outcome = match serde_json::from_str::<Outcome>(body) {
        Ok(o) => o,
        Err(e) => {
            tracing::warn!(seq, error = %e, "a stored outcome no longer reads; left out of the insights");
            return None;
        }
    };
    let created = parse_ts(created_at).ok().or_else(|| OffsetDateTime::parse(&outcome.created_at, &Rfc3339).ok())?;
    let received = parse_ts(received_at).ok()?;
    Some(NewOutcome::of(&outcome, body.clone(), String::new(), created, received))
}
