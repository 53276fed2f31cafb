package dev.webhookhub.subscription;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import dev.webhookhub.store.Timestamps;

/**
 * The seed 001 webhook shape. The {@code whsec_} signing secret is in it only where the seed puts it, in the answer
 * to a create, and in the answer to a rotation; reading it again takes {@code GET /v1/webhooks/{id}/secret}.
 * Optional settings appear only when set, so a subscription made with a seed's body reads back in the seed's shape.
 * A webhook made without event types lists every type it receives, and says so with {@code all_event_types: true}
 * (it keeps receiving every type, new ones included, until it is given a list).
 */
@JsonPropertyOrder({"id", "target_url", "is_active", "environment_id", "event_types", "created_at", "updated_at", "secret"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SubscriptionResponse(
        String id,
        @JsonProperty("target_url") String targetUrl,
        @JsonProperty("is_active") boolean isActive,
        @JsonProperty("environment_id") String environmentId,
        @JsonProperty("event_types") List<String> eventTypes,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("updated_at") String updatedAt,
        String secret,
        List<String> sources,
        String filter,
        String format,
        @JsonProperty("rate_limit") Integer rateLimit,
        String description,
        @JsonProperty("timeout_seconds") Integer timeoutSeconds,
        @JsonProperty("retry_schedule") List<String> retrySchedule,
        @JsonProperty("disabled_reason") String disabledReason,
        @JsonProperty("failing_since") String failingSince,
        @JsonProperty("filter_errors") Long filterErrors,
        @JsonProperty("last_filter_error") String lastFilterError,
        @JsonProperty("last_filter_error_at") String lastFilterErrorAt,
        @JsonProperty("all_event_types") Boolean allEventTypes,
        Map<String, String> destination,
        Map<String, String> headers,
        Boolean paused,
        @JsonProperty("lag_threshold_seconds") Integer lagThresholdSeconds,
        @JsonProperty("lagging_since") String laggingSince,
        @JsonProperty("ordering_key") String orderingKey) {

    /**
     * @param eventTypes what {@link SubscribedTypes} says the webhook receives
     * @param secret     only in the answers to a create and a rotation
     */
    static SubscriptionResponse of(Subscription s, List<String> eventTypes, String secret) {
        boolean all = s.eventTypes() == null || s.eventTypes().isEmpty();
        Destination destination = Destination.of(s.targetUrl());
        return new SubscriptionResponse(s.id(), destination instanceof Destination.Http ? s.targetUrl() : null, s.active(), s.environmentId(), eventTypes,
                Timestamps.iso(s.createdAt()),
                Timestamps.iso(s.updatedAt()), secret, s.sources(), s.filter(),
                Subscription.FORMAT_NATIVE.equals(s.format()) ? null : s.format(), s.rateLimit(), s.description(),
                s.timeoutMs() == null ? null : s.timeoutMs() / 1000,
                s.retrySchedule() == null ? null : s.retrySchedule().stream().map(RetrySchedules::human).toList(),
                s.disabledReason(), Timestamps.iso(s.failingSince()),
                s.filterErrors() == null ? null : s.filterErrors().count(),
                s.filterErrors() == null ? null : s.filterErrors().lastError(),
                s.filterErrors() == null ? null : Timestamps.iso(s.filterErrors().lastAt()), all ? Boolean.TRUE : null,
                switch (destination) {
                    case Destination.Http http -> null;
                    case Destination.KafkaTopic kafka -> Map.of("type", "kafka", "topic", kafka.topic());
                    case Destination.AmqpQueue amqp -> Map.of("type", "amqp", "queue", amqp.queue());
                }, s.headers(), s.paused() ? Boolean.TRUE : null, s.lagThresholdSeconds(), Timestamps.iso(s.laggingSince()),
                s.orderingKey());
    }
}
