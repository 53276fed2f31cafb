-- How often a webhook's filter could not decide on an event (it failed, or reached its hub.jsonata.filter bounds),
-- and the last reason: such events are not delivered to it (SubscriptionFilters).
ALTER TABLE subscriptions ADD COLUMN filter_errors BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE subscriptions ADD COLUMN last_filter_error VARCHAR(500);
ALTER TABLE subscriptions ADD COLUMN last_filter_error_at TIMESTAMP WITH TIME ZONE;
