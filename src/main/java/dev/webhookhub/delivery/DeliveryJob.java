package dev.webhookhub.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.webhookhub.mapping.NormalizedEvent;
import dev.webhookhub.subscription.Subscription;

/**
 * Everything one attempt needs: the delivery, its event's envelope and its subscription's endpoint, secrets and
 * headers (its headers and sensitive headers together, empty when none); whether that is an operational webhook;
 * the delivery's ordering key, if its webhook orders them; the trace context its event was ingested in. A new
 * delivery is built by whoever routed it, from the event and the subscription it had in hand, so that the first
 * attempt goes without reading them back from the store; a claimed one is read from the store.
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

    /** A delivery not tried yet, of {@code event} to {@code subscription}, in the subscription's environment. */
    public static DeliveryJob first(String deliveryId, NormalizedEvent event, Subscription subscription, String orderingKey,
            String traceparent) {
        return new DeliveryJob(deliveryId, subscription.environmentId(), event.id(), event.type(), event.source(),
                event.envelopeJson(), event.createdAt(), 0, subscription.id(), subscription.targetUrl(),
                subscription.active(), subscription.format(), subscription.secret(), subscription.previousSecret(),
                subscription.previousSecretExpiresAt(), subscription.timeoutMs(), subscription.retrySchedule(),
                subscription.rateLimit(), headers(subscription.headers(), subscription.sensitiveHeaders()),
                subscription.paused(), subscription.operational(), orderingKey, traceparent);
    }

    /** What goes with every attempt: the webhook's headers, then its sensitive ones (null: none). */
    static Map<String, String> headers(Map<String, String> plain, Map<String, String> sensitive) {
        if (plain == null && sensitive == null) {
            return Map.of();
        }
        Map<String, String> all = new LinkedHashMap<>();
        if (plain != null) {
            all.putAll(plain);
        }
        if (sensitive != null) {
            all.putAll(sensitive);
        }
        return Collections.unmodifiableMap(all);
    }
}
