-- Every version of an event type's payload schema the hub has served. A mapping edit is compared with the latest
-- version of each of its types (a breaking change needs a new version), and the catalog lists them all, across
-- restarts and across the instances that share this store (docs/MAPPINGS.md, "Schema evolution").
CREATE TABLE published_schemas (
    source       VARCHAR(64)      NOT NULL,
    event_type   VARCHAR(200)     NOT NULL,
    version      INT              NOT NULL,
    schema_json  VARCHAR(1000000) NOT NULL,
    published_at TIMESTAMP        NOT NULL,
    PRIMARY KEY (source, event_type, version)
);
