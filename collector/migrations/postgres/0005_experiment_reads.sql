-- Experiments read at scale (COLLECTOR.md section 8).
--
-- `cancelled_at`: each assignment's first cancellation at or after it (a `cancelled`
-- outcome of its subscription, else of its customer; a reported or Stripe cancellation of
-- its subscription), kept by the collector as cancellations arrive, so that counting an
-- experiment reads its assignments only: retained = window closed and no cancellation
-- before the window's end.
ALTER TABLE assignments ADD COLUMN cancelled_at TIMESTAMPTZ;
UPDATE assignments a SET cancelled_at = (
    SELECT min(at) FROM (
        SELECT o.created_at AS at FROM outcomes o
        WHERE o.result_type = 'cancelled' AND o.subscription_id = a.subscription_id
            AND o.created_at >= a.assigned_at
        UNION ALL
        SELECT o.created_at FROM outcomes o
        WHERE a.subscription_id IS NULL AND o.result_type = 'cancelled'
            AND o.customer_id = a.customer_id AND o.created_at >= a.assigned_at
        UNION ALL
        SELECT r.at FROM reported_cancellations r
        WHERE r.subscription_id = a.subscription_id AND r.at >= a.assigned_at
    ) c
);

-- An experiment's counts from this index alone, in the order of the grouping (a scan of
-- 1,000,000 assignments without a sort); its first assignment in one step.
CREATE INDEX assignments_counts ON assignments (experiment_id, grp, window_end, cancelled_at);
CREATE INDEX assignments_started ON assignments (experiment_id, assigned_at);

-- The assignments a cancellation reaches: by subscription, or by customer without one.
CREATE INDEX assignments_subscription ON assignments (subscription_id, assigned_at) WHERE subscription_id IS NOT NULL;
CREATE INDEX assignments_customer ON assignments (customer_id, assigned_at) WHERE subscription_id IS NULL;

-- The secondary figures: the insights' counts gain `experiment_result` (key
-- `[experiment id, group, result type]`, see collector/src/insights/tally.rs), counted with
-- each outcome from now on; here for the outcomes counted before. (The ids are plain
-- `[a-z0-9_-]`: the key's text is written as the collector writes it.)
INSERT INTO insight_counts (day, flow_id, test, metric, key, n)
SELECT (o.created_at AT TIME ZONE 'UTC')::date, o.flow_id, o.test, 'experiment_result',
    '["' || e.id || '","' || e.grp || '","' || o.result_type || '"]', count(*)
FROM outcomes o
CROSS JOIN LATERAL (SELECT o.body::jsonb #>> '{served,experiment,id}' AS id,
    o.body::jsonb #>> '{served,experiment,variant}' AS grp) e
WHERE o.counted AND position('"served"' IN o.body) > 0 AND e.id IS NOT NULL AND e.grp IS NOT NULL
GROUP BY 1, 2, 3, 5
ON CONFLICT (day, flow_id, test, metric, key) DO UPDATE SET n = insight_counts.n + excluded.n;
