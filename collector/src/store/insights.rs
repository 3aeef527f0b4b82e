//! Reading the insights: the figures summed from the daily counts (a few rows per day,
//! flow and metric, whatever the number of outcomes), the comments page by page, the
//! keep-in-touch list. (The counts are written with each outcome: `counts.rs`.)

use super::sql::{day_start, parse_ts};
use super::{Comment, CommentPage, ExportFilter, KeepInTouch, Store, StoreError};
use crate::insights::figures::Webhooks;
use crate::insights::{Figures, Metric};
use futures::stream::{self, BoxStream, StreamExt};

/// One backend's statements. Every filter binds `(flow_id?, from?, to?, include_test)`
/// as `$1`–`$4`: days as `YYYY-MM-DD` for the counts, instants for the rest.
struct ReadSql {
    /// → `metric, key, total`.
    counts: &'static str,
    /// → `day, result type, total`.
    by_day: &'static str,
    /// `(…, reason_id?)` → count.
    comments_total: &'static str,
    /// `(…, reason_id?, limit, offset)` → `created_at, flow_id, reason_id, result_type, text`.
    comments: &'static str,
    /// `(…, after_seq, limit)` → keep-in-touch rows, stored order.
    keep_in_touch: &'static str,
    /// `(…, limit)` → keep-in-touch rows, newest first.
    keep_in_touch_recent: &'static str,
    /// → each flow id.
    flow_ids: &'static str,
}

/// The counts' filter; `$cast` turns a bound day text into the backend's day type.
macro_rules! count_filter {
    ($cast:literal) => {
        concat!(
            " WHERE ($1 IS NULL OR flow_id = $1) AND ($2 IS NULL OR day >= $2",
            $cast,
            ") AND ($3 IS NULL OR day <= $3",
            $cast,
            ") AND ($4 OR NOT test)"
        )
    };
}

const SQLITE: ReadSql = ReadSql {
    counts: concat!("SELECT metric, key, SUM(n) FROM insight_counts", count_filter!(""), " GROUP BY metric, key"),
    by_day: concat!(
        "SELECT day, key, SUM(n) FROM insight_counts",
        count_filter!(""),
        " AND metric = 'result' GROUP BY day, key ORDER BY day"
    ),
    comments_total:
        "SELECT COUNT(*) FROM comments WHERE ($1 IS NULL OR flow_id = $1) AND ($2 IS NULL OR created_at >= $2) \
        AND ($3 IS NULL OR created_at < $3) AND ($4 OR NOT test) AND ($5 IS NULL OR reason_id = $5)",
    comments: "SELECT created_at, flow_id, reason_id, result_type, text FROM comments \
        WHERE ($1 IS NULL OR flow_id = $1) AND ($2 IS NULL OR created_at >= $2) \
        AND ($3 IS NULL OR created_at < $3) AND ($4 OR NOT test) AND ($5 IS NULL OR reason_id = $5) \
        ORDER BY created_at DESC, outcome_seq DESC LIMIT $6 OFFSET $7",
    keep_in_touch: "SELECT o.seq, o.customer_id, o.subscription_id, o.flow_id, o.created_at, o.reason_id, c.text \
        FROM outcomes o LEFT JOIN comments c ON c.outcome_seq = o.seq AND c.outcome_seq > $5 \
        WHERE o.keep_in_touch = 1 AND ($1 IS NULL OR o.flow_id = $1) AND ($2 IS NULL OR o.created_at >= $2) \
        AND ($3 IS NULL OR o.created_at < $3) AND ($4 OR NOT o.test) AND o.seq > $5 ORDER BY o.seq LIMIT $6",
    keep_in_touch_recent:
        "SELECT o.seq, o.customer_id, o.subscription_id, o.flow_id, o.created_at, o.reason_id, c.text \
        FROM outcomes o LEFT JOIN comments c ON c.outcome_seq = o.seq WHERE o.keep_in_touch = 1 \
        AND ($1 IS NULL OR o.flow_id = $1) AND ($2 IS NULL OR o.created_at >= $2) \
        AND ($3 IS NULL OR o.created_at < $3) AND ($4 OR NOT o.test) ORDER BY o.seq DESC LIMIT $5",
    // One metric's rows only: the covering index `insight_counts_by_metric` finds them.
    flow_ids: "SELECT DISTINCT flow_id FROM insight_counts WHERE metric = 'result' ORDER BY flow_id",
};

/// `created_at` of a row as the fixed UTC text.
macro_rules! pg_ts {
    ($col:literal) => {
        concat!("to_char(", $col, " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
    };
}

const POSTGRES: ReadSql = ReadSql {
    counts: concat!(
        "SELECT metric, key, SUM(n)::bigint FROM insight_counts",
        count_filter!("::date"),
        " GROUP BY metric, key"
    ),
    by_day: concat!(
        "SELECT to_char(day, 'YYYY-MM-DD'), key, SUM(n)::bigint FROM insight_counts",
        count_filter!("::date"),
        " AND metric = 'result' GROUP BY day, key ORDER BY day"
    ),
    comments_total: "SELECT COUNT(*) FROM comments WHERE ($1::text IS NULL OR flow_id = $1) \
        AND ($2::timestamptz IS NULL OR created_at >= $2::timestamptz) \
        AND ($3::timestamptz IS NULL OR created_at < $3::timestamptz) AND ($4 OR NOT test) \
        AND ($5::text IS NULL OR reason_id = $5)",
    comments: concat!(
        "SELECT ",
        pg_ts!("created_at"),
        ", flow_id, reason_id, result_type, text FROM comments WHERE ($1::text IS NULL OR flow_id = $1) \
        AND ($2::timestamptz IS NULL OR created_at >= $2::timestamptz) \
        AND ($3::timestamptz IS NULL OR created_at < $3::timestamptz) AND ($4 OR NOT test) \
        AND ($5::text IS NULL OR reason_id = $5) ORDER BY created_at DESC, outcome_seq DESC LIMIT $6 OFFSET $7"
    ),
    keep_in_touch: concat!(
        "SELECT o.seq, o.customer_id, o.subscription_id, o.flow_id, ",
        pg_ts!("o.created_at"),
        ", o.reason_id, c.text FROM outcomes o \
        LEFT JOIN comments c ON c.outcome_seq = o.seq AND c.outcome_seq > $5 WHERE o.keep_in_touch \
        AND ($1::text IS NULL OR o.flow_id = $1) AND ($2::timestamptz IS NULL OR o.created_at >= $2::timestamptz) \
        AND ($3::timestamptz IS NULL OR o.created_at < $3::timestamptz) AND ($4 OR NOT o.test) AND o.seq > $5 \
        ORDER BY o.seq LIMIT $6"
    ),
    keep_in_touch_recent: concat!(
        "SELECT o.seq, o.customer_id, o.subscription_id, o.flow_id, ",
        pg_ts!("o.created_at"),
        ", o.reason_id, c.text FROM outcomes o LEFT JOIN comments c ON c.outcome_seq = o.seq WHERE o.keep_in_touch \
        AND ($1::text IS NULL OR o.flow_id = $1) AND ($2::timestamptz IS NULL OR o.created_at >= $2::timestamptz) \
        AND ($3::timestamptz IS NULL OR o.created_at < $3::timestamptz) AND ($4 OR NOT o.test) \
        ORDER BY o.seq DESC LIMIT $5"
    ),
    flow_ids: "SELECT DISTINCT flow_id FROM insight_counts WHERE metric = 'result' ORDER BY flow_id",
};

/// A filter as bound.
#[derive(Clone)]
struct Bound {
    flow_id: Option<String>,
    from_day: Option<String>,
    to_day: Option<String>,
    from: Option<String>,
    before: Option<String>,
    include_test: bool,
}

impl Bound {
    fn of(filter: &ExportFilter) -> Bound {
        Bound {
            flow_id: filter.flow_id.clone(),
            from_day: filter.from.map(|d| d.to_string()),
            to_day: filter.to.map(|d| d.to_string()),
            from: filter.from.map(day_start),
            // `to` is inclusive: everything before the next day's midnight.
            before: filter.to.and_then(|d| d.next_day()).map(day_start),
            include_test: filter.include_test,
        }
    }
}

/// `(metric or day, key, total)`.
type Summed = (String, String, i64);

/// `(created_at, flow_id, reason_id, result_type, text)`.
type CommentRow = (String, String, String, String, String);

/// Binds the filter as `$1`–`$4`: as days (`days`) for the counts, as instants (`times`)
/// for the comments and outcomes.
macro_rules! bind_filter {
    ($query:expr, $b:expr, days) => {
        $query.bind($b.flow_id.as_deref()).bind($b.from_day.as_deref()).bind($b.to_day.as_deref()).bind($b.include_test)
    };
    ($query:expr, $b:expr, times) => {
        $query.bind($b.flow_id.as_deref()).bind($b.from.as_deref()).bind($b.before.as_deref()).bind($b.include_test)
    };
}

type KeepRow = (i64, String, Option<String>, String, String, Option<String>, Option<String>);

/// Rows of the keep-in-touch export read per query.
const PAGE: i64 = 500;

impl Store {
    fn read_sql(&self) -> &'static ReadSql {
        match self.backend {
            super::Backend::Sqlite(_) => &SQLITE,
            super::Backend::Postgres(_) => &POSTGRES,
        }
    }

    /// The figures of `/v1/insights` for `filter`.
    pub async fn insights(&self, filter: &ExportFilter) -> Result<Figures, StoreError> {
        let b = Bound::of(filter);
        let q = self.read_sql();
        let (counts, days): (Vec<Summed>, Vec<Summed>) = on_pool!(self, |pool, _sql| {
            let counts = bind_filter!(sqlx::query_as(q.counts), b, days).fetch_all(pool).await?;
            let days = bind_filter!(sqlx::query_as(q.by_day), b, days).fetch_all(pool).await?;
            (counts, days)
        });
        let d = self.delivery_counts().await?;
        let webhooks = Webhooks { pending: d.pending, failed: d.failed, delivered: d.delivered };
        let counts = counts.into_iter().filter_map(|(m, k, n)| Some((Metric::from_name(&m)?, k, n)));
        Ok(Figures::from_counts(counts, days, webhooks))
    }

    /// Comments matching `filter` (and `reason_id` when given), newest first: `limit`
    /// of them after skipping `offset`.
    pub async fn comments(
        &self,
        filter: &ExportFilter,
        reason_id: Option<&str>,
        offset: u64,
        limit: u64,
    ) -> Result<CommentPage, StoreError> {
        let b = Bound::of(filter);
        let q = self.read_sql();
        let (limit, offset) = (i64::try_from(limit).unwrap_or(i64::MAX), i64::try_from(offset).unwrap_or(i64::MAX));
        let (total, rows): (i64, Vec<CommentRow>) = on_pool!(self, |pool, _sql| {
            let total =
                bind_filter!(sqlx::query_scalar(q.comments_total), b, times).bind(reason_id).fetch_one(pool).await?;
            let rows = bind_filter!(sqlx::query_as(q.comments), b, times)
                .bind(reason_id)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            (total, rows)
        });
        let items = rows
            .into_iter()
            .map(|(created_at, flow_id, reason_id, result_type, text)| {
                Ok(Comment { created_at: parse_ts(&created_at)?, flow_id, reason_id, result_type, text })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(CommentPage { total: u64::try_from(total).unwrap_or(0), items })
    }

    /// The latest `limit` people who asked to hear about improvements, newest first.
    pub async fn keep_in_touch_recent(
        &self,
        filter: &ExportFilter,
        limit: u64,
    ) -> Result<Vec<KeepInTouch>, StoreError> {
        let b = Bound::of(filter);
        let q = self.read_sql();
        let rows: Vec<KeepRow> = on_pool!(self, |pool, _sql| {
            bind_filter!(sqlx::query_as(q.keep_in_touch_recent), b, times)
                .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(keep_in_touch).collect()
    }

    /// Every flow id with stored outcomes, sorted (for the page's filter).
    pub async fn flow_ids(&self) -> Result<Vec<String>, StoreError> {
        let q = self.read_sql();
        Ok(on_pool!(self, |pool, _sql| sqlx::query_scalar(q.flow_ids).fetch_all(pool).await?))
    }

    /// Everyone matching `filter` who cancelled with the keep-in-touch opt-in, in stored
    /// order, read page by page (keyset paging, as the outcomes export).
    pub fn keep_in_touch(&self, filter: ExportFilter) -> BoxStream<'static, Result<KeepInTouch, StoreError>> {
        let start = Some((self.clone(), Bound::of(&filter), 0_i64));
        stream::unfold(start, |state| async move {
            let (store, b, after) = state?;
            match store.keep_in_touch_page(&b, after).await {
                Ok(rows) => {
                    let next = match rows.last() {
                        Some(last) if rows.len() as i64 == PAGE => Some((store, b, last.seq)),
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

    async fn keep_in_touch_page(&self, b: &Bound, after: i64) -> Result<Vec<KeepInTouch>, StoreError> {
        let q = self.read_sql();
        let rows: Vec<KeepRow> = on_pool!(self, |pool, _sql| {
            bind_filter!(sqlx::query_as(q.keep_in_touch), b, times).bind(after).bind(PAGE).fetch_all(pool).await?
        });
        rows.into_iter().map(keep_in_touch).collect()
    }
}

fn keep_in_touch(
    (seq, customer_id, subscription_id, flow_id, created_at, reason_id, comment): KeepRow,
) -> Result<KeepInTouch, StoreError> {
    Ok(KeepInTouch {
        seq,
        customer_id,
        subscription_id,
        flow_id,
        created_at: parse_ts(&created_at)?,
        reason_id,
        comment,
    })
}
