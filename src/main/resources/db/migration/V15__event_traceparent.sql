-- The W3C trace context of the ingest an event came in by (its ingest span): every delivery attempt of the event
-- continues that trace, on whichever instance and however much later.
ALTER TABLE events ADD COLUMN traceparent VARCHAR(64);
