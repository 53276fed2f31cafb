package dev.webhookhub.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

import dev.webhookhub.HubProperties;
import io.opentelemetry.api.trace.Span;

import jakarta.annotation.PreDestroy;

/**
 * Sends claimed deliveries through the {@code direct:deliver} route, each on its own virtual thread (one that waited
 * for its endpoint's slot on the thread of the delivery that handed it over), and applies
 * what {@link OutcomePolicy} makes of each round's result: delivered, due again later, dead, or the webhook disabled.
 */
@Component
public class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    /** Deliveries that finish between two claims made because of a backlog: enough room for a claim to be worth it. */
    private static final int CLAIM_AFTER_FREED = 16;

    private final DeliveryRepository deliveries;
    private final DeliveryOutcomeWriter outcomes;
    private final OutcomePolicy policy;
    private final EndpointGuards guards;
    private final DeliveryBodies bodies;
    private final DeliveryMetrics metrics;
    private final ProducerTemplate producer;
    private final long defaultTimeoutMs;
    private final int claimBatch;
    private final ExecutorService workers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("delivery-", 0).factory());
    /** Bounds the deliveries in flight on this instance; the rest stay in the store until claimed. */
    private final Semaphore inFlight;
    /** The store holds due deliveries that did not fit (the last claim came back full, or some were handed back). */
    private final AtomicBoolean backlog = new AtomicBoolean();
    private final AtomicInteger freedSinceClaim = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();

    public Dispatcher(DeliveryRepository deliveries, DeliveryOutcomeWriter outcomes,
            OutcomePolicy policy, EndpointGuards guards, DeliveryBodies bodies, DeliveryMetrics metrics,
            ProducerTemplate producer, HubProperties properties) {
        this.deliveries = deliveries;
        this.outcomes = outcomes;
        this.policy = policy;
        this.guards = guards;
        this.bodies = bodies;
        this.metrics = metrics;
        this.producer = producer;
        this.defaultTimeoutMs = properties.delivery().timeout().toMillis();
        this.claimBatch = properties.delivery().claimBatch();
        this.inFlight = new Semaphore(properties.delivery().maxInFlight());
    }

    /**
     * Fast path: deliveries this instance just stored and leased are sent right after their commit, as the router
     * built them (nothing read back from the store), except those that would only be deferred: to slow endpoints
     * while the slow lane is full (due now, for a claim to take when there is room), and to endpoints whose lane is
     * full (deferred to when it will have room).
     */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    public void onScheduled(DeliveriesScheduled scheduled) {
        List<DeliveryJob> jobs = new ArrayList<>();
        List<String> toStore = new ArrayList<>();
        for (DeliveryJob job : scheduled.deliveries()) {
            String endpoint = job.subscriptionId();
            if (guards.slowLaneFullFor(endpoint)) {
                toStore.add(job.deliveryId());
                continue;
            }
            guards.deferralIfFull(endpoint).ifPresentOrElse(
                    deferral -> defer(job.deliveryId(), endpoint, deferral),
                    () -> jobs.add(job));
        }
        int permits = acquireUpTo(jobs.size());
        // no room for the rest: hand them back to the store at once rather than let them wait out their lease
        jobs.subList(permits, jobs.size()).forEach(job -> toStore.add(job.deliveryId()));
        if (!toStore.isEmpty()) {
            deliveries.releaseLease(toStore);
            backlog.set(true);
        }
        jobs.subList(0, permits).forEach(job -> workers.execute(() -> deliverHoldingPermit(job)));
    }

    /**
     * Claims what is due, batch after batch while batches come back full and there is room, so a backlog drains at
     * the speed of the endpoints rather than of the poll timer. Called by the {@code claim-due-deliveries} route,
     * and, while the store holds a backlog, each time enough deliveries have finished to make room for a claim.
     * While slow endpoints fill their lane, a claim takes about what that lane has room for: the rest of it would
     * only be deferred again. One claimer at a time.
     */
    public int dispatchDue() {
        if (!claiming.compareAndSet(false, true)) {
            return 0;
        }
        try {
            deferEvicted();
            int started = 0;
            while (true) {
                freedSinceClaim.set(0);
                int wanted = guards.slowInFlight() > 0 ? Math.min(claimBatch, guards.slowLaneRoom() + CLAIM_AFTER_FREED) : claimBatch;
                int permits = acquireUpTo(wanted);
                if (permits == 0) {
                    return started;
                }
                List<String> claimed;
                try {
                    claimed = deliveries.claimDue(permits);
                } catch (RuntimeException e) {
                    inFlight.release(permits);
                    throw e;
                }
                List<DeliveryJob> jobs = claimed.isEmpty() ? List.of() : deliveries.jobs(claimed);
                inFlight.release(permits - jobs.size());
                jobs.forEach(job -> workers.execute(() -> deliverHoldingPermit(job)));
                started += jobs.size();
                backlog.set(claimed.size() == permits);
                if (claimed.size() < permits || guards.slowLaneFull()) {
                    return started;
                }
            }
        } finally {
            claiming.set(false);
        }
    }

    /** Deliveries that waited in memory for too long, or for an endpoint that turned slow, wait in the store instead. */
    private void deferEvicted() {
        for (DeliveryJob job : guards.evictWaiting()) {
            defer(job, EndpointGuards.EVICTED);
            finished();
        }
    }

    /** Not sent now, no attempt used: due again in the store after the deferral's delay. */
    private void defer(DeliveryJob job, EndpointGuards.Deferral deferral) {
        defer(job.deliveryId(), job.subscriptionId(), deferral);
    }

    private void defer(String deliveryId, String webhookId, EndpointGuards.Deferral deferral) {
        outcomes.deferred(deliveryId, Instant.now().plus(deferral.delay()));
        backlog.set(true);
        metrics.outcome("deferred");
        log.debug("delivery {} to webhook {} deferred for {} ms: {}", deliveryId, webhookId, deferral.delay().toMillis(),
                deferral.reason());
    }

    /** A delivery finished: when the store holds a backlog and enough room has freed, claim from it now. */
    private void finished() {
        inFlight.release();
        if (backlog.get() && freedSinceClaim.incrementAndGet() >= CLAIM_AFTER_FREED && !claiming.get()) {
            workers.execute(() -> {
                try {
                    dispatchDue();
                } catch (RuntimeException e) {
                    log.debug("claim after finished deliveries failed; the poller claims again: {}", e.getMessage());
                }
            });
        }
    }

    /** Takes as many in-flight permits as are free, at most {@code wanted}, without blocking. */
    private int acquireUpTo(int wanted) {
        int taken = 0;
        while (taken < wanted && inFlight.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    /**
     * Delivers the job, then each waiting delivery its endpoint's slot is handed to, on this thread. Every delivery
     * holds one in-flight permit from its claim until it is done; one that waits for a slot keeps it.
     */
    private void deliverHoldingPermit(DeliveryJob job) {
        Step step = safely(job, () -> deliver(job));
        while (true) {
            if (!step.waits()) {
                finished();
            }
            EndpointLane.Waiting handed = step.handed();
            if (handed == null) {
                return;
            }
            step = safely(handed.job(), () -> admitted(handed.job(), guards.resume(handed)));
        }
    }

    /** What a delivery leaves behind: whether it waits for a slot itself, and the waiting delivery it handed its slot to. */
    private record Step(boolean waits, EndpointLane.Waiting handed) {
        static final Step DONE = new Step(false, null);
        static final Step WAITS = new Step(true, null);

        static Step handing(EndpointLane.Waiting handed) {
            return new Step(false, handed);
        }
    }

    private Step safely(DeliveryJob job, Supplier<Step> delivery) {
        try {
            return delivery.get();
        } catch (RuntimeException e) {
            unexpected(job, e);
            return Step.DONE;
        }
    }

    private static void unexpected(DeliveryJob job, RuntimeException e) {
        log.error("delivery {} of event {} to {} failed unexpectedly; it is due again after its lease", job.deliveryId(),
                job.eventId(), job.targetUrl(), e);
    }

    private Step deliver(DeliveryJob job) {
        if (job.paused()) {
            deliveries.hold(job.deliveryId(), job.subscriptionId());
            metrics.outcome("held");
            log.debug("delivery {} held: webhook {} is paused", job.deliveryId(), job.subscriptionId());
            return Step.DONE;
        }
        if (!job.subscriptionActive()) {
            outcomes.discarded(job, "webhook is disabled");
            metrics.outcome("dead");
            return Step.DONE;
        }
        return admitted(job, guards.admit(job));
    }

    private Step admitted(DeliveryJob job, EndpointGuards.Admission admission) {
        return switch (admission) {
            case EndpointGuards.Go go -> sent(job, go.pass());
            case EndpointGuards.Waits waits -> Step.WAITS;
            case EndpointGuards.Deferred deferred -> {
                defer(job, deferred.deferral());
                yield Step.handing(deferred.handed());
            }
        };
    }

    /** Sends one round and applies its outcome; the endpoint's slot is given up whatever happens. */
    private Step sent(DeliveryJob job, EndpointGuards.Pass pass) {
        try {
            return Step.handing(sendAndRecord(job, pass));
        } catch (RuntimeException e) {
            unexpected(job, e);
            return Step.handing(pass.neutral());
        }
    }

    private EndpointLane.Waiting sendAndRecord(DeliveryJob job, EndpointGuards.Pass pass) {
        long started = System.nanoTime();
        AttemptResult last = send(job);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        int attempt = job.attempts() + 1;
        return switch (policy.next(last, attempt, job.retrySchedule(), Instant.now())) {
            case OutcomePolicy.Delivered delivered -> {
                outcomes.delivered(job, attempt, delivered.status());
                metrics.outcome("delivered");
                yield pass.succeeded(took);
            }
            case OutcomePolicy.Disable disable -> {
                outcomes.gone(job, attempt, status(last), disable.reason());
                metrics.outcome("gone");
                yield pass.neutral();
            }
            case OutcomePolicy.RetryAt retry -> {
                outcomes.retrying(job, attempt, retry.at(), status(last), retry.reason());
                metrics.outcome("retrying");
                log.info("delivery {} of event {} to {} failed (attempt {}: {}); next attempt at {}", job.deliveryId(),
                        job.eventId(), job.targetUrl(), attempt, retry.reason(), retry.at());
                yield pass.failed(took);
            }
            case OutcomePolicy.Dead dead -> {
                outcomes.dead(job, attempt, status(last), dead.reason());
                metrics.outcome("dead");
                log.warn("delivery {} of event {} to {} is dead after {} attempts: {}", job.deliveryId(), job.eventId(),
                        job.targetUrl(), attempt, dead.reason());
                yield pass.failed(took);
            }
        };
    }

    /** Runs the {@code deliver} route: the attempts of one round, in-process redeliveries included; the last one's result. */
    private AttemptResult send(DeliveryJob job) {
        Exchange exchange = new DefaultExchange(producer.getCamelContext());
        exchange.setProperty(WebhookSigner.JOB, job);
        exchange.setProperty(WebhookSigner.BODY, bodies.body(job));
        exchange.setProperty(WebhookSigner.CONTENT_TYPE, bodies.contentType(job));
        exchange.setProperty(WebhookSigner.TIMEOUT_MS, job.timeoutMs() == null ? defaultTimeoutMs : job.timeoutMs());
        producer.send("direct:deliver", exchange);
        AttemptDeadlines.Deadline deadline = exchange.getProperty(WebhookSigner.DEADLINE, AttemptDeadlines.Deadline.class);
        if (deadline != null) {
            // whatever path the route took, no deadline of this delivery may interrupt what this thread does next
            deadline.finish();
        }
        Span span = exchange.getProperty(WebhookSigner.SPAN, Span.class);
        if (span != null && span.isRecording()) {
            // the route ended before the recorder did (a step before the attempt failed)
            span.end();
        }
        AttemptResult result = exchange.getProperty(AttemptRecorder.RESULT, AttemptResult.class);
        if (result == null) {
            return new AttemptResult.NoAnswer(AttemptRecorder.describe(exchange.getException()), Duration.ZERO);
        }
        return result;
    }

    private static Integer status(AttemptResult result) {
        return result instanceof AttemptResult.Answered answered ? answered.status() : null;
    }

    @PreDestroy
    void stop() throws InterruptedException {
        workers.shutdown();
        if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
    }
}
