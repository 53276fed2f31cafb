-- Operational webhooks: endpoints of an environment that receive the hub's own events about its webhooks
-- (webhook.disabled, .failing, .recovered, .lagging, delivery.dead), stored and delivered like any webhook.
ALTER TABLE subscriptions ADD COLUMN operational BOOLEAN DEFAULT FALSE NOT NULL;
-- Lag alerts: a webhook's own threshold (NULL: hub.delivery.lag.threshold), and since when its oldest waiting
-- delivery has been older than that; set and cleared by one conditional UPDATE, so one instance announces it.
ALTER TABLE subscriptions ADD COLUMN lag_threshold_seconds INTEGER;
ALTER TABLE subscriptions ADD COLUMN lagging_since TIMESTAMP WITH TIME ZONE;
