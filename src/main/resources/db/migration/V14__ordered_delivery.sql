-- Ordered delivery per key: a webhook's ordering_key (JSONata on the envelope) gives each of its deliveries a key.
ALTER TABLE subscriptions ADD COLUMN ordering_key VARCHAR(1000);
ALTER TABLE deliveries ADD COLUMN ordering_key VARCHAR(200);
-- The ordered deliveries not yet delivered or dead, by webhook and key in ingest order (the event's sequence number):
-- the first of each key is the one that may be attempted, the others wait with no next_attempt_at. Only ordered
-- deliveries have a row, and only while they wait, so it stays small and costs unordered deliveries nothing.
CREATE TABLE ordered_deliveries (
    delivery_id      VARCHAR(36)  PRIMARY KEY REFERENCES deliveries (id) ON DELETE CASCADE,
    subscription_id  VARCHAR(36)  NOT NULL,
    ordering_key     VARCHAR(200) NOT NULL,
    order_seq        BIGINT       NOT NULL
);
CREATE INDEX ordered_deliveries_queue ON ordered_deliveries (subscription_id, ordering_key, order_seq);
