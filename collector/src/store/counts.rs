//! Keeping the insights' counts in the same transaction as the outcomes they count: each
//! stored outcome adds its tally (see `insights::tally`) to its day's row, its comment to
//! the comments table, and a save whose subscription is cancelled within 30 days after
//! (by a later `cancelled` outcome or a reported cancellation, whichever arrives first)
//! is marked lost once and counted in `saves_lost`. Erasing a customer takes their counts
//! back out. On PostgreSQL one transaction at a time does this (an advisory lock held to
//! its commit), so a save and its cancellation stored by two collectors at once still
//! meet.

use super::outcomes::Row;
use super::StoreError;
use crate::insights::tally::{Metric, Tally, SAVES};
use sqlx::{Postgres, Sqlite};
use std::collections::BTreeMap;

/// The advisory lock key of the insights' writers ("cf-ins" in ASCII).
const INSIGHTS_LOCK: i64 = 0x0000_6366_2d69_6e73;

/// Changes to the counts: `(day, flow, test, metric, key)` → how much to add.
#[derive(Debug, Default)]
pub(super) struct Deltas(BTreeMap<(String, String, bool, &'static str, String), i64>);

impl Deltas {
    pub fn add(&mut self, day: &str, flow_id: &str, test: bool, metric: Metric, key: &str, n: i64) {
        *self.0.entry((day.to_string(), flow_id.to_string(), test, metric.as_str(), key.to_string())).or_default() += n;
    }

    /// Every count of `row`'s tally, `n` times.
    pub fn add_row(&mut self, row: &Row<'_>, n: i64) {
        self.add_tally(day_of(&row.created_at), &row.flow_id, row.item.test, &row.item.tally, n);
    }

    /// Every count of `tally`, `n` times.
    pub fn add_tally(&mut self, day: &str, flow_id: &str, test: bool, tally: &Tally, n: i64) {
        for (metric, key) in &tally.counts {
            self.add(day, flow_id, test, *metric, key, n);
        }
    }
}

/// The UTC date of a stored timestamp text (`2026-11-25T…`).
pub(super) fn day_of(ts: &str) -> &str {
    ts.get(..10).unwrap_or(ts)
}

/// Counts what `rows` (just inserted, or just marked counted when `backfill`) add: their
/// tallies, their comments, and any save now lost.
pub(super) async fn record<DB: CountOps>(conn: &mut DB::Connection, rows: &[&Row<'_>]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    DB::lock(conn).await?;
    let mut deltas = Deltas::default();
    for row in rows {
        deltas.add_row(row, 1);
    }
    let comments: Vec<(&str, &str)> =
        rows.iter().filter_map(|r| Some((r.id.as_ref(), r.item.comment.as_deref()?))).collect();
    if !comments.is_empty() {
        DB::insert_comments(conn, &comments).await?;
    }
    let mut subscriptions: Vec<&str> = rows
        .iter()
        .filter(|r| r.result_type == "cancelled" || SAVES.contains(&r.result_type.as_ref()))
        .filter_map(|r| r.subscription_id.as_deref())
        .collect();
    subscriptions.sort_unstable();
    subscriptions.dedup();
    mark_lost::<DB>(conn, &subscriptions, &mut deltas).await?;
    DB::add_counts(conn, &deltas).await
}

/// Marks lost every counted save of `subscriptions` cancelled within 30 days after, and
/// counts each in `deltas`.
pub(super) async fn mark_lost<DB: CountOps>(
    conn: &mut DB::Connection,
    subscriptions: &[&str],
    deltas: &mut Deltas,
) -> Result<(), StoreError> {
    if subscriptions.is_empty() {
        return Ok(());
    }
    for (day, flow_id, test) in DB::mark_lost(conn, subscriptions).await? {
        deltas.add(&day, &flow_id, test, Metric::SavesLost, "", 1);
    }
    Ok(())
}

/// A connection whose backend keeps counts: lets code written once per connection type
/// (inside `on_pool!`) reach [`CountOps`].
pub(super) trait Conn: Sized + Send {
    /// The backend.
    type Db: CountOps<Connection = Self>;
}

impl Conn for sqlx::SqliteConnection {
    type Db = Sqlite;
}

impl Conn for sqlx::PgConnection {
    type Db = Postgres;
}

/// [`CountOps::lock`] on a connection of either backend.
pub(super) async fn lock<C: Conn>(conn: &mut C) -> Result<(), StoreError> {
    <C::Db as CountOps>::lock(conn).await
}

/// [`CountOps::add_counts`] on a connection of either backend.
pub(super) async fn add_counts<C: Conn>(conn: &mut C, deltas: &Deltas) -> Result<(), StoreError> {
    <C::Db as CountOps>::add_counts(conn, deltas).await
}

/// Each backend's statements for the counts.
pub(super) trait CountOps: sqlx::Database {
    /// Serialises the insights' writers (PostgreSQL; SQLite has one writer already).
    async fn lock(conn: &mut Self::Connection) -> Result<(), StoreError>;
    /// Adds `deltas` to the counts.
    async fn add_counts(conn: &mut Self::Connection, deltas: &Deltas) -> Result<(), StoreError>;
    /// Stores `(outcome id, comment)` pairs of stored outcomes.
    async fn insert_comments(conn: &mut Self::Connection, comments: &[(&str, &str)]) -> Result<(), StoreError>;
    /// Marks lost the counted saves of `subscriptions` cancelled within 30 days after;
    /// returns `(day, flow, test)` of each.
    async fn mark_lost(
        conn: &mut Self::Connection,
        subscriptions: &[&str],
    ) -> Result<Vec<(String, String, bool)>, StoreError>;
}

/// The rows of one SQLite upsert (6 values each).
const SQLITE_COUNTS_CHUNK: usize = 1_000;

/// Saves, as an SQL list.
macro_rules! saves {
    () => {
        "('paused', 'downgraded', 'frequency_reduced', 'discount_accepted')"
    };
}

impl CountOps for Sqlite {
    async fn lock(_conn: &mut Self::Connection) -> Result<(), StoreError> {
        Ok(())
    }

    async fn add_counts(conn: &mut Self::Connection, deltas: &Deltas) -> Result<(), StoreError> {
        let items: Vec<_> = deltas.0.iter().filter(|(_, &n)| n != 0).collect();
        for chunk in items.chunks(SQLITE_COUNTS_CHUNK) {
            let mut text = String::from("INSERT INTO insight_counts (day, flow_id, test, metric, key, n) VALUES ");
            for i in 0..chunk.len() {
                text.push_str(if i == 0 { "(?, ?, ?, ?, ?, ?)" } else { ", (?, ?, ?, ?, ?, ?)" });
            }
            text.push_str(" ON CONFLICT (day, flow_id, test, metric, key) DO UPDATE SET n = n + excluded.n");
            let mut query = sqlx::query(&text);
            for ((day, flow_id, test, metric, key), n) in chunk {
                query = query.bind(day.as_str()).bind(flow_id.as_str()).bind(*test).bind(*metric).bind(key).bind(*n);
            }
            query.execute(&mut *conn).await?;
        }
        if items.iter().any(|(_, &n)| n < 0) {
            sqlx::query("DELETE FROM insight_counts WHERE n <= 0").execute(&mut *conn).await?;
        }
        Ok(())
    }

    async fn insert_comments(conn: &mut Self::Connection, comments: &[(&str, &str)]) -> Result<(), StoreError> {
        let pairs: Vec<[&str; 2]> = comments.iter().map(|&(id, text)| [id, text]).collect();
        sqlx::query(
            "INSERT INTO comments (outcome_seq, created_at, flow_id, test, reason_id, result_type, text) \
            SELECT o.seq, o.created_at, o.flow_id, o.test, o.reason_id, o.result_type, json_extract(j.value, '$[1]') \
            FROM json_each($1) j JOIN outcomes o ON o.id = json_extract(j.value, '$[0]') \
            WHERE o.reason_id IS NOT NULL ON CONFLICT (outcome_seq) DO NOTHING",
        )
        .bind(serde_json::to_string(&pairs).unwrap_or_default())
        .execute(conn)
        .await?;
        Ok(())
    }

    async fn mark_lost(
        conn: &mut Self::Connection,
        subscriptions: &[&str],
    ) -> Result<Vec<(String, String, bool)>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "UPDATE outcomes SET lost = 1 WHERE subscription_id IN (SELECT value FROM json_each($1)) \
            AND result_type IN ",
            saves!(),
            " AND lost = 0 AND counted = 1 AND (\
            EXISTS (SELECT 1 FROM outcomes c WHERE c.subscription_id = outcomes.subscription_id \
                AND c.result_type = 'cancelled' AND c.created_at > outcomes.created_at \
                AND julianday(c.created_at) <= julianday(outcomes.created_at) + 30) \
            OR EXISTS (SELECT 1 FROM reported_cancellations r WHERE r.subscription_id = outcomes.subscription_id \
                AND r.at > outcomes.created_at AND julianday(r.at) <= julianday(outcomes.created_at) + 30)) \
            RETURNING substr(created_at, 1, 10), flow_id, test"
        ))
        .bind(serde_json::to_string(subscriptions).unwrap_or_default())
        .fetch_all(conn)
        .await?)
    }
}

impl CountOps for Postgres {
    async fn lock(conn: &mut Self::Connection) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(INSIGHTS_LOCK).execute(conn).await?;
        Ok(())
    }

    async fn add_counts(conn: &mut Self::Connection, deltas: &Deltas) -> Result<(), StoreError> {
        let items: Vec<_> = deltas.0.iter().filter(|(_, &n)| n != 0).collect();
        if items.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO insight_counts (day, flow_id, test, metric, key, n) \
            SELECT * FROM unnest($1::date[], $2::text[], $3::boolean[], $4::text[], $5::text[], $6::bigint[]) \
            ON CONFLICT (day, flow_id, test, metric, key) DO UPDATE SET n = insight_counts.n + excluded.n",
        )
        .bind(items.iter().map(|(k, _)| k.0.as_str()).collect::<Vec<_>>())
        .bind(items.iter().map(|(k, _)| k.1.as_str()).collect::<Vec<_>>())
        .bind(items.iter().map(|(k, _)| k.2).collect::<Vec<_>>())
        .bind(items.iter().map(|(k, _)| k.3).collect::<Vec<_>>())
        .bind(items.iter().map(|(k, _)| k.4.as_str()).collect::<Vec<_>>())
        .bind(items.iter().map(|(_, &n)| n).collect::<Vec<_>>())
        .execute(&mut *conn)
        .await?;
        if items.iter().any(|(_, &n)| n < 0) {
            sqlx::query("DELETE FROM insight_counts WHERE n <= 0").execute(&mut *conn).await?;
        }
        Ok(())
    }

    async fn insert_comments(conn: &mut Self::Connection, comments: &[(&str, &str)]) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO comments (outcome_seq, created_at, flow_id, test, reason_id, result_type, text) \
            SELECT o.seq, o.created_at, o.flow_id, o.test, o.reason_id, o.result_type, i.text \
            FROM unnest($1::text[], $2::text[]) AS i(id, text) JOIN outcomes o ON o.id = i.id \
            WHERE o.reason_id IS NOT NULL ON CONFLICT (outcome_seq) DO NOTHING",
        )
        .bind(comments.iter().map(|c| c.0).collect::<Vec<_>>())
        .bind(comments.iter().map(|c| c.1.replace('\0', "\u{fffd}")).collect::<Vec<_>>())
        .execute(conn)
        .await?;
        Ok(())
    }

    async fn mark_lost(
        conn: &mut Self::Connection,
        subscriptions: &[&str],
    ) -> Result<Vec<(String, String, bool)>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "UPDATE outcomes s SET lost = TRUE WHERE s.subscription_id = ANY($1) AND s.result_type IN ",
            saves!(),
            " AND NOT s.lost AND s.counted AND (\
            EXISTS (SELECT 1 FROM outcomes c WHERE c.subscription_id = s.subscription_id \
                AND c.result_type = 'cancelled' AND c.created_at > s.created_at \
                AND c.created_at <= s.created_at + interval '30 days') \
            OR EXISTS (SELECT 1 FROM reported_cancellations r WHERE r.subscription_id = s.subscription_id \
                AND r.at > s.created_at AND r.at <= s.created_at + interval '30 days')) \
            RETURNING to_char((s.created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD'), s.flow_id, s.test"
        ))
        .bind(subscriptions)
        .fetch_all(conn)
        .await?)
    }
}
