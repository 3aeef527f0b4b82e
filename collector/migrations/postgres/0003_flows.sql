-- Served flows (COLLECTOR.md section 7): every write of a flow is a new, immutable,
-- numbered version; `document` is the flow as received, `canonical` its JSON values with
-- sorted keys (what tells "the same document as the current version").
CREATE TABLE flow_versions (
    flow_id       TEXT        NOT NULL,
    version       INTEGER     NOT NULL CHECK (version >= 1),
    document      TEXT        NOT NULL,
    canonical     TEXT        NOT NULL,
    experiment_id TEXT,
    created_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (flow_id, version)
);

-- Experiments (section 8): the design is fixed for life; `flow_version` is the version
-- that first carried it (its document holds the design every later version must keep).
CREATE TABLE experiments (
    id           TEXT        PRIMARY KEY,
    flow_id      TEXT        NOT NULL,
    flow_version INTEGER     NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

-- One recorded group per customer and experiment, at the time it was first served (the
-- collector's clock).
CREATE TABLE assignments (
    experiment_id   TEXT        NOT NULL,
    customer_id     TEXT        NOT NULL,
    subscription_id TEXT,
    grp             TEXT        NOT NULL,
    assigned_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (experiment_id, customer_id)
);

-- A customer's history facts (section 7) by index lookups of that customer only: counts
-- and latest instants per result type, however long the history. Replaces the
-- customer-only index (erasure finds a customer's outcomes by this one's prefix).
CREATE INDEX outcomes_customer_history ON outcomes (customer_id, result_type, created_at, test);
DROP INDEX outcomes_customer;
