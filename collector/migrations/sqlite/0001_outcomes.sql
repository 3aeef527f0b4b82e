-- Outcomes, append-only: `seq` is the stored order (AUTOINCREMENT: never reused, even
-- after an erasure), `body` the outcome exactly as received, `canonical` its JSON values
-- with sorted keys (what tells a duplicate from a conflict). Timestamps are UTC text in
-- one fixed form, 2026-11-25T09:30:00.123456Z, so comparing texts orders instants.
CREATE TABLE outcomes (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    body            TEXT    NOT NULL,
    canonical       TEXT    NOT NULL,
    customer_id     TEXT    NOT NULL,
    subscription_id TEXT,
    flow_id         TEXT    NOT NULL,
    plan_id         TEXT    NOT NULL,
    test            INTEGER NOT NULL CHECK (test IN (0, 1)),
    result_type     TEXT    NOT NULL,
    reason_id       TEXT,
    created_at      TEXT    NOT NULL,
    received_at     TEXT    NOT NULL
);

CREATE INDEX outcomes_customer ON outcomes (customer_id);
CREATE INDEX outcomes_subscription ON outcomes (subscription_id);
CREATE INDEX outcomes_flow_created ON outcomes (flow_id, created_at);
CREATE INDEX outcomes_created ON outcomes (created_at);

-- Webhook deliveries: one per forwarded outcome, pending until delivered or failed.
CREATE TABLE deliveries (
    outcome_seq      INTEGER PRIMARY KEY REFERENCES outcomes (seq) ON DELETE CASCADE,
    outcome_id       TEXT    NOT NULL UNIQUE,
    state            TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT    NOT NULL,
    first_attempt_at TEXT,
    last_error       TEXT,
    updated_at       TEXT    NOT NULL
);

CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
