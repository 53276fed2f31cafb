-- Keys of requests (Idempotency-Key header) and of raw events (a mapping's dedupKey) already ingested,
-- with the event ids they produced; a repeat within hub.ingest.idempotency-retention gets these ids back.
CREATE TABLE idempotency_keys (
    environment_id  VARCHAR(36)  NOT NULL REFERENCES environments (id),
    source          VARCHAR(100) NOT NULL,
    idem_key        VARCHAR(600) NOT NULL,
    event_ids       VARCHAR(100000) NOT NULL,   -- JSON array
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (environment_id, source, idem_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
