package dev.webhookhub.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.webhookhub.subscription.SubscriptionRepository;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

/**
 * Writes the attempt log, the "delivered" and "deferred" marks and the webhooks' recovery from failing in one
 * transaction every few milliseconds instead of several transactions per delivery: a commit is what a delivery costs the store most (the profile of the end-to-end
 * benchmark, docs/BENCHMARKS.md). Nothing acknowledged depends on these rows: if the process dies before a flush,
 * those deliveries are still leased and are sent again after the lease (at least once), and their attempts are
 * missing from the log.
 */
@Component
public class DeliveryOutcomeWriter {

    /** Long enough to gather the outcomes of many concurrent deliveries, short enough to go unnoticed in the API. */
    static final long FLUSH_INTERVAL_MS = 20;

    private static final Logger log = LoggerFactory.getLogger(DeliveryOutcomeWriter.class);

    record Attempt(String deliveryId, Instant at, Integer statusCode, long latencyMs, String error, String responseBody) {
    }

    record Delivered(String deliveryId, int attempts, int statusCode, Instant at) {
    }

    record Deferred(String deliveryId, Instant until) {
    }

    private final DeliveryRepository deliveries;
    private final SubscriptionRepository subscriptions;
    private final TransactionTemplate transaction;
    private final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final Queue<Delivered> delivered = new ConcurrentLinkedQueue<>();
    private final Set<String> succeeded = ConcurrentHashMap.newKeySet();
    private final Queue<Deferred> deferred = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("delivery-outcome-writer").daemon().factory());

    public DeliveryOutcomeWriter(DeliveryRepository deliveries, SubscriptionRepository subscriptions,
            TransactionTemplate transaction) {
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.transaction = transaction;
    }

    public void attempt(String deliveryId, Instant at, Integer statusCode, long latencyMs, String error, String responseBody) {
        attempts.add(new Attempt(deliveryId, at, statusCode, latencyMs, error, responseBody));
    }

    /** A delivery went through: its mark, and its webhook is not failing (any more). */
    public void delivered(String deliveryId, String subscriptionId, int attempts, int statusCode) {
        delivered.add(new Delivered(deliveryId, attempts, statusCode, Instant.now()));
        succeeded.add(subscriptionId);
    }

    /** Not sent now (endpoint busy, circuit open, rate limit): due again at {@code until}; its lease holds till then. */
    public void deferred(String deliveryId, Instant until) {
        deferred.add(new Deferred(deliveryId, until));
    }

    @PostConstruct
    void start() {
        flusher.scheduleWithFixedDelay(this::flushQuietly, FLUSH_INTERVAL_MS, FLUSH_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Writes everything gathered so far; what fails to write is kept for the next flush. One flush at a time, so
     * that a delivery's attempts are written in the order they were made.
     */
    public synchronized void flush() {
        List<Attempt> attemptBatch = drain(attempts);
        List<Delivered> deliveredBatch = drain(delivered);
        List<Deferred> deferredBatch = drain(deferred);
        List<String> webhooks = new ArrayList<>(succeeded);
        succeeded.removeAll(webhooks);
        if (attemptBatch.isEmpty() && deliveredBatch.isEmpty() && deferredBatch.isEmpty() && webhooks.isEmpty()) {
            return;
        }
        try {
            transaction.executeWithoutResult(status -> {
                deliveries.recordAttempts(attemptBatch);
                deliveries.markDelivered(deliveredBatch);
                deliveries.defer(deferredBatch);
                subscriptions.clearFailing(webhooks);
            });
        } catch (DataIntegrityViolationException e) {
            // a delivery deleted meanwhile (its webhook was): write the rest one by one, leave out what refers to it
            attemptBatch.forEach(a -> writeAlone(() -> deliveries.recordAttempts(List.of(a))));
            deliveredBatch.forEach(d -> writeAlone(() -> deliveries.markDelivered(List.of(d))));
            writeAlone(() -> deliveries.defer(deferredBatch));
            writeAlone(() -> subscriptions.clearFailing(webhooks));
        } catch (RuntimeException e) {
            attempts.addAll(attemptBatch);
            delivered.addAll(deliveredBatch);
            deferred.addAll(deferredBatch);
            succeeded.addAll(webhooks);
            throw e;
        }
    }

    private void writeAlone(Runnable write) {
        try {
            transaction.executeWithoutResult(status -> write.run());
        } catch (DataIntegrityViolationException gone) {
            log.debug("outcome of a deleted delivery dropped: {}", gone.getMessage());
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("could not write {} delivery outcome(s) and {} attempt(s), retrying: {}", delivered.size(),
                    attempts.size(), e.getMessage());
        }
    }

    private static <T> List<T> drain(Queue<T> queue) {
        List<T> batch = new ArrayList<>();
        for (T item; (item = queue.poll()) != null;) {
            batch.add(item);
        }
        return batch;
    }

    /** After the dispatcher (which depends on this) has stopped: the last outcomes are written, not dropped. */
    @PreDestroy
    void stop() throws InterruptedException {
        flusher.shutdown();
        flusher.awaitTermination(5, TimeUnit.SECONDS);
        flushQuietly();
    }
}
