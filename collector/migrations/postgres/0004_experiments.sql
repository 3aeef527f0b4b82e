-- Experiments measured (COLLECTOR.md section 8) and Stripe's events (section 9).
-- `window_end`: 30 days after the assignment, when the customer's window closes (written
-- by the collector with each assignment; older rows computed here).
ALTER TABLE assignments ADD COLUMN window_end TIMESTAMPTZ;
UPDATE assignments SET window_end = assigned_at + interval '30 days';

-- A customer's cancellations, for an assignment without a subscription id.
CREATE INDEX outcomes_customer_cancellations ON outcomes (customer_id, created_at) WHERE result_type = 'cancelled';

-- Stripe's events counted, by id: the same event twice counts once.
CREATE TABLE stripe_events (
    id          TEXT        PRIMARY KEY,
    type        TEXT        NOT NULL,
    received_at TIMESTAMPTZ NOT NULL
);
