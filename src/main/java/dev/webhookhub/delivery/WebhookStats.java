package dev.webhookhub.delivery;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code GET /v1/webhooks/{id}/stats}: how a webhook's attempts went over the last hour and day, hour by hour over
 * the day (oldest first, for charts), and how far behind it is now ({@code lag_seconds}: the age of its oldest
 * delivery not yet made, 0 when none waits).
 */
public record WebhookStats(
        @JsonProperty("webhook_id") String webhookId,
        Map<String, Window> windows,
        @JsonProperty("lag_seconds") long lagSeconds,
        @JsonProperty("waiting") long waiting,
        List<Hour> hourly) {

    /** One hour of the last day: attempts started in it, how many succeeded, and their latency. */
    public record Hour(
            String start,
            long attempts,
            long succeeded,
            @JsonProperty("latency_p50_ms") Long latencyP50Ms,
            @JsonProperty("latency_p99_ms") Long latencyP99Ms) {
    }

    /**
     * One window: attempts made in it (of deliveries made within it and the two days before), how many succeeded
     * (2xx, or a broker's acknowledgement), and their latency.
     */
    public record Window(
            long attempts,
            long succeeded,
            @JsonProperty("success_rate") Double successRate,
            @JsonProperty("latency_p50_ms") Long latencyP50Ms,
            @JsonProperty("latency_p99_ms") Long latencyP99Ms) {
    }
}
