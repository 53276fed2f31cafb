-- Background jobs (bulk recovery of a webhook's deliveries): progress, a keyset cursor and a lease, so that a job
-- goes on where it stopped on whichever instance takes it after a restart, page by page in short transactions.
CREATE TABLE jobs (
    id               VARCHAR(36)  PRIMARY KEY,
    environment_id   VARCHAR(36)  NOT NULL REFERENCES environments (id),
    kind             VARCHAR(32)  NOT NULL,
    subscription_id  VARCHAR(36)  NOT NULL,      -- no foreign key: a job's record outlives its webhook
    params           VARCHAR(8000) NOT NULL,     -- JSON: the filter it was started with
    status           VARCHAR(16)  NOT NULL,      -- queued | running | done | cancelled | failed
    total            BIGINT       NOT NULL,      -- matches when it was started
    processed        BIGINT       NOT NULL,
    cursor_at        TIMESTAMP WITH TIME ZONE,   -- (created_at, id) of the last delivery done
    cursor_id        VARCHAR(36),
    lease_owner      VARCHAR(64),
    lease_until      TIMESTAMP WITH TIME ZONE,
    error            VARCHAR(1000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    finished_at      TIMESTAMP WITH TIME ZONE
);
CREATE INDEX jobs_by_status ON jobs (status, lease_until);
CREATE INDEX jobs_by_environment ON jobs (environment_id, created_at);
