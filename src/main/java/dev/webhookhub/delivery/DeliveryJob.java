package dev.webhookhub.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything one attempt needs: the delivery, its event's envelope and its subscription's endpoint, secrets and
 * headers (its headers and sensitive headers together, empty when none); whether that is an operational webhook;
 * the delivery's ordering key, if its webhook orders them; the trace context its event was ingested in.
 */
public record DeliveryJob(
        String deliveryId,
        String environmentId,
        String eventId,
        String eventType,
        String source,
        String envelope,
        Instant eventCreatedAt,
        int attempts,
        String subscriptionId,
        String targetUrl,
        boolean subscriptionActive,
        String format,
        String secret,
        String previousSecret,
        Instant previousSecretExpiresAt,
        Integer timeoutMs,
        List<Duration> retrySchedule,
        Integer rateLimit,
        Map<String, String> headers,
        boolean paused,
        boolean operational,
        String orderingKey,
        String traceparent) {
}
