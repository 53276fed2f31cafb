package dev.webhookhub.subscription;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.webhookhub.HubProperties;
import dev.webhookhub.mapping.Expression;
import dev.webhookhub.mapping.JsonataBounds;
import dev.webhookhub.mapping.MappingException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Evaluates a subscription's optional JSONata {@code filter} on an envelope, within {@code hub.jsonata.filter}
 * bounds, on the ingesting request's own thread. A filter that fails skips its webhook for that event; one that
 * reaches a bound (time, depth, size) is then on probation for {@code hub.jsonata.filter-probation}: it runs with a
 * tenth of its time, so that a hostile filter costs its own tenant's ingest little and everyone else nothing, while
 * events it decides on quickly still go through. Every skip is counted ({@code hub_filter_errors_total}) and shows on
 * the webhook ({@code filter_errors}, {@code last_filter_error}).
 */
@Component
public class SubscriptionFilters {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionFilters.class);
    private static final int MAX_COMPILED = 10_000;
    /** A filter checked on the examples of its types at save time may take this long in all. */
    private static final Duration TRIAL_BUDGET = Duration.ofSeconds(1);

    /** A filter that was stopped at its bounds, and until when it runs on tighter ones. */
    private record Probation(String filter, Instant until) {
    }

    /** Skips of one webhook not yet written to the store. */
    private record Tally(long count, String lastError, Instant lastAt) {
        Tally plus(String error, Instant at) {
            return new Tally(count + 1, error, at);
        }
    }

    private final JsonataBounds bounds;
    private final JsonataBounds probationBounds;
    private final Duration probation;
    private final SubscriptionRepository subscriptions;
    private final Map<String, Expression> compiled = new ConcurrentHashMap<>();
    private final Map<String, Probation> onProbation = new ConcurrentHashMap<>();
    private final Map<String, Tally> unwritten = new ConcurrentHashMap<>();
    private final Counter failed;
    private final Counter stopped;

    public SubscriptionFilters(HubProperties properties, SubscriptionRepository subscriptions, MeterRegistry registry) {
        this.bounds = properties.jsonata().filter();
        this.probationBounds = bounds.tighter();
        this.probation = properties.jsonata().filterProbation();
        this.subscriptions = subscriptions;
        String description = "subscription filters that did not accept an event because they failed";
        this.failed = Counter.builder("hub.filter.errors").tag("reason", "error").description(description).register(registry);
        this.stopped = Counter.builder("hub.filter.errors").tag("reason", "bounds").description(description).register(registry);
    }

    public boolean accepts(Subscription subscription, Map<String, Object> envelope) {
        String filter = subscription.filter();
        if (filter == null) {
            return true;
        }
        Instant now = Instant.now();
        Probation probation = onProbation.get(subscription.id());
        boolean probing = probation != null && probation.filter().equals(filter) && now.isBefore(probation.until());
        if (probation != null && !probing) {
            onProbation.remove(subscription.id(), probation);
        }
        try {
            return expression(filter).test(envelope, Map.of(), probing ? probationBounds : bounds);
        } catch (MappingException.BoundExceeded e) {
            stopped.increment();
            onProbation.put(subscription.id(), new Probation(filter, now.plus(this.probation)));
            String error = (probing ? "on probation (a tenth of its time): " : "") + e.getMessage();
            tally(subscription, error, now);
            if (!probing) {
                log.warn("filter of webhook {} (environment {}) was stopped, and runs with a tenth of its time for {}: {}",
                        subscription.id(), subscription.environmentId(), this.probation, e.getMessage());
            }
            return false;
        } catch (MappingException | IllegalArgumentException e) {
            // IllegalArgumentException: a filter saved before the hub checked filters this strictly does not compile
            failed.increment();
            tally(subscription, e.getMessage(), now);
            log.debug("filter of webhook {} failed on an envelope, not delivering: {}", subscription.id(), e.getMessage());
            return false;
        }
    }

    /** Longer keys are replaced by their SHA-256, so that any key fits its column. */
    static final int MAX_KEY_LENGTH = 200;

    /**
     * The delivery's ordering key: the webhook's {@code ordering_key} expression on the envelope, within the filter
     * bounds; a string, number or boolean. Null when the webhook has none, or when it gives nothing or fails on this
     * envelope (then the delivery is not ordered, and that is counted like a filter error).
     */
    public String orderingKey(Subscription subscription, Map<String, Object> envelope) {
        if (subscription.orderingKey() == null) {
            return null;
        }
        Instant now = Instant.now();
        Object value;
        try {
            value = expression(subscription.orderingKey()).evaluate(envelope, Map.of(), bounds);
        } catch (MappingException | IllegalArgumentException e) {
            failed.increment();
            tally(subscription, "ordering_key: " + e.getMessage(), now);
            return null;
        }
        if (value == null) {
            return null;
        }
        if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
            failed.increment();
            tally(subscription, "ordering_key gave " + value.getClass().getSimpleName() + ", not a string or number", now);
            return null;
        }
        String key = String.valueOf(value);
        return key.length() <= MAX_KEY_LENGTH ? key : "sha256:" + sha256(key);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Why a filter may not be saved: it does not compile, or it reaches its bounds on the example envelope of one of
     * the types it would see. Errors on an example are not refusals: a filter may well expect other fields.
     */
    public Optional<String> refusal(String filter, Collection<Map<String, Object>> examples) {
        Expression expression;
        try {
            expression = Expression.compile("filter", filter, bounds);
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        long deadline = System.nanoTime() + TRIAL_BUDGET.toNanos();
        for (Map<String, Object> example : examples) {
            try {
                expression.test(example, Map.of());
            } catch (MappingException.BoundExceeded e) {
                return Optional.of(e.getMessage() + " on an example envelope of a type it receives (hub.jsonata.filter: "
                        + bounds.timeout().toMillis() + " ms, depth " + bounds.maxDepth() + ")");
            } catch (MappingException e) {
                // depends on data; counted when it happens
            }
            if (System.nanoTime() - deadline > 0) {
                break;
            }
        }
        return Optional.empty();
    }

    private Expression expression(String filter) {
        Expression expression = compiled.get(filter);
        if (expression == null) {
            if (compiled.size() >= MAX_COMPILED) {
                compiled.clear();
            }
            expression = compiled.computeIfAbsent(filter, text -> Expression.compile("filter", text, bounds));
        }
        return expression;
    }

    private void tally(Subscription subscription, String error, Instant at) {
        unwritten.merge(subscription.id(), new Tally(1, error, at), (old, one) -> old.plus(error, at));
    }

    @jakarta.annotation.PreDestroy
    void writeLastErrors() {
        try {
            writeErrors();
        } catch (RuntimeException e) {
            log.warn("filter errors of the last seconds not written: {}", e.getMessage());
        }
    }

    /** Writes the skips counted since the last call to their webhooks; called by routes/maintenance.yaml. */
    public int writeErrors() {
        Map<String, Tally> batch = new HashMap<>();
        for (String id : unwritten.keySet()) {
            Tally tally = unwritten.remove(id);
            if (tally != null) {
                batch.put(id, tally);
            }
        }
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            subscriptions.addFilterErrors(batch.entrySet().stream().map(e -> new SubscriptionRepository.FilterErrors(
                    e.getKey(), e.getValue().count(), e.getValue().lastError(), e.getValue().lastAt())).toList());
        } catch (RuntimeException e) {
            batch.forEach((id, tally) -> unwritten.merge(id, tally,
                    (newer, older) -> new Tally(newer.count() + older.count(), newer.lastError(), newer.lastAt())));
            throw e;
        }
        return batch.size();
    }
}
