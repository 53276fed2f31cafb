-- Headers a webhook's deliveries carry: headers as JSON, sensitive_headers as JSON sealed like the signing secrets
-- (SecretBox), never returned by the API. A paused webhook holds its deliveries (next_attempt_at NULL) until resumed.
ALTER TABLE subscriptions ADD COLUMN headers VARCHAR(30000);
ALTER TABLE subscriptions ADD COLUMN sensitive_headers VARCHAR(60000);
ALTER TABLE subscriptions ADD COLUMN paused BOOLEAN DEFAULT FALSE NOT NULL;
