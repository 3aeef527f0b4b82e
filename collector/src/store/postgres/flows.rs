//! PostgreSQL's statements for the served flows (COLLECTOR.md sections 7 and 8): flow
//! versions, experiments, assignments, and a customer's history facts.

use super::{PgBackend, PgTx};
use crate::store::backend::{FlowListRow, FlowReads, FlowRow, FlowWrites, HistoryCounts};
use crate::store::deltas::AssignmentEnd;
use crate::store::error::StoreError;
use crate::store::values::AssignmentRow;
use async_trait::async_trait;

/// The advisory lock's first key for a flow's writers (the second: the flow id's hash).
const FLOWS_LOCK: i32 = 0x6366_666c; // "cffl"

/// The advisory lock of the experiments' assignments, held from before a transaction
/// records assignments or ends them with cancellations to its commit. Without it, a
/// cancellation committed by one collector while another records that customer's first
/// assignment reaches neither: the insert reads the cancellations committed before it, and
/// the cancellation's update finds no committed assignment. Taken after the insights' lock
/// where a transaction holds both (the same order everywhere: no deadlock).
const ASSIGNMENTS_LOCK: i64 = 0x0000_6366_2d61_7367; // "cf-asg"

/// Takes [`ASSIGNMENTS_LOCK`] (held to the commit; taking it again is free).
async fn lock_assignments(conn: &mut sqlx::PgConnection) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(ASSIGNMENTS_LOCK).execute(conn).await?;
    Ok(())
}

/// Keeps on each assignment the cancellations (`$1`–`$3`: arrays of subscription?,
/// customer?, at) reach its first cancellation at or after it: those of its subscription,
/// or of its customer when it has none, each assignment found by index.
const END_ASSIGNMENTS: &str = "WITH c AS (SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) \
        AS c(sub, cus, at)), \
    first AS (SELECT experiment_id, customer_id, min(at) AS at FROM ( \
        SELECT a.experiment_id, a.customer_id, c.at FROM c JOIN assignments a \
            ON a.subscription_id = c.sub AND a.assigned_at <= c.at \
        UNION ALL SELECT a.experiment_id, a.customer_id, c.at FROM c JOIN assignments a \
            ON a.subscription_id IS NULL AND a.customer_id = c.cus AND a.assigned_at <= c.at) m \
        GROUP BY experiment_id, customer_id) \
    UPDATE assignments a SET cancelled_at = first.at FROM first \
    WHERE a.experiment_id = first.experiment_id AND a.customer_id = first.customer_id \
        AND (a.cancelled_at IS NULL OR a.cancelled_at > first.at)";

#[async_trait]
impl FlowReads for PgBackend {
    async fn latest_flow(&self, flow_id: &str) -> Result<Option<FlowRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT version::bigint, document, ",
            utc_text!("created_at"),
            " FROM flow_versions WHERE flow_id = $1 ORDER BY version DESC LIMIT 1"
        ))
        .bind(flow_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn flow_version(&self, flow_id: &str, version: i64) -> Result<Option<FlowRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT version::bigint, document, ",
            utc_text!("created_at"),
            " FROM flow_versions WHERE flow_id = $1 AND version = $2"
        ))
        .bind(flow_id)
        .bind(version as i32)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn latest_flow_version(&self, flow_id: &str) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT max(version)::bigint FROM flow_versions WHERE flow_id = $1")
            .bind(flow_id)
            .fetch_one(&self.pool)
            .await?)
    }

    async fn flows(&self) -> Result<Vec<FlowListRow>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT f.flow_id, f.version::bigint, ",
            utc_text!("f.created_at"),
            ", f.experiment_id FROM flow_versions f \
            WHERE f.version = (SELECT max(g.version) FROM flow_versions g WHERE g.flow_id = f.flow_id) \
            ORDER BY f.flow_id"
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn flow_versions(&self, flow_id: &str) -> Result<Vec<(i64, String, Option<String>)>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT version::bigint, ",
            utc_text!("created_at"),
            ", experiment_id FROM flow_versions WHERE flow_id = $1 ORDER BY version DESC"
        ))
        .bind(flow_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn customer_history(&self, customer_id: &str, include_test: bool) -> Result<HistoryCounts, StoreError> {
        // One pass over the customer's range of the index (customer_id, result_type,
        // created_at, test), and one range of their pauses. (Plain `max(created_at)` lets
        // the planner walk the whole `outcomes_created` index backwards instead.)
        Ok(sqlx::query_as(concat!(
            "WITH h AS (SELECT \
                count(*) FILTER (WHERE result_type <> 'abandoned') AS sessions, \
                max(created_at) FILTER (WHERE result_type <> 'abandoned') AS last_session, \
                max(created_at) FILTER (WHERE result_type = 'discount_accepted') AS last_discount, \
                max(created_at) FILTER (WHERE result_type NOT IN ('paused', 'abandoned')) AS last_other \
                FROM outcomes WHERE customer_id = $1 AND ($2 OR NOT test)) \
            SELECT h.sessions, ",
            utc_text!("h.last_session"),
            ", ",
            utc_text!("h.last_discount"),
            ", (SELECT count(*) FROM outcomes WHERE customer_id = $1 AND result_type = 'paused' \
                AND ($2 OR NOT test) AND created_at > coalesce(h.last_other, '-infinity'::timestamptz)) \
            FROM h"
        ))
        .bind(customer_id)
        .bind(include_test)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn assignment(&self, experiment_id: &str, customer_id: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT grp FROM assignments WHERE experiment_id = $1 AND customer_id = $2")
            .bind(experiment_id)
            .bind(customer_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn experiments(&self) -> Result<Vec<(String, String, Option<String>)>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT e.id, e.flow_id, ",
            utc_text!("(SELECT min(a.assigned_at) FROM assignments a WHERE a.experiment_id = e.id)"),
            " FROM experiments e ORDER BY e.id"
        ))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn experiment_design(
        &self,
        experiment_id: &str,
    ) -> Result<Option<(String, String, Option<String>)>, StoreError> {
        Ok(sqlx::query_as(concat!(
            "SELECT e.flow_id, f.document, ",
            utc_text!("(SELECT min(a.assigned_at) FROM assignments a WHERE a.experiment_id = e.id)"),
            " FROM experiments e JOIN flow_versions f ON f.flow_id = e.flow_id AND f.version = e.flow_version \
            WHERE e.id = $1"
        ))
        .bind(experiment_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn experiment_counts(
        &self,
        experiment_id: &str,
        now: &str,
    ) -> Result<Vec<(String, i64, i64, i64)>, StoreError> {
        // The experiment's assignments only. `now` is read once, as a sub-select: a text
        // cast to timestamptz is not folded into a constant (it depends on the session's
        // time zone), so written in the filters it was parsed twice per row: 370 ms
        // instead of 120 ms over 1,000,000 assignments.
        Ok(sqlx::query_as(
            "SELECT grp, count(*), \
                count(*) FILTER (WHERE window_end <= (SELECT $2::timestamptz)), \
                count(*) FILTER (WHERE window_end <= (SELECT $2::timestamptz) \
                    AND (cancelled_at IS NULL OR cancelled_at >= window_end)) \
            FROM assignments WHERE experiment_id = $1 GROUP BY grp ORDER BY grp",
        )
        .bind(experiment_id)
        .bind(now)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn experiment_outcomes(&self, key_prefix: &str) -> Result<Vec<(String, i64)>, StoreError> {
        // From the insights' counts (a few rows per day, group and result), by index.
        Ok(sqlx::query_as(
            "SELECT key, sum(n)::bigint FROM insight_counts \
            WHERE metric = 'experiment_result' AND starts_with(key, $1) AND NOT test \
            GROUP BY key ORDER BY key",
        )
        .bind(key_prefix)
        .fetch_all(&self.pool)
        .await?)
    }
}

#[async_trait]
impl FlowWrites for PgTx {
    async fn lock_flow(&mut self, flow_id: &str) -> Result<(), StoreError> {
        // Two collectors writing one flow at once number their versions one after the other.
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(FLOWS_LOCK)
            .bind(flow_id)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn latest_flow_canonical(&mut self, flow_id: &str) -> Result<Option<(i64, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT version::bigint, canonical FROM flow_versions WHERE flow_id = $1 ORDER BY version DESC LIMIT 1",
        )
        .bind(flow_id)
        .fetch_optional(&mut *self.0)
        .await?)
    }

    async fn experiment(&mut self, experiment_id: &str) -> Result<Option<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT e.flow_id, f.document FROM experiments e \
            JOIN flow_versions f ON f.flow_id = e.flow_id AND f.version = e.flow_version WHERE e.id = $1",
        )
        .bind(experiment_id)
        .fetch_optional(&mut *self.0)
        .await?)
    }

    async fn insert_flow_version(
        &mut self,
        flow_id: &str,
        version: i64,
        document: &str,
        canonical: &str,
        experiment_id: Option<&str>,
        created_at: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO flow_versions (flow_id, version, document, canonical, experiment_id, created_at) \
            VALUES ($1, $2, $3, $4, $5, $6::timestamptz)",
        )
        .bind(flow_id)
        .bind(version as i32)
        .bind(document)
        .bind(canonical)
        .bind(experiment_id)
        .bind(created_at)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }

    async fn insert_assignments(&mut self, rows: &[AssignmentRow<'_>]) -> Result<u64, StoreError> {
        lock_assignments(&mut self.0).await?;
        fn column<'r, T>(rows: &'r [AssignmentRow<'_>], f: impl Fn(&'r AssignmentRow<'_>) -> T) -> Vec<T> {
            rows.iter().map(f).collect()
        }
        let done = sqlx::query(
            "INSERT INTO assignments (experiment_id, customer_id, subscription_id, grp, assigned_at, window_end, \
                cancelled_at) \
            SELECT n.e, n.c, n.s, n.g, n.at, n.we, (SELECT min(x.at) FROM ( \
                SELECT o.created_at AS at FROM outcomes o WHERE o.result_type = 'cancelled' \
                    AND o.subscription_id = n.s AND o.created_at >= n.at \
                UNION ALL SELECT o.created_at FROM outcomes o WHERE n.s IS NULL AND o.result_type = 'cancelled' \
                    AND o.customer_id = n.c AND o.created_at >= n.at \
                UNION ALL SELECT r.at FROM reported_cancellations r WHERE r.subscription_id = n.s AND r.at >= n.at) x) \
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[]) \
                AS n(e, c, s, g, at, we) \
            ON CONFLICT (experiment_id, customer_id) DO NOTHING",
        )
        .bind(column(rows, |r| r.experiment_id))
        .bind(column(rows, |r| r.customer_id.as_ref()))
        .bind(column(rows, |r| r.subscription_id.as_deref()))
        .bind(column(rows, |r| r.group))
        .bind(column(rows, |r| r.at.as_str()))
        .bind(column(rows, |r| r.window_end.as_str()))
        .execute(&mut *self.0)
        .await?;
        Ok(done.rows_affected())
    }

    async fn assignment_groups(&mut self, keys: &[(&str, &str)]) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT a.experiment_id, a.customer_id, a.grp FROM unnest($1::text[], $2::text[]) AS k(e, c) \
            JOIN assignments a ON a.experiment_id = k.e AND a.customer_id = k.c",
        )
        .bind(keys.iter().map(|k| k.0).collect::<Vec<_>>())
        .bind(keys.iter().map(|k| k.1).collect::<Vec<_>>())
        .fetch_all(&mut *self.0)
        .await?)
    }

    async fn end_assignments(&mut self, ends: &[AssignmentEnd<'_>]) -> Result<(), StoreError> {
        lock_assignments(&mut self.0).await?;
        sqlx::query(END_ASSIGNMENTS)
            // Planned for each batch's own values, like the other batch statements.
            .persistent(false)
            .bind(ends.iter().map(|e| e.subscription_id).collect::<Vec<_>>())
            .bind(ends.iter().map(|e| e.customer_id).collect::<Vec<_>>())
            .bind(ends.iter().map(|e| e.at.as_str()).collect::<Vec<_>>())
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn insert_experiment(
        &mut self,
        experiment_id: &str,
        flow_id: &str,
        version: i64,
        created_at: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO experiments (id, flow_id, flow_version, created_at) VALUES ($1, $2, $3, $4::timestamptz) \
            ON CONFLICT (id) DO NOTHING",
        )
        .bind(experiment_id)
        .bind(flow_id)
        .bind(version as i32)
        .bind(created_at)
        .execute(&mut *self.0)
        .await?;
        Ok(())
    }
}
