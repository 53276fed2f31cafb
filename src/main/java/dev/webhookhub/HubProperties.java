package dev.webhookhub;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import dev.webhookhub.mapping.JsonataBounds;

/** Every {@code hub.*} setting; defaults live in application.yaml. */
@ConfigurationProperties(prefix = "hub")
public record HubProperties(
        Path dataDir,
        String bootstrapApiKey,
        String adminToken,
        String secretKey,
        Ingest ingest,
        Mappings mappings,
        Routes routes,
        Delivery delivery,
        Inbound inbound,
        Kafka kafka,
        Amqp amqp,
        Destinations destinations,
        String queue,
        Jsonata jsonata,
        Subscriptions subscriptions,
        Api api,
        Retention retention,
        Jobs jobs) {

    /**
     * Background jobs (bulk recovery): deliveries per page (one transaction each), how long an instance holds a job
     * between pages before another may take it over, how often queued jobs are looked for, and how many unfinished
     * jobs one environment may have.
     */
    public record Jobs(int pageSize, Duration lease, Duration pollInterval, int maxUnfinishedPerEnvironment) {
    }

    /**
     * How long events and finished deliveries (delivered or dead, with their attempt logs) are kept; zero keeps them.
     * Purged every {@code interval}, in transactions of at most {@code batchSize} rows, for at most {@code maxRun}
     * per run.
     */
    public record Retention(Duration events, Duration deliveries, Duration interval, int batchSize, Duration maxRun) {
    }

    /**
     * Limits of the management API: the largest request body outside ingest, and how many failed authentications one
     * client address may make per window before its requests are refused with 429.
     */
    public record Api(DataSize maxBodyBytes, DataSize maxHeaderBytes, int maxAuthFailures, Duration authFailureWindow) {
    }

    public record Subscriptions(int maxPerEnvironment) {
    }

    /**
     * Bounds of every JSONata evaluation: subscription filters (tenant input) and mapping files. A filter that
     * reaches its bounds runs with a tenth of its time for {@code filterProbation}.
     */
    public record Jsonata(JsonataBounds filter, JsonataBounds mapping, Duration filterProbation) {
    }

    /** Kafka connection and, in Kafka mode, the topic normalized events go through. */
    public record Kafka(String bootstrapServers, String eventsTopic, Duration visibilityTimeout) {
    }

    /** The AMQP 1.0 broker of the {@code amqp:} component (routes of teams, AMQP destinations). */
    public record Amqp(String url, String username, String password) {
    }

    /** Broker destinations tenants may give a webhook instead of a URL: which types, and which names (a regex). */
    public record Destinations(BrokerDestination kafka, BrokerDestination amqp) {
    }

    public record BrokerDestination(boolean enabled, String names) {
    }

    public boolean kafkaQueue() {
        return "kafka".equals(queue);
    }

    /** Non-HTTP inbound channels (routes/outbox.yaml, routes/kafka-inbound.yaml). */
    public record Inbound(String environment, Outbox outbox, KafkaInbound kafka) {
    }

    public record KafkaInbound(boolean enabled, String topicPrefix, String deadLetterTopic) {
    }

    public record Outbox(boolean enabled, int batchSize, long pollDelayMs) {
    }

    /**
     * {@code idempotencyFilterKeys}: keys in each of the two generations of the in-memory filter that spares new keys
     * their lookup before the commit (0: no filter, every key is looked up).
     */
    public record Ingest(DataSize maxBytes, Duration idempotencyRetention, int idempotencyFilterKeys,
            Admission admission, GroupCommit groupCommit) {
    }

    /** At most {@code maxRequests} ingest requests worked on at once; one that waits longer than {@code maxWait} is answered 503. */
    public record Admission(int maxRequests, Duration maxWait) {
    }

    /**
     * Concurrent HTTP ingest requests share a transaction of at most {@code maxEvents} raw events; one that waits
     * longer than {@code maxWait} for a committer is answered 503.
     */
    public record GroupCommit(int committers, int maxEvents, Duration maxWait) {
    }

    public record Mappings(Path dir, Duration reloadInterval) {
    }

    /** Where the Camel routes are read from ({@code HUB_ROUTES_DIR}), and how often they are checked for changes. */
    public record Routes(Path dir, Duration reloadInterval) {
    }

    public record Delivery(
            boolean allowPrivateTargets,
            Duration timeout,
            Duration connectTimeout,
            DataSize maxResponseBytes,
            List<Duration> retrySchedule,
            double jitter,
            Duration disableAfter,
            Duration pollInterval,
            Duration lease,
            int claimBatch,
            int maxInFlight,
            Duration slowEndpointThreshold,
            int reservedForFastEndpoints,
            int maxConcurrencyPerEndpoint,
            int circuitFailureThreshold,
            Duration circuitOpenFor,
            Lag lag) {
    }

    /**
     * A webhook lags when its oldest waiting delivery is older than {@code threshold} (its own
     * {@code lag_threshold_seconds} overrides it); checked every {@code checkInterval}.
     */
    public record Lag(Duration threshold, Duration checkInterval) {
    }
}
