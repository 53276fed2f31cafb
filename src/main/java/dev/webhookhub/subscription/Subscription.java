package dev.webhookhub.subscription;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.webhookhub.mapping.SourceMapping;

/**
 * A webhook endpoint of one environment and what it wants to receive. Null lists mean "all". {@code headers} and
 * {@code sensitiveHeaders} go with every delivery (null: none); a paused one holds its deliveries. An operational
 * webhook receives the hub's own events about the environment's other webhooks (source {@value #OPERATIONAL_SOURCE})
 * and nothing else; the others never receive those. With an {@code orderingKey} (JSONata on the envelope), deliveries
 * of the same key go one at a time, in ingest order.
 */
public record Subscription(
        String id,
        String environmentId,
        String targetUrl,
        boolean active,
        List<String> eventTypes,
        List<String> sources,
        String filter,
        String format,
        Integer rateLimit,
        String description,
        String secret,
        String previousSecret,
        Instant previousSecretExpiresAt,
        String disabledReason,
        Integer timeoutMs,
        List<Duration> retrySchedule,
        Instant failingSince,
        Instant createdAt,
        Instant updatedAt,
        FilterErrors filterErrors,
        Map<String, String> headers,
        Map<String, String> sensitiveHeaders,
        boolean paused,
        boolean operational,
        Integer lagThresholdSeconds,
        Instant laggingSince,
        String orderingKey) {

    /** Events its filter could not decide on (failed or stopped at its bounds), and the last reason; null if none. */
    public record FilterErrors(long count, String lastError, Instant lastAt) {
    }

    public static final String FORMAT_NATIVE = "native";
    public static final String FORMAT_CLOUDEVENTS = "cloudevents";

    /** The source of the hub's operational events (webhook.disabled...); no mapping may take this name. */
    public static final String OPERATIONAL_SOURCE = SourceMapping.HUB_SOURCE;

    public boolean wants(String source, String type) {
        return operational == OPERATIONAL_SOURCE.equals(source)
                && (eventTypes == null || eventTypes.isEmpty() || eventTypes.contains(type))
                && (sources == null || sources.isEmpty() || sources.contains(source));
    }
}
