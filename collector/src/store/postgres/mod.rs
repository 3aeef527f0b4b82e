//! PostgreSQL: the pool (the server's default, synchronous commit; connections tested
//! before use, so the pool recovers by itself when the server comes back), its migrations,
//! the advisory locks (the forwarder's lease, the insights' writers), and every statement
//! the store runs on it.
//!
//! Instants are bound as the fixed UTC text and read with `$n::timestamptz`, and written
//! back as that text with `to_char` (`utc_text!`); lists are bound as arrays and read
//! with `unnest` or `ANY`.

use super::backend::{
    bind_bounds, sql_list, Backend, CommentRow, CustomerRow, DueRow, ExportRow, KeepRow, Summed, Transaction,
    UncountedRow, ACQUIRE_TIMEOUT,
};
use super::deltas::{Cancellation, Deltas, LostSave, SaveWindow, WINDOW};
use super::error::StoreError;
use super::lease::ForwarderLease;
use super::values::{clean, Bounds, Row};
use crate::insights::tally::SAVES;
use async_trait::async_trait;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use std::str::FromStr;
use std::sync::LazyLock;

static MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The advisory lock key of the forwarder's lease, held by the forwarding collector's own
/// connection: "cancel-flow forwarder".
const FORWARDER_LOCK: i64 = 0x6366_666f_7277_6172;

/// The advisory lock key of the insights' writers ("cf-ins" in ASCII), held by each
/// transaction that counts to its commit: one at a time, so a save and its cancellation
/// stored by two collectors at once still meet.
const INSIGHTS_LOCK: i64 = 0x0000_6366_2d69_6e73;

/// `to_char` of a `timestamptz` column into the fixed UTC text.
macro_rules! utc_text {
    ($col:literal) => {
        concat!("to_char(", $col, " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
    };
}

/// `to_char` of a `timestamptz` column into its UTC day, `YYYY-MM-DD`.
macro_rules! utc_day {
    ($col:literal) => {
        concat!("to_char((", $col, " AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')")
    };
}

/// A PostgreSQL database.
pub(super) struct PgBackend {
    pool: PgPool,
}

impl PgBackend {
    /// Connects to `url` (`postgres://…` or `postgresql://…`).
    pub(super) async fn open(url: &str) -> Result<PgBackend, StoreError> {
        // The URL's own error text could quote it: say only what kind of problem it is.
        let mut options = PgConnectOptions::from_str(url).map_err(|e| match e {
            sqlx::Error::Configuration(_) => StoreError::Url("malformed postgres:// URL".into()),
            other => StoreError::from(other),
        })?;
        if options.get_application_name().is_none() {
            options = options.application_name("cancel-flow-collector");
        }
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .test_before_acquire(true)
            .connect_with(options)
            .await?;
        Ok(PgBackend { pool })
    }
}

/// The daily counts' filter (`$1`–`$4`, days as text).
macro_rules! count_filter {
    () => {
        " WHERE ($1 IS NULL OR flow_id = $1) AND ($2 IS NULL OR day >= $2::date) \
        AND ($3 IS NULL OR day <= $3::date) AND ($4 OR NOT test)"
    };
}

/// The comments' filter (`$1`–`$4`, instants; `$5`: the reason).
macro_rules! comment_filter {
    () => {
        " WHERE ($1::text IS NULL OR flow_id = $1) \
        AND ($2::timestamptz IS NULL OR created_at >= $2::timestamptz) \
        AND ($3::timestamptz IS NULL OR created_at < $3::timestamptz) AND ($4 OR NOT test) \
        AND ($5::text IS NULL OR reason_id = $5)"
    };
}

/// A keep-in-touch row with its comment, from `outcomes o` and `comments c`.
macro_rules! keep_in_touch_columns {
    () => {
        concat!(
            "SELECT o.seq, o.customer_id, o.subscription_id, o.flow_id, ",
            utc_text!("o.created_at"),
            ", o.reason_id, c.text"
        )
    };
}

/// The outcomes' filter on `o` (`$1`–`$4`, instants).
macro_rules! keep_in_touch_filter {
    () => {
        " WHERE o.keep_in_touch \
        AND ($1::text IS NULL OR o.flow_id = $1) AND ($2::timestamptz IS NULL OR o.created_at >= $2::timestamptz) \
        AND ($3::timestamptz IS NULL OR o.created_at < $3::timestamptz) AND ($4 OR NOT o.test)"
    };
}

#[async_trait]
impl Backend for PgBackend {
    fn kind(&self) -> &'static str {
        "postgres"
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        // sqlx takes an advisory lock: several collectors may start at once.
        MIGRATIONS.run(&self.pool).await?;
        Ok(())
    }

    async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn try_forwarder_lease(&self, database_url: &str) -> Result<Option<ForwarderLease>, StoreError> {
        let mut connection = PgConnection::connect(database_url).await?;
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(FORWARDER_LOCK)
            .fetch_one(&mut connection)
            .await?;
        Ok(got.then(|| ForwarderLease::held_by(Some(Box::new(connection)))))
    }

    async fn begin_insert(&self) -> Result<Box<dyn Transaction>, StoreError> {
        Ok(Box::new(PgTx(self.pool.begin_with("BEGIN").await?)))
    }

    async fn begin_write(&self) -> Result<Box<dyn Transaction>, StoreError> {
        Ok(Box::new(PgTx(self.pool.begin_with("BEGIN").await?)))
    }

    async fn due_deliveries(&self, now: &str, limit: i64) -> Result<Vec<DueRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT o.id, o.body, d.attempts, ",
            utc_text!("d.first_attempt_at"),
            ", ",
            utc_text!("o.received_at"),
            " FROM deliveries d JOIN outcomes o ON o.seq = d.outcome_seq \
            WHERE d.state = 'pending' AND d.next_attempt_at <= $1::timestamptz ORDER BY d.outcome_seq LIMIT $2"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn next_due_at(&self) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(concat!(
            "SELECT ",
            utc_text!("MIN(next_attempt_at)"),
            " FROM deliveries WHERE state = 'pending'"
        ))
        .fetch_one(&self.pool)
        .await?)
    }

    async fn delivery_done(&self, outcome_id: &str, at: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, last_error = NULL, \
            first_attempt_at = COALESCE(first_attempt_at, $2::timestamptz), updated_at = $2::timestamptz \
            WHERE outcome_id = $1 AND state = 'pending'",
        )
        .bind(outcome_id)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delivery_retry(
        &self,
        outcome_id: &str,
        attempts: i32,
        next_at: &str,
        error: &str,
        first_attempt_at: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE deliveries SET attempts = $2, next_attempt_at = $3::timestamptz, last_error = $4, \
            first_attempt_at = COALESCE(first_attempt_at, $5::timestamptz), updated_at = $6::timestamptz \
            WHERE outcome_id = $1 AND state = 'pending'",
        )
        .bind(outcome_id)
        .bind(attempts)
        .bind(next_at)
        .bind(error)
        .bind(first_attempt_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delivery_failed(&self, outcome_id: &str, at: &str, error: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = $3, \
            updated_at = $2::timestamptz WHERE outcome_id = $1 AND state = 'pending'",
        )
        .bind(outcome_id)
        .bind(at)
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delivery_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(sqlx::query_as("SELECT state, COUNT(*) FROM deliveries GROUP BY state").fetch_all(&self.pool).await?)
    }

    async fn summed_counts(&self, b: &Bounds) -> Result<Vec<Summed>, StoreError> {
        let query = sqlx::query_as(concat!(
            "SELECT metric, key, SUM(n)::bigint FROM insight_counts",
            count_filter!(),
            " GROUP BY metric, key"
        ));
        Ok(bind_bounds!(query, b, days).fetch_all(&self.pool).await?)
    }

    async fn results_by_day(&self, b: &Bounds) -> Result<Vec<Summed>, StoreError> {
        let query = sqlx::query_as(concat!(
            "SELECT to_char(day, 'YYYY-MM-DD'), key, SUM(n)::bigint FROM insight_counts",
            count_filter!(),
            " AND metric = 'result' GROUP BY day, key ORDER BY day"
        ));
        Ok(bind_bounds!(query, b, days).fetch_all(&self.pool).await?)
    }

    async fn comments_total(&self, b: &Bounds, reason_id: Option<&str>) -> Result<i64, StoreError> {
        let query = sqlx::query_scalar(concat!("SELECT COUNT(*) FROM comments", comment_filter!()));
        Ok(bind_bounds!(query, b, times).bind(reason_id).fetch_one(&self.pool).await?)
    }

    async fn comments(
        &self,
        b: &Bounds,
        reason_id: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<CommentRow>, StoreError> {
        let query = sqlx::query_as(concat!(
            "SELECT ",
            utc_text!("created_at"),
            ", flow_id, reason_id, result_type, text FROM comments",
            comment_filter!(),
            " ORDER BY created_at DESC, outcome_seq DESC LIMIT $6 OFFSET $7"
        ));
        Ok(bind_bounds!(query, b, times).bind(reason_id).bind(limit).bind(offset).fetch_all(&self.pool).await?)
    }

    async fn keep_in_touch_page(&self, b: &Bounds, after_seq: i64, limit: i64) -> Result<Vec<KeepRow>, StoreError> {
        let query = sqlx::query_as(concat!(
            keep_in_touch_columns!(),
            " FROM outcomes o LEFT JOIN comments c ON c.outcome_seq = o.seq AND c.outcome_seq > $5",
            keep_in_touch_filter!(),
            " AND o.seq > $5 ORDER BY o.seq LIMIT $6"
        ));
        Ok(bind_bounds!(query, b, times).bind(after_seq).bind(limit).fetch_all(&self.pool).await?)
    }

    async fn keep_in_touch_recent(&self, b: &Bounds, limit: i64) -> Result<Vec<KeepRow>, StoreError> {
        let query = sqlx::query_as(concat!(
            keep_in_touch_columns!(),
            " FROM outcomes o LEFT JOIN comments c ON c.outcome_seq = o.seq",
            keep_in_touch_filter!(),
            " ORDER BY o.seq DESC LIMIT $5"
        ));
        Ok(bind_bounds!(query, b, times).bind(limit).fetch_all(&self.pool).await?)
    }

    async fn flow_ids(&self) -> Result<Vec<String>, StoreError> {
        // One metric's rows only: the covering index `insight_counts_by_metric` finds them.
        Ok(sqlx::query_scalar("SELECT DISTINCT flow_id FROM insight_counts WHERE metric = 'result' ORDER BY flow_id")
            .fetch_all(&self.pool)
            .await?)
    }

    async fn export_page(&self, b: &Bounds, after_seq: i64, limit: i64) -> Result<Vec<ExportRow>, StoreError> {
        let query = sqlx::query_as(concat!(
            "SELECT seq, id, body, ",
            utc_text!("received_at"),
            ", ",
            utc_text!("created_at"),
            " FROM outcomes WHERE seq > $5 AND ($1::text IS NULL OR flow_id = $1) \
            AND ($2::timestamptz IS NULL OR created_at >= $2::timestamptz) \
            AND ($3::timestamptz IS NULL OR created_at < $3::timestamptz) AND ($4 OR NOT test) ORDER BY seq LIMIT $6"
        ));
        Ok(bind_bounds!(query, b, times).bind(after_seq).bind(limit).fetch_all(&self.pool).await?)
    }
}

/// A write transaction on PostgreSQL.
struct PgTx(sqlx::Transaction<'static, sqlx::Postgres>);

/// An outcome's columns, in the order they are bound.
macro_rules! outcome_columns {
    () => {
        "id, body, canonical, customer_id, subscription_id, flow_id, plan_id, test, result_type, reason_id, \
        created_at, received_at, keep_in_touch"
    };
}

/// One array per column (`id`, `body`, `canonical`, `customer_id`, `subscription_id`,
/// `flow_id`, `plan_id`, `test`, `result_type`, `reason_id`, `created_at`, `received_at`
/// (the times as text), `keep_in_touch`), then `forward`, the comments (`$15`, null for
/// none) and the insights' lock key (`$16`): inserts the outcomes in array order, skipping
/// ids already stored, with a pending delivery for each when `forward` and their comments,
/// and takes the insights' lock (held to the commit) when any was stored (each is counted
/// in the insights by the same transaction); returns `id` of each row inserted.
const INSERT_OUTCOMES: &str = concat!(
    "WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], \
    $6::text[], $7::text[], $8::boolean[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[], \
    $13::boolean[], $15::text[]) WITH ORDINALITY AS i(",
    outcome_columns!(),
    ", comment, ord)), stored AS (INSERT INTO outcomes (",
    outcome_columns!(),
    ", counted) SELECT ",
    outcome_columns!(),
    ", TRUE FROM input ORDER BY ord ON CONFLICT (id) DO NOTHING RETURNING seq, id, received_at), \
    queued AS (INSERT INTO deliveries (outcome_seq, outcome_id, state, attempts, next_attempt_at, updated_at) \
    SELECT seq, id, 'pending', 0, received_at, received_at FROM stored WHERE $14 ORDER BY seq), \
    commented AS (INSERT INTO comments (outcome_seq, created_at, flow_id, test, reason_id, result_type, text) \
    SELECT s.seq, i.created_at, i.flow_id, i.test, i.reason_id, i.result_type, i.comment \
    FROM stored s JOIN input i ON i.id = s.id WHERE i.comment IS NOT NULL AND i.reason_id IS NOT NULL), \
    locked AS (SELECT pg_advisory_xact_lock($16)) \
    SELECT stored.id FROM stored, locked"
);

/// Marks lost the saves in each window `(subscription, since, at)` (`$1`–`$3`, arrays).
static MARK_LOST_BEFORE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE outcomes s SET lost = TRUE \
        FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS w(sub, since, at) \
        WHERE s.subscription_id = w.sub AND s.created_at >= w.since AND s.created_at < w.at \
        AND NOT s.lost AND s.result_type IN {} AND s.counted \
        RETURNING {}, s.flow_id, s.test",
        sql_list(&SAVES),
        utc_day!("s.created_at")
    )
});

#[async_trait]
impl Transaction for PgTx {
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.0.commit().await?;
        Ok(())
    }

    async fn insert_new(&mut self, rows: &[&Row<'_>], forward: bool) -> Result<Vec<String>, StoreError> {
        fn column<'r, T>(rows: &[&'r Row<'_>], f: impl Fn(&'r Row<'_>) -> T) -> Vec<T> {
            rows.iter().map(|&row| f(row)).collect()
        }
        Ok(sqlx::query_scalar(INSERT_OUTCOMES)
            .bind(column(rows, |r| r.id.as_ref()))
            .bind(column(rows, |r| r.item.body.as_str()))
            .bind(column(rows, |r| r.item.canonical.as_str()))
            .bind(column(rows, |r| r.customer_id.as_ref()))
            .bind(column(rows, |r| r.subscription_id.as_deref()))
            .bind(column(rows, |r| r.flow_id.as_ref()))
            .bind(column(rows, |r| r.plan_id.as_ref()))
            .bind(column(rows, |r| r.item.test))
            .bind(column(rows, |r| r.result_type.as_ref()))
            .bind(column(rows, |r| r.reason_id.as_deref()))
            .bind(column(rows, |r| r.created_at.as_str()))
            .bind(column(rows, |r| r.received_at.as_str()))
            .bind(column(rows, |r| r.item.keep_in_touch))
            .bind(forward)
            .bind(column(rows, |r| r.item.comment.as_deref().map(clean)))
            .bind(INSIGHTS_LOCK)
            .fetch_all(&mut *self.0)
            .await?)
    }

    async fn canonicals(&mut self, ids: &[&str]) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as("SELECT id, canonical FROM outcomes WHERE id = ANY($1)")
            .bind(ids)
            .fetch_all(&mut *self.0)
            .await?)
    }

    async fn lock_insights(&mut self) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(INSIGHTS_LOCK).execute(&mut *self.0).await?;
        Ok(())
    }

    async fn insert_comments(&mut self, comments: &[(&str, &str)]) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO comments (outcome_seq, created_at, flow_id, test, reason_id, result_type, text) \
            SELECT o.seq, o.created_at, o.flow_id, o.test, o.reason_id, o.result_type, i.text \
            FROM unnest($1::text[], $2::text[]) AS i(id, text) JOIN outcomes o ON o.id = i.id \
            WHERE o.reason_id IS NOT NULL ON CONFLICT (outcome_seq) DO NOTHING",
        )
        // Planned for each batch's own values: a plan cached while the table was small
        // (a sequential scan) would stay, and grow with the table.
        .persistent(false)
        .bind(comments.iter().map(|c| c.0).collect::<Vec<_>>())
        .bind(comments.iter().map(|c| clean(c.1)).collect::<Vec<_>>())
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn mark_saves_lost(&mut self, saves: &[SaveWindow<'_>]) -> Result<Vec<LostSave>, StoreError> {
        // The end of each save's window is its `created_at` + `WINDOW`, bound in seconds
        // (the same 30 days as the ends SQLite is given; no join to per-save values, so
        // the plan stays the unique index on `id`, whatever plan is cached).
        Ok(sqlx::query_as(concat!(
            "UPDATE outcomes s SET lost = TRUE WHERE s.id = ANY($1) AND NOT s.lost AND (\
            EXISTS (SELECT 1 FROM outcomes c WHERE c.result_type = 'cancelled' \
                AND c.subscription_id = s.subscription_id \
                AND c.created_at > s.created_at AND c.created_at <= s.created_at + $2 * interval '1 second') \
            OR EXISTS (SELECT 1 FROM reported_cancellations r WHERE r.subscription_id = s.subscription_id \
                AND r.at > s.created_at AND r.at <= s.created_at + $2 * interval '1 second')) \
            RETURNING ",
            utc_day!("s.created_at"),
            ", s.flow_id, s.test"
        ))
        .bind(saves.iter().map(|s| s.id).collect::<Vec<_>>())
        .bind(WINDOW.whole_seconds())
        .fetch_all(&mut *self.0)
        .await?)
    }

    async fn mark_lost_before(&mut self, cancellations: &[Cancellation<'_>]) -> Result<Vec<LostSave>, StoreError> {
        Ok(sqlx::query_as(MARK_LOST_BEFORE.as_str())
            // Planned for each batch's own values: a plan cached while the table was small
            // (a sequential scan) would stay, and grow with the table.
            .persistent(false)
            .bind(cancellations.iter().map(|c| c.subscription_id).collect::<Vec<_>>())
            .bind(cancellations.iter().map(|c| c.since.as_str()).collect::<Vec<_>>())
            .bind(cancellations.iter().map(|c| c.at.as_str()).collect::<Vec<_>>())
            .fetch_all(&mut *self.0)
            .await?)
    }

    async fn add_counts(&mut self, deltas: &Deltas) -> Result<(), StoreError> {
        let changes = deltas.changes();
        if changes.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO insight_counts (day, flow_id, test, metric, key, n) \
            SELECT * FROM unnest($1::date[], $2::text[], $3::boolean[], $4::text[], $5::text[], $6::bigint[]) \
            ON CONFLICT (day, flow_id, test, metric, key) DO UPDATE SET n = insight_counts.n + excluded.n",
        )
        .bind(changes.iter().map(|c| c.day).collect::<Vec<_>>())
        .bind(changes.iter().map(|c| c.flow_id).collect::<Vec<_>>())
        .bind(changes.iter().map(|c| c.test).collect::<Vec<_>>())
        .bind(changes.iter().map(|c| c.metric).collect::<Vec<_>>())
        .bind(changes.iter().map(|c| c.key).collect::<Vec<_>>())
        .bind(changes.iter().map(|c| c.n).collect::<Vec<_>>())
        .execute(&mut *self.0)
        .await?;
        if changes.iter().any(|c| c.n < 0) {
            sqlx::query("DELETE FROM insight_counts WHERE n <= 0").execute(&mut *self.0).await?;
        }
        Ok(())
    }

    async fn uncounted(&mut self, limit: i64) -> Result<Vec<UncountedRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT seq, body, ",
            utc_text!("created_at"),
            ", ",
            utc_text!("received_at"),
            " FROM outcomes WHERE NOT counted ORDER BY seq LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(&mut *self.0)
        .await?)
    }

    async fn mark_counted(&mut self, seqs: &[i64], keep_in_touch: &[i64]) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outcomes SET counted = TRUE, \
            keep_in_touch = (seq IN (SELECT value::bigint FROM json_array_elements_text($2::json))) \
            WHERE seq IN (SELECT value::bigint FROM json_array_elements_text($1::json))",
        )
        .bind(serde_json::to_string(seqs).unwrap_or_default())
        .bind(serde_json::to_string(keep_in_touch).unwrap_or_default())
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn customer_outcomes(&mut self, customer_id: &str) -> Result<Vec<CustomerRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT body, ",
            utc_text!("created_at"),
            ", flow_id, test, counted, lost FROM outcomes WHERE customer_id = $1"
        ))
        .bind(customer_id)
        .fetch_all(&mut *self.0)
        .await?)
    }

    async fn erase_customer(&mut self, customer_id: &str) -> Result<u64, StoreError> {
        for statement in [
            "DELETE FROM reported_cancellations WHERE subscription_id IN \
            (SELECT subscription_id FROM outcomes WHERE customer_id = $1 AND subscription_id IS NOT NULL)",
            "DELETE FROM comments WHERE outcome_seq IN (SELECT seq FROM outcomes WHERE customer_id = $1)",
            "DELETE FROM deliveries WHERE outcome_seq IN (SELECT seq FROM outcomes WHERE customer_id = $1)",
            "DELETE FROM assignments WHERE customer_id = $1",
        ] {
            sqlx::query(statement).bind(customer_id).execute(&mut *self.0).await?;
        }
        let erased =
            sqlx::query("DELETE FROM outcomes WHERE customer_id = $1").bind(customer_id).execute(&mut *self.0).await?;
        Ok(erased.rows_affected())
    }

    async fn old_comments(&mut self, before: &str, limit: i64) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT c.outcome_seq, o.body FROM comments c JOIN outcomes o ON o.seq = c.outcome_seq \
            WHERE c.created_at < $1::timestamptz ORDER BY c.outcome_seq LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&mut *self.0)
        .await?)
    }

    async fn erase_comment(&mut self, seq: i64, body: &str, canonical: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE outcomes SET body = $2, canonical = $3 WHERE seq = $1")
            .bind(seq)
            .bind(body)
            .bind(canonical)
            .execute(&mut *self.0)
            .await?;
        sqlx::query("DELETE FROM comments WHERE outcome_seq = $1").bind(seq).execute(&mut *self.0).await?;
        Ok(())
    }

    async fn insert_stripe_event(&mut self, event_id: &str, kind: &str, received_at: &str) -> Result<bool, StoreError> {
        let inserted = sqlx::query(concat!(
            "INSERT INTO stripe_events (id, type, received_at) VALUES ($1, $2, ",
            "$3::timestamptz",
            ") ON CONFLICT (id) DO NOTHING"
        ))
        .bind(event_id)
        .bind(kind)
        .bind(received_at)
        .execute(&mut *self.0)
        .await?;
        Ok(inserted.rows_affected() == 1)
    }

    async fn report_cancellation(
        &mut self,
        subscription_id: &str,
        at: &str,
        received_at: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO reported_cancellations (subscription_id, at, received_at) \
            VALUES ($1, $2::timestamptz, $3::timestamptz) ON CONFLICT (subscription_id, at) DO NOTHING",
        )
        .bind(subscription_id)
        .bind(at)
        .bind(received_at)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }
}

mod flows;
