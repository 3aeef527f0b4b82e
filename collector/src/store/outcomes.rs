//! Writing outcomes: the batch insert (one transaction; each item stored, a duplicate or
//! a conflict, as if inserted one after the other) and a customer's erasure.

use super::sql::ts;
use super::{Insert, NewOutcome, Store, StoreError};
use std::borrow::Cow;

/// An outcome's values as bound: timestamps as text, NUL characters (which PostgreSQL
/// refuses in text, failing the whole batch) replaced in the indexed fields. `body` and
/// `canonical` are JSON texts, which cannot hold a raw NUL.
struct Row<'a> {
    item: &'a NewOutcome,
    id: Cow<'a, str>,
    customer_id: Cow<'a, str>,
    subscription_id: Option<Cow<'a, str>>,
    flow_id: Cow<'a, str>,
    plan_id: Cow<'a, str>,
    result_type: Cow<'a, str>,
    reason_id: Option<Cow<'a, str>>,
    created_at: String,
    received_at: String,
}

fn clean(s: &str) -> Cow<'_, str> {
    if s.contains('\0') {
        Cow::Owned(s.replace('\0', "\u{fffd}"))
    } else {
        Cow::Borrowed(s)
    }
}

impl<'a> Row<'a> {
    fn of(item: &'a NewOutcome) -> Row<'a> {
        Row {
            item,
            id: clean(&item.id),
            customer_id: clean(&item.customer_id),
            subscription_id: item.subscription_id.as_deref().map(clean),
            flow_id: clean(&item.flow_id),
            plan_id: clean(&item.plan_id),
            result_type: clean(&item.result_type),
            reason_id: item.reason_id.as_deref().map(clean),
            created_at: ts(item.created_at),
            received_at: ts(item.received_at),
        }
    }
}

/// How often an id that is neither insertable nor found (erased between the two
/// statements by another collector) is tried again before giving up.
const TRIES: usize = 3;

impl Store {
    /// Stores a batch in one transaction. Each item is [`Insert::Stored`] (with a pending
    /// delivery when `forward`), or, when its id exists (stored before or earlier in this
    /// batch), [`Insert::Duplicate`] for the same canonical body and [`Insert::Conflict`]
    /// for another; nothing is written for those. On error nothing of the batch is stored.
    pub async fn insert_batch(&self, batch: &[NewOutcome], forward: bool) -> Result<Vec<Insert>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<Row<'_>> = batch.iter().map(Row::of).collect();
        on_pool!(self, |pool, sql| {
            let mut tx = pool.begin_with(sql.begin_write).await?;
            let mut results = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut result = None;
                for _ in 0..TRIES {
                    let seq: Option<i64> = sqlx::query_scalar(sql.insert_outcome)
                        .bind(row.id.as_ref())
                        .bind(row.item.body.as_str())
                        .bind(row.item.canonical.as_str())
                        .bind(row.customer_id.as_ref())
                        .bind(row.subscription_id.as_deref())
                        .bind(row.flow_id.as_ref())
                        .bind(row.plan_id.as_ref())
                        .bind(row.item.test)
                        .bind(row.result_type.as_ref())
                        .bind(row.reason_id.as_deref())
                        .bind(row.created_at.as_str())
                        .bind(row.received_at.as_str())
                        .fetch_optional(&mut *tx)
                        .await?;
                    if let Some(seq) = seq {
                        if forward {
                            sqlx::query(sql.insert_delivery)
                                .bind(seq)
                                .bind(row.id.as_ref())
                                .bind(row.received_at.as_str())
                                .execute(&mut *tx)
                                .await?;
                        }
                        result = Some(Insert::Stored);
                        break;
                    }
                    let existing: Option<String> =
                        sqlx::query_scalar(sql.canonical_of).bind(row.id.as_ref()).fetch_optional(&mut *tx).await?;
                    if let Some(existing) = existing {
                        let same = existing == row.item.canonical;
                        result = Some(if same { Insert::Duplicate } else { Insert::Conflict });
                        break;
                    }
                }
                let result = result.ok_or_else(|| {
                    StoreError::Unavailable("an outcome id was erased while being stored; try again".into())
                })?;
                results.push(result);
            }
            tx.commit().await?;
            Ok(results)
        })
    }

    /// Deletes every outcome of a customer and their deliveries, in one transaction;
    /// returns how many outcomes.
    pub async fn erase_customer(&self, customer_id: &str) -> Result<u64, StoreError> {
        let customer_id = clean(customer_id);
        on_pool!(self, |pool, sql| {
            let mut tx = pool.begin_with(sql.begin_write).await?;
            sqlx::query(sql.erase_deliveries).bind(customer_id.as_ref()).execute(&mut *tx).await?;
            let erased = sqlx::query(sql.erase_outcomes).bind(customer_id.as_ref()).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(erased.rows_affected())
        })
    }
}
