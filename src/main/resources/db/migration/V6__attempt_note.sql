-- What else an attempt's log entry says besides its error: the response was cut at hub.delivery.max-response-bytes,
-- or its body did not arrive within the attempt's deadline.
ALTER TABLE delivery_attempts ADD COLUMN note VARCHAR(200);
-- room for hub.delivery.max-response-bytes up to 64 KiB
ALTER TABLE delivery_attempts ALTER COLUMN response_body SET DATA TYPE VARCHAR(65536);
