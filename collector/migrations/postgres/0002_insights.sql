-- Insights (COLLECTOR.md section 6): counts kept in the same transaction as each outcome,
-- so /v1/insights sums a few thousand rows instead of reading every outcome.
--
-- `counted`: the outcome's counts are in insight_counts (outcomes stored before this
-- migration are counted once at start). `lost`: a save whose subscription was cancelled
-- within 30 days after. `keep_in_touch`: cancelled with the opt-in ticked.
ALTER TABLE outcomes ADD COLUMN counted BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE outcomes ADD COLUMN lost BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE outcomes ADD COLUMN keep_in_touch BOOLEAN NOT NULL DEFAULT FALSE;

CREATE INDEX outcomes_uncounted ON outcomes (seq) WHERE NOT counted;
CREATE INDEX outcomes_keep_in_touch ON outcomes (seq) WHERE keep_in_touch;
DROP INDEX outcomes_subscription;
-- Saves lost within 30 days: a new save looks for a later cancellation of its
-- subscription; a new cancellation looks for the saves not yet lost in the 30 days before
-- it. Each is one range of one subscription, however long its history.
CREATE INDEX outcomes_cancellations ON outcomes (subscription_id, created_at) WHERE result_type = 'cancelled';
CREATE INDEX outcomes_unlost_saves ON outcomes (subscription_id, created_at)
    WHERE NOT lost AND result_type IN ('paused', 'downgraded', 'frequency_reduced', 'discount_accepted');

-- Per UTC day of created_at, flow and test flag: how many outcomes counted each
-- (metric, key) (see collector/src/insights/tally.rs).
CREATE TABLE insight_counts (
    day     DATE    NOT NULL,
    flow_id TEXT    NOT NULL,
    test    BOOLEAN NOT NULL,
    metric  TEXT    NOT NULL,
    key     TEXT    NOT NULL,
    n       BIGINT  NOT NULL,
    PRIMARY KEY (day, flow_id, test, metric, key)
);

-- The survey's comments, for the page (newest first); erased after the retention period
-- (the counts stay).
CREATE TABLE comments (
    outcome_seq BIGINT      PRIMARY KEY REFERENCES outcomes (seq) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    flow_id     TEXT        NOT NULL,
    test        BOOLEAN     NOT NULL,
    reason_id   TEXT        NOT NULL,
    result_type TEXT        NOT NULL,
    text        TEXT        NOT NULL
);

CREATE INDEX comments_created ON comments (created_at, outcome_seq);

-- Cancellations reported by the shop's backend (POST /v1/subscriptions/<id>/cancelled).
CREATE TABLE reported_cancellations (
    subscription_id TEXT        NOT NULL,
    at              TIMESTAMPTZ NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subscription_id, at)
);
