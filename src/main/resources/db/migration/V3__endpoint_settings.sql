-- Per-subscription delivery settings, and how long an endpoint has been failing (for auto-disable).
ALTER TABLE subscriptions ADD COLUMN timeout_ms INTEGER;
ALTER TABLE subscriptions ADD COLUMN retry_schedule VARCHAR(500);       -- e.g. "5s,1m,10m"; NULL = hub.delivery.retry-schedule
ALTER TABLE subscriptions ADD COLUMN failing_since TIMESTAMP WITH TIME ZONE;
CREATE INDEX deliveries_by_event ON deliveries (event_id);
