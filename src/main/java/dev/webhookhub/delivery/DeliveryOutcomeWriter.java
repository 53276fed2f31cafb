package dev.webhookhub.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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

import dev.webhookhub.HubProperties;
import dev.webhookhub.subscription.SubscriptionRepository;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;

/**
 * Writes every delivery's outcome (its attempt log, and whether it was delivered, is due again, deferred or dead)
 * and its webhook's failure clock in one transaction every few milliseconds instead of several transactions per
 * delivery: a commit is what a delivery costs the store most (the profile of the end-to-end benchmark), and when
 * many endpoints fail at once, per-delivery writes were what held the deliveries up (docs/BENCHMARKS.md).
 * Nothing acknowledged depends on these rows: if the process dies before a flush, those deliveries are still
 * leased and are sent again after the lease (at least once), and their attempts are missing from the log.
 * A webhook failing for longer than {@code hub.delivery.disable-after} is disabled after the flush that shows it.
 */
@Component
public class DeliveryOutcomeWriter {

    /** Long enough to gather the outcomes of many concurrent deliveries, short enough to go unnoticed in the API. */
    static final long FLUSH_INTERVAL_MS = 20;

    private static final Logger log = LoggerFactory.getLogger(DeliveryOutcomeWriter.class);

    record Attempt(String deliveryId, Instant at, Integer statusCode, long latencyMs, String error, String note,
            String responseBody) {
    }

    record Delivered(String deliveryId, int attempts, Integer statusCode, Instant at) {
    }

    record Deferred(String deliveryId, Instant until) {
    }

    record Retrying(String deliveryId, int attempts, Instant nextAttemptAt, Integer statusCode, String error, Instant at) {
    }

    record Dead(String deliveryId, int attempts, Integer statusCode, String error, Instant at) {
    }

    /** A webhook whose delivery just failed, and how. */
    record Failing(OperationalEvents.About webhook, Integer statusCode, String error) {
    }

    /** A webhook to disable, and why. */
    record Disabling(OperationalEvents.About webhook, String reason) {
    }

    private final DeliveryRepository deliveries;
    private final SubscriptionRepository subscriptions;
    private final TransactionTemplate transaction;
    private final OperationalEvents operational;
    private final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final Queue<Delivered> delivered = new ConcurrentLinkedQueue<>();
    private final Map<String, OperationalEvents.About> succeeded = new ConcurrentHashMap<>();
    private final Queue<Deferred> deferred = new ConcurrentLinkedQueue<>();
    private final Queue<Retrying> retrying = new ConcurrentLinkedQueue<>();
    private final Queue<Dead> dead = new ConcurrentLinkedQueue<>();
    private final Map<String, Failing> failing = new ConcurrentHashMap<>();
    private final Queue<Disabling> disabling = new ConcurrentLinkedQueue<>();
    private final Queue<OperationalEvents.Notice> notices = new ConcurrentLinkedQueue<>();
    private final Queue<DeliveryRepository.OrderedDone> orderedDone = new ConcurrentLinkedQueue<>();
    private final Duration disableAfter;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("delivery-outcome-writer").daemon().factory());

    public DeliveryOutcomeWriter(DeliveryRepository deliveries, SubscriptionRepository subscriptions,
            TransactionTemplate transaction, OperationalEvents operational, HubProperties properties) {
        this.operational = operational;
        this.disableAfter = properties.delivery().disableAfter();
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.transaction = transaction;
    }

    public void attempt(String deliveryId, Instant at, AttemptResult result) {
        attempts.add(switch (result) {
            case AttemptResult.Answered a -> new Attempt(deliveryId, at, a.status(), a.took().toMillis(), a.error(), a.note(),
                    a.body());
            case AttemptResult.NoAnswer n -> new Attempt(deliveryId, at, null, n.took().toMillis(), n.error(), null, null);
            case AttemptResult.Published p -> new Attempt(deliveryId, at, null, p.took().toMillis(), null,
                    "published to " + p.destination(), null);
        });
    }

    /** A delivery went through: its mark, and its webhook is not failing (any more). */
    public void delivered(DeliveryJob job, int attempts, Integer statusCode) {
        delivered.add(new Delivered(job.deliveryId(), attempts, statusCode, Instant.now()));
        succeeded.put(job.subscriptionId(), OperationalEvents.About.of(job));
        finished(job);
    }

    /** Its key's next delivery may go, once this outcome is written. */
    private void finished(DeliveryJob job) {
        if (job.orderingKey() != null) {
            orderedDone.add(new DeliveryRepository.OrderedDone(job.deliveryId(), job.subscriptionId(), job.orderingKey()));
        }
    }

    /** Not sent now (endpoint busy, circuit open, rate limit): due again at {@code until}; its lease holds till then. */
    public void deferred(String deliveryId, Instant until) {
        deferred.add(new Deferred(deliveryId, until));
    }

    /** Failed, due again at {@code nextAttemptAt}; its webhook is failing. */
    public void retrying(DeliveryJob job, int attempts, Instant nextAttemptAt, Integer statusCode, String error) {
        retrying.add(new Retrying(job.deliveryId(), attempts, nextAttemptAt, statusCode, error, Instant.now()));
        failing.put(job.subscriptionId(), new Failing(OperationalEvents.About.of(job), statusCode, error));
    }

    private void dead(String deliveryId, int attempts, Integer statusCode, String error) {
        dead.add(new Dead(deliveryId, attempts, statusCode, error, Instant.now()));
    }

    /** Will not be sent: its webhook is disabled. */
    public void discarded(DeliveryJob job, String reason) {
        dead(job.deliveryId(), job.attempts(), null, reason);
        finished(job);
    }

    /** Dead after its last retry failed; its webhook is failing. */
    public void dead(DeliveryJob job, int attempts, Integer statusCode, String error) {
        dead(job.deliveryId(), attempts, statusCode, error);
        failing.put(job.subscriptionId(), new Failing(OperationalEvents.About.of(job), statusCode, error));
        notices.add(OperationalEvents.dead(job, attempts, statusCode, error));
        finished(job);
    }

    /** The endpoint said it is gone: this delivery is dead and its webhook is disabled. */
    public void gone(DeliveryJob job, int attempts, Integer statusCode, String reason) {
        dead(job.deliveryId(), attempts, statusCode, reason + "; webhook disabled");
        disabling.add(new Disabling(OperationalEvents.About.of(job), reason));
        finished(job);
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
        List<Retrying> retryingBatch = drain(retrying);
        List<Dead> deadBatch = drain(dead);
        List<Deferred> deferredBatch = drain(deferred);
        List<Disabling> disablingBatch = drain(disabling);
        List<OperationalEvents.Notice> noticeBatch = drain(notices);
        List<DeliveryRepository.OrderedDone> orderedBatch = drain(orderedDone);
        Map<String, OperationalEvents.About> recovered = new HashMap<>(succeeded);
        recovered.forEach(succeeded::remove);
        Map<String, Failing> failed = new HashMap<>(failing);
        failed.forEach(failing::remove);
        if (attemptBatch.isEmpty() && deliveredBatch.isEmpty() && retryingBatch.isEmpty() && deadBatch.isEmpty()
                && deferredBatch.isEmpty() && recovered.isEmpty() && failed.isEmpty() && disablingBatch.isEmpty()
                && noticeBatch.isEmpty() && orderedBatch.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        Map<String, Instant> failingSince;
        try {
            failingSince = transaction.execute(status -> {
                deliveries.recordAttempts(attemptBatch);
                deliveries.markDelivered(deliveredBatch);
                deliveries.markForRetry(retryingBatch);
                deliveries.markDead(deadBatch);
                deliveries.defer(deferredBatch);
                deliveries.releaseNextOrdered(orderedBatch);
                List<OperationalEvents.Notice> toTell = new ArrayList<>(noticeBatch);
                // a success in the same few milliseconds as a failure wins: the webhook is not failing continuously
                SubscriptionRepository.Failing marked = subscriptions.markFailing(failed.keySet(), now);
                for (String began : marked.began()) {
                    Failing f = failed.get(began);
                    toTell.add(OperationalEvents.failing(f.webhook(), now, f.statusCode(), f.error()));
                }
                for (String back : subscriptions.clearFailing(recovered.keySet())) {
                    toTell.add(OperationalEvents.recovered(recovered.get(back), "failing"));
                }
                for (Disabling d : disablingBatch) {
                    if (subscriptions.disable(d.webhook().environmentId(), d.webhook().webhookId(), d.reason())) {
                        toTell.add(OperationalEvents.disabled(d.webhook(), d.reason()));
                        log.warn("webhook {} disabled: {} ({})", d.webhook().webhookId(), d.reason(), d.webhook().url());
                    }
                }
                operational.record(toTell);
                return marked.since();
            });
        } catch (DataIntegrityViolationException e) {
            // a delivery deleted meanwhile (its webhook was): write the rest one by one, leave out what refers to it
            attemptBatch.forEach(a -> writeAlone(() -> deliveries.recordAttempts(List.of(a))));
            deliveredBatch.forEach(d -> writeAlone(() -> deliveries.markDelivered(List.of(d))));
            writeAlone(() -> deliveries.markForRetry(retryingBatch));
            writeAlone(() -> deliveries.markDead(deadBatch));
            writeAlone(() -> deliveries.defer(deferredBatch));
            writeAlone(() -> deliveries.releaseNextOrdered(orderedBatch));
            writeAlone(() -> subscriptions.markFailing(failed.keySet(), now));
            writeAlone(() -> subscriptions.clearFailing(recovered.keySet()));
            disablingBatch.forEach(d -> writeAlone(() -> {
                if (subscriptions.disable(d.webhook().environmentId(), d.webhook().webhookId(), d.reason())) {
                    operational.record(List.of(OperationalEvents.disabled(d.webhook(), d.reason())));
                }
            }));
            noticeBatch.forEach(n -> writeAlone(() -> operational.record(List.of(n))));
            return;
        } catch (RuntimeException e) {
            attempts.addAll(attemptBatch);
            delivered.addAll(deliveredBatch);
            retrying.addAll(retryingBatch);
            dead.addAll(deadBatch);
            deferred.addAll(deferredBatch);
            disabling.addAll(disablingBatch);
            notices.addAll(noticeBatch);
            orderedDone.addAll(orderedBatch);
            recovered.forEach(succeeded::putIfAbsent);
            failed.forEach(failing::putIfAbsent);
            throw e;
        }
        disableIfFailingTooLong(failed, failingSince, recovered, now);
    }

    private void disableIfFailingTooLong(Map<String, Failing> failed, Map<String, Instant> failingSince,
            Map<String, OperationalEvents.About> recovered, Instant now) {
        failingSince.forEach((id, since) -> {
            if (recovered.containsKey(id) || Duration.between(since, now).compareTo(disableAfter) < 0) {
                return;
            }
            OperationalEvents.About webhook = failed.get(id).webhook();
            String reason = "failing continuously since " + since + " (hub.delivery.disable-after " + disableAfter + ")";
            transaction.executeWithoutResult(status -> {
                if (subscriptions.disable(webhook.environmentId(), id, reason)) {
                    operational.record(List.of(OperationalEvents.disabled(webhook, reason)));
                    log.warn("webhook {} ({}) disabled: failing continuously since {}", id, webhook.url(), since);
                }
            });
        });
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
            log.warn("could not write {} delivery outcome(s) and {} attempt(s), retrying: {}",
                    delivered.size() + retrying.size() + dead.size() + deferred.size(), attempts.size(), e.getMessage());
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
