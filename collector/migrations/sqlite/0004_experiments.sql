-- Experiments measured (COLLECTOR.md section 8) and Stripe's events (section 9).
-- `window_end`: 30 days after the assignment, when the customer's window closes (written
-- by the collector with each assignment; older rows computed here, keeping the
-- microseconds of the fixed UTC text).
ALTER TABLE assignments ADD COLUMN window_end TEXT;
UPDATE assignments SET window_end = strftime('%Y-%m-%dT%H:%M:%S', assigned_at, '+30 days') || substr(assigned_at, 20);

-- A customer's cancellations, for an assignment without a subscription id.
CREATE INDEX outcomes_customer_cancellations ON outcomes (customer_id, created_at) WHERE result_type = 'cancelled';

-- Stripe's events counted, by id: the same event twice counts once.
CREATE TABLE stripe_events (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    received_at TEXT NOT NULL
) WITHOUT ROWID;
