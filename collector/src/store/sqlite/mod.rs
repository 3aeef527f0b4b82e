//! SQLite: opening the file (WAL journal, `synchronous=FULL`: a commit is on disk before
//! it is acknowledged; a busy timeout; foreign keys on), its migrations, and every
//! statement the store runs on it.
//!
//! Parameters are numbered `$1`, `$2`, … except in the multi-row inserts (anonymous `?`,
//! bound in order); lists are bound as JSON arrays, read with `json_each`; instants are
//! the fixed UTC text (see `values`), which orders as the instants do.

use super::backend::{
    bind_bounds, sql_list, Backend, CommentRow, CustomerRow, DueRow, ExportRow, KeepRow, Summed, Transaction,
    UncountedRow, ACQUIRE_TIMEOUT,
};
use super::deltas::{Cancellation, Deltas, LostSave, SaveWindow};
use super::error::StoreError;
use super::lease::ForwarderLease;
use super::values::{Bounds, Row};
use crate::insights::tally::SAVES;
use async_trait::async_trait;
use serde::Serialize;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;

static MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");

/// How many times the migrations are tried again after failing (see `migrate`).
const MIGRATE_TRIES: u64 = 4;

/// How long SQLite waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A SQLite file.
pub(super) struct SqliteBackend {
    pool: SqlitePool,
}

impl SqliteBackend {
    /// Opens `rest`, what follows `sqlite:` in the URL (`//relative/path`,
    /// `///absolute/path` or a bare path), creating the file and its folder.
    pub(super) async fn open(rest: &str) -> Result<SqliteBackend, StoreError> {
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        if !query.is_empty() && query != "mode=rwc" {
            tracing::warn!(parameters = query, "ignoring the parameters of the sqlite URL");
        }
        if path.is_empty() || path.starts_with(":memory:") {
            return Err(StoreError::Url("sqlite:// needs a file path (outcomes must survive a restart)".into()));
        }
        let path = Path::new(path);
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|source| StoreError::Io { path: folder.to_path_buf(), source })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        // No ping before each acquire: a SQLite connection is a file handle that cannot be
        // lost, and the ping is one more round trip to the connection's worker thread per
        // batch (measured: about a tenth of a commit under load).
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Ok(SqliteBackend { pool })
    }
}

/// The daily counts' filter (`$1`–`$4`, days as text).
macro_rules! count_filter {
    () => {
        " WHERE ($1 IS NULL OR flow_id = $1) AND ($2 IS NULL OR day >= $2) AND ($3 IS NULL OR day <= $3) \
        AND ($4 OR NOT test)"
    };
}

/// The comments' filter (`$1`–`$4`, instants; `$5`: the reason).
macro_rules! comment_filter {
    () => {
        " WHERE ($1 IS NULL OR flow_id = $1) AND ($2 IS NULL OR created_at >= $2) \
        AND ($3 IS NULL OR created_at < $3) AND ($4 OR NOT test) AND ($5 IS NULL OR reason_id = $5)"
    };
}

/// A keep-in-touch row with its comment, from `outcomes o` and `comments c`.
macro_rules! keep_in_touch_columns {
    () => {
        "SELECT o.seq, o.customer_id, o.subscription_id, o.flow_id, o.created_at, o.reason_id, c.text"
    };
}

/// The outcomes' filter on `o` (`$1`–`$4`, instants).
macro_rules! keep_in_touch_filter {
    () => {
        " WHERE o.keep_in_touch = 1 AND ($1 IS NULL OR o.flow_id = $1) AND ($2 IS NULL OR o.created_at >= $2) \
        AND ($3 IS NULL OR o.created_at < $3) AND ($4 OR NOT o.test)"
    };
}

#[async_trait]
impl Backend for SqliteBackend {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        // sqlx takes no lock on SQLite: two collectors starting at once on a new file both
        // find a migration to apply, and the second fails on what the first just did (each
        // migration is one transaction, so nothing is half done). Trying again finds it
        // applied.
        let mut tries = 0;
        loop {
            match MIGRATIONS.run(&self.pool).await {
                Ok(()) => return Ok(()),
                Err(e) if tries < MIGRATE_TRIES => {
                    tries += 1;
                    tracing::info!(error = %e, "another collector is migrating the database; trying again");
                    tokio::time::sleep(Duration::from_millis(250 * tries)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    async fn close(&self) {
        self.pool.close().await;
    }

    async fn try_forwarder_lease(&self, _database_url: &str) -> Result<Option<ForwarderLease>, StoreError> {
        Ok(Some(ForwarderLease::held_by(None)))
    }

    async fn begin_insert(&self) -> Result<Box<dyn Transaction>, StoreError> {
        // A plain (deferred) `BEGIN`: the batch's first statement is the insert, which
        // takes the write lock before reading anything (waiting out the busy timeout like
        // `BEGIN IMMEDIATE`, with no stale snapshot to fail on), and sqlx checks a custom
        // `BEGIN` with one more round trip to the connection's thread.
        Ok(Box::new(SqliteTx(self.pool.begin().await?)))
    }

    async fn begin_write(&self) -> Result<Box<dyn Transaction>, StoreError> {
        Ok(Box::new(SqliteTx(self.pool.begin_with("BEGIN IMMEDIATE").await?)))
    }

    async fn due_deliveries(&self, now: &str, limit: i64) -> Result<Vec<DueRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT o.id, o.body, d.attempts, d.first_attempt_at, o.received_at \
            FROM deliveries d JOIN outcomes o ON o.seq = d.outcome_seq \
            WHERE d.state = 'pending' AND d.next_attempt_at <= $1 ORDER BY d.outcome_seq LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn next_due_at(&self) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending'")
            .fetch_one(&self.pool)
            .await?)
    }

    async fn delivery_done(&self, outcome_id: &str, at: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, last_error = NULL, \
            first_attempt_at = COALESCE(first_attempt_at, $2), updated_at = $2 \
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
            "UPDATE deliveries SET attempts = $2, next_attempt_at = $3, last_error = $4, \
            first_attempt_at = COALESCE(first_attempt_at, $5), updated_at = $6 \
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
            "UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = $3, updated_at = $2 \
            WHERE outcome_id = $1 AND state = 'pending'",
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
            "SELECT metric, key, SUM(n) FROM insight_counts",
            count_filter!(),
            " GROUP BY metric, key"
        ));
        Ok(bind_bounds!(query, b, days).fetch_all(&self.pool).await?)
    }

    async fn results_by_day(&self, b: &Bounds) -> Result<Vec<Summed>, StoreError> {
        let query = sqlx::query_as(concat!(
            "SELECT day, key, SUM(n) FROM insight_counts",
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
            "SELECT created_at, flow_id, reason_id, result_type, text FROM comments",
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
        let query = sqlx::query_as(
            "SELECT seq, id, body, received_at, created_at FROM outcomes \
            WHERE seq > $5 AND ($1 IS NULL OR flow_id = $1) AND ($2 IS NULL OR created_at >= $2) \
            AND ($3 IS NULL OR created_at < $3) AND ($4 OR NOT test) ORDER BY seq LIMIT $6",
        );
        Ok(bind_bounds!(query, b, times).bind(after_seq).bind(limit).fetch_all(&self.pool).await?)
    }
}

/// A write transaction on SQLite.
struct SqliteTx(sqlx::Transaction<'static, sqlx::Sqlite>);

/// An outcome's bound values per row in [`insert_outcomes`].
const OUTCOME_PARAMS: usize = 13;

/// The most outcomes in one `INSERT` (13 bound values each: far below SQLite's 32,766).
/// Batches from the writer (`BATCH_LIMIT`) fit in two.
const INSERT_CHUNK: usize = 256;
const _: () = assert!(INSERT_CHUNK * OUTCOME_PARAMS <= 32_766);

/// The rows of one upsert of the daily counts (6 values each).
const COUNTS_CHUNK: usize = 1_000;

/// Inserts `rows` outcomes (13 values each, in the columns' order; each counted in the
/// insights by the same transaction), in order, skipping ids already stored; returns `id`
/// of each row inserted. One text per row count (`sqlx` prepares and caches each once per
/// connection).
fn insert_outcomes(rows: usize) -> String {
    const HEAD: &str = "INSERT INTO outcomes (id, body, canonical, customer_id, subscription_id, flow_id, plan_id, \
        test, result_type, reason_id, created_at, received_at, keep_in_touch, counted) VALUES ";
    // Anonymous `?`, bound in order: numbered or named parameters cost sqlx a look-up of
    // each one's name when binding (linear in SQLite: quadratic for the statement).
    const ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";
    const TAIL: &str = " ON CONFLICT (id) DO NOTHING RETURNING id";
    let mut sql = String::with_capacity(HEAD.len() + rows * (ROW.len() + 1) + TAIL.len());
    sql.push_str(HEAD);
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(ROW);
    }
    sql.push_str(TAIL);
    sql
}

/// Marks lost the saves in each window `[subscription, since, at]` (`$1`, a JSON array).
static MARK_LOST_BEFORE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE outcomes SET lost = 1 FROM (SELECT json_extract(value, '$[0]') AS sub, \
        json_extract(value, '$[1]') AS since, json_extract(value, '$[2]') AS at FROM json_each($1)) AS w \
        WHERE outcomes.subscription_id = w.sub AND outcomes.created_at >= w.since \
        AND outcomes.created_at < w.at AND outcomes.lost = 0 AND outcomes.result_type IN {} \
        AND outcomes.counted = 1 \
        RETURNING substr(outcomes.created_at, 1, 10), outcomes.flow_id, outcomes.test",
        sql_list(&SAVES)
    )
});

/// The JSON text of `v` (SQLite reads it with `json_each`).
fn json<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Stores `(outcome id, comment)` pairs of stored outcomes that gave a reason.
async fn insert_comments(conn: &mut SqliteConnection, comments: &[(&str, &str)]) -> Result<(), StoreError> {
    let pairs: Vec<[&str; 2]> = comments.iter().map(|&(id, text)| [id, text]).collect();
    sqlx::query(
        "INSERT INTO comments (outcome_seq, created_at, flow_id, test, reason_id, result_type, text) \
        SELECT o.seq, o.created_at, o.flow_id, o.test, o.reason_id, o.result_type, json_extract(j.value, '$[1]') \
        FROM json_each($1) j JOIN outcomes o ON o.id = json_extract(j.value, '$[0]') \
        WHERE o.reason_id IS NOT NULL ON CONFLICT (outcome_seq) DO NOTHING",
    )
    .bind(json(&pairs))
    .execute(conn)
    .await?;
    Ok(())
}

#[async_trait]
impl Transaction for SqliteTx {
    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.0.commit().await?;
        Ok(())
    }

    async fn insert_new(&mut self, rows: &[&Row<'_>], forward: bool) -> Result<Vec<String>, StoreError> {
        let conn = &mut *self.0;
        let mut stored = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(INSERT_CHUNK) {
            let text = insert_outcomes(chunk.len());
            let mut query = sqlx::query_scalar::<_, String>(&text);
            for row in chunk {
                query = query
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
                    .bind(row.item.keep_in_touch);
            }
            stored.extend(query.fetch_all(&mut *conn).await?);
        }
        if forward && !stored.is_empty() {
            sqlx::query(
                "INSERT INTO deliveries (outcome_seq, outcome_id, state, attempts, next_attempt_at, updated_at) \
                SELECT seq, id, 'pending', 0, received_at, received_at FROM outcomes \
                WHERE id IN (SELECT value FROM json_each($1)) ORDER BY seq",
            )
            .bind(json(&stored))
            .execute(&mut *conn)
            .await?;
        }
        // The comments of those inserted. (The insights' lock: SQLite's write lock, which
        // the insert took.)
        if rows.iter().any(|r| r.item.comment.is_some()) {
            let inserted: HashSet<&str> = stored.iter().map(String::as_str).collect();
            let comments: Vec<(&str, &str)> = rows
                .iter()
                .filter(|r| inserted.contains(r.id.as_ref()))
                .filter_map(|r| Some((r.id.as_ref(), r.item.comment.as_deref()?)))
                .collect();
            if !comments.is_empty() {
                insert_comments(conn, &comments).await?;
            }
        }
        Ok(stored)
    }

    async fn canonicals(&mut self, ids: &[&str]) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as("SELECT id, canonical FROM outcomes WHERE id IN (SELECT value FROM json_each($1))")
            .bind(json(ids))
            .fetch_all(&mut *self.0)
            .await?)
    }

    async fn lock_insights(&mut self) -> Result<(), StoreError> {
        // One writer at a time already: the transaction holds the file's write lock.
        Ok(())
    }

    async fn insert_comments(&mut self, comments: &[(&str, &str)]) -> Result<(), StoreError> {
        insert_comments(&mut self.0, comments).await
    }

    async fn mark_saves_lost(&mut self, saves: &[SaveWindow<'_>]) -> Result<Vec<LostSave>, StoreError> {
        let windows: Vec<[&str; 2]> = saves.iter().map(|s| [s.id, s.until.as_str()]).collect();
        Ok(sqlx::query_as(
            "UPDATE outcomes SET lost = 1 FROM (SELECT json_extract(value, '$[0]') AS id, \
            json_extract(value, '$[1]') AS until FROM json_each($1)) AS w \
            WHERE outcomes.id = w.id AND outcomes.lost = 0 AND (\
            EXISTS (SELECT 1 FROM outcomes c WHERE c.result_type = 'cancelled' \
                AND c.subscription_id = outcomes.subscription_id \
                AND c.created_at > outcomes.created_at AND c.created_at <= w.until) \
            OR EXISTS (SELECT 1 FROM reported_cancellations r WHERE r.subscription_id = outcomes.subscription_id \
                AND r.at > outcomes.created_at AND r.at <= w.until)) \
            RETURNING substr(outcomes.created_at, 1, 10), outcomes.flow_id, outcomes.test",
        )
        .bind(json(&windows))
        .fetch_all(&mut *self.0)
        .await?)
    }

    async fn mark_lost_before(&mut self, cancellations: &[Cancellation<'_>]) -> Result<Vec<LostSave>, StoreError> {
        let windows: Vec<[&str; 3]> =
            cancellations.iter().map(|c| [c.subscription_id, c.since.as_str(), c.at.as_str()]).collect();
        Ok(sqlx::query_as(MARK_LOST_BEFORE.as_str()).bind(json(&windows)).fetch_all(&mut *self.0).await?)
    }

    async fn add_counts(&mut self, deltas: &Deltas) -> Result<(), StoreError> {
        let changes = deltas.changes();
        for chunk in changes.chunks(COUNTS_CHUNK) {
            let mut text = String::from("INSERT INTO insight_counts (day, flow_id, test, metric, key, n) VALUES ");
            for i in 0..chunk.len() {
                text.push_str(if i == 0 { "(?, ?, ?, ?, ?, ?)" } else { ", (?, ?, ?, ?, ?, ?)" });
            }
            text.push_str(" ON CONFLICT (day, flow_id, test, metric, key) DO UPDATE SET n = n + excluded.n");
            let mut query = sqlx::query(&text);
            for c in chunk {
                query = query.bind(c.day).bind(c.flow_id).bind(c.test).bind(c.metric).bind(c.key).bind(c.n);
            }
            query.execute(&mut *self.0).await?;
        }
        if changes.iter().any(|c| c.n < 0) {
            sqlx::query("DELETE FROM insight_counts WHERE n <= 0").execute(&mut *self.0).await?;
        }
        Ok(())
    }

    async fn uncounted(&mut self, limit: i64) -> Result<Vec<UncountedRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT seq, body, created_at, received_at FROM outcomes WHERE counted = 0 ORDER BY seq LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&mut *self.0)
        .await?)
    }

    async fn mark_counted(&mut self, seqs: &[i64], keep_in_touch: &[i64]) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outcomes SET counted = 1, keep_in_touch = (seq IN (SELECT value FROM json_each($2))) \
            WHERE seq IN (SELECT value FROM json_each($1))",
        )
        .bind(json(seqs))
        .bind(json(keep_in_touch))
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn customer_outcomes(&mut self, customer_id: &str) -> Result<Vec<CustomerRow>, StoreError> {
        Ok(sqlx::query_as("SELECT body, created_at, flow_id, test, counted, lost FROM outcomes WHERE customer_id = $1")
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
            WHERE c.created_at < $1 ORDER BY c.outcome_seq LIMIT $2",
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
            "$3",
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
            "INSERT INTO reported_cancellations (subscription_id, at, received_at) VALUES ($1, $2, $3) \
            ON CONFLICT (subscription_id, at) DO NOTHING",
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
