//! Counting outcomes stored before the insights existed (migration 0002 marks them
//! uncounted): read a page, count it as if just stored, mark it counted, in one
//! transaction, until none is left. Runs at start; outcomes keep arriving meanwhile.

use super::counts::{self, Conn};
use super::outcomes::Row;
use super::sql::parse_ts;
use super::{NewOutcome, Store, StoreError};
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
            let n: u64 = on_pool!(self, |pool, sql| {
                let mut tx = pool.begin_with(sql.begin_write).await?;
                counts::lock(&mut *tx).await?;
                let rows: Vec<(i64, String, String, String)> =
                    sqlx::query_as(sql.uncounted).bind(PAGE).fetch_all(&mut *tx).await?;
                let items: Vec<(i64, NewOutcome)> = rows.iter().filter_map(|r| Some((r.0, new_outcome(r)?))).collect();
                let seqs: Vec<i64> = rows.iter().map(|r| r.0).collect();
                let keep: Vec<i64> = items.iter().filter(|(_, i)| i.keep_in_touch).map(|(seq, _)| *seq).collect();
                sqlx::query(sql.mark_counted)
                    .bind(serde_json::to_string(&seqs).unwrap_or_default())
                    .bind(serde_json::to_string(&keep).unwrap_or_default())
                    .execute(&mut *tx)
                    .await?;
                let stored: Vec<Row<'_>> = items.iter().map(|(_, item)| Row::of(item)).collect();
                record(&mut *tx, &stored.iter().collect::<Vec<_>>()).await?;
                tx.commit().await?;
                rows.len() as u64
            });
            total += n;
            if n < PAGE as u64 {
                return Ok(total);
            }
        }
    }
}

async fn record<C: Conn>(conn: &mut C, rows: &[&Row<'_>]) -> Result<(), StoreError> {
    counts::record::<C::Db>(conn, rows, false).await
}

/// A stored row `(seq, body, created_at, received_at)` as it would have been stored.
fn new_outcome((seq, body, created_at, received_at): &(i64, String, String, String)) -> Option<NewOutcome> {
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
