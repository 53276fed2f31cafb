-- Bumped with every change to an environment's subscriptions: routing keeps the active ones in memory and reads
-- only this number per event (SubscriptionRepository.active).
ALTER TABLE environments ADD COLUMN subscriptions_version BIGINT DEFAULT 0 NOT NULL;
