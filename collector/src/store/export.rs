//! Streaming stored outcomes in stored order, for the CSV exports and the insights.
//!
//! The stream reads pages of a few hundred rows by `seq` (keyset paging on the primary
//! key), so neither the table nor a database connection is held while a slow client reads:
//! each page is one short query. Outcomes stored while an export runs may appear at its
//! end.

use super::sql::{day_start, parse_ts};
use super::{ExportFilter, Store, StoreError, StoredOutcome};
use futures::stream::{self, BoxStream, StreamExt};

/// Rows read per query.
const PAGE: i64 = 500;

/// The filter as bound: dates as the bounds of `created_at`.
struct Query {
    flow_id: Option<String>,
    from: Option<String>,
    before: Option<String>,
    include_test: bool,
}

impl Store {
    /// The stored outcomes matching `filter`, in stored order, read page by page.
    pub fn export(&self, filter: ExportFilter) -> BoxStream<'static, Result<StoredOutcome, StoreError>> {
        let query = Query {
            flow_id: filter.flow_id,
            from: filter.from.map(day_start),
            // `to` is inclusive: everything before the next day's midnight.
            before: filter.to.and_then(|d| d.next_day()).map(day_start),
            include_test: filter.include_test,
        };
        let start = Some((self.clone(), query, 0_i64));
        stream::unfold(start, |state| async move {
            let (store, query, after) = state?;
            match store.export_page(&query, after).await {
                Ok(rows) => {
                    let next = match rows.last() {
                        Some(last) if rows.len() as i64 == PAGE => Some((store, query, last.seq)),
                        _ => None,
                    };
                    Some((rows.into_iter().map(Ok).collect::<Vec<_>>(), next))
                }
                Err(e) => Some((vec![Err(e)], None)),
            }
        })
        .flat_map(stream::iter)
        .boxed()
    }

    async fn export_page(&self, query: &Query, after: i64) -> Result<Vec<StoredOutcome>, StoreError> {
        let rows: Vec<(i64, String, String, String, String)> = on_pool!(self, |pool, sql| {
            sqlx::query_as(sql.export_page)
                .bind(query.flow_id.as_deref())
                .bind(query.from.as_deref())
                .bind(query.before.as_deref())
                .bind(query.include_test)
                .bind(after)
                .bind(PAGE)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter()
            .map(|(seq, id, body, received_at, created_at)| {
                Ok(StoredOutcome {
                    seq,
                    id,
                    body,
                    received_at: parse_ts(&received_at)?,
                    created_at: parse_ts(&created_at)?,
                })
            })
            .collect()
    }
}
