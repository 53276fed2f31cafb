package dev.webhookhub.subscription;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Create or change a subscription. Takes both documented dialects unmodified: Configly's
 * {@code {url, events}} and the seed 001 {@code {target_url, event_types, is_active}}. On PATCH, a field left
 * out stays as it is. Instead of a URL, a webhook may name a {@code destination} on the operator's brokers.
 */
public record SubscriptionRequest(
        @JsonProperty("target_url") @JsonAlias("url") String targetUrl,
        @JsonProperty("event_types") @JsonAlias("events") List<String> eventTypes,
        @JsonProperty("is_active") Boolean isActive,
        List<String> sources,
        String filter,
        String format,
        @JsonProperty("rate_limit") Integer rateLimit,
        String description,
        @JsonProperty("timeout_seconds") Integer timeoutSeconds,
        @JsonProperty("retry_schedule") List<String> retrySchedule,
        DestinationRequest destination,
        Map<String, String> headers,
        @JsonProperty("sensitive_headers") Map<String, String> sensitiveHeaders,
        Boolean paused,
        @JsonProperty("lag_threshold_seconds") Integer lagThresholdSeconds,
        @JsonProperty("ordering_key") String orderingKey) {

    /** What an operational webhook may set: where to, which of the hub's event types, a description, active or not. */
    public static SubscriptionRequest operational(String url, List<String> eventTypes, Boolean isActive, String description) {
        return new SubscriptionRequest(url, eventTypes, isActive, null, null, null, null, description, null, null, null,
                null, null, null, null, null);
    }
}
