package dev.webhookhub.delivery;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.webhookhub.HubProperties;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;

/**
 * Keeps one endpoint's trouble its own: per subscription a concurrency cap (bulkhead), its optional rate limit
 * and a circuit breaker that opens after consecutive failed attempts and lets one probe through when it half-opens.
 * Endpoints that answer slowly share a lane smaller than the instance's in-flight room, so that the rest of it
 * stays free for endpoints that answer fast. A delivery that may not go now is deferred, not failed.
 */
@Component
public class EndpointGuards {

    private static final Logger log = LoggerFactory.getLogger(EndpointGuards.class);

    /** Why a delivery waits, and for how long. */
    public record Deferral(String reason, Duration delay) {
    }

    /** A delivery that may go: report how it went, exactly once. */
    public interface Pass {
        void succeeded(Duration took);

        void failed(Duration took);

        /** The attempt says nothing about the endpoint's health (e.g. 410: the webhook is disabled anyway). */
        void neutral();
    }

    /**
     * How long a delivery waits in-process for a slot of its busy endpoint: a slot of a healthy endpoint frees within
     * milliseconds, and waiting beats a round trip through the store (defer, then claim again).
     */
    private static final Duration BUSY_WAIT = Duration.ofSeconds(1);
    /** Waiters per endpoint slot: beyond that, deliveries go back to the store, so that a hanging endpoint holds
     * little of the instance's in-flight room (EndpointIsolationTest). */
    private static final int WAITERS_PER_SLOT = 10;
    private static final Duration BUSY_RETRY = Duration.ofMillis(500);
    /** Weight of the newest answer time in an endpoint's running average: a few answers decide its lane. */
    private static final double PACE_WEIGHT = 0.25;

    private final BulkheadRegistry bulkheads;
    private final Map<String, AtomicInteger> waiters = new ConcurrentHashMap<>();
    private final int maxWaiters;
    private final CircuitBreakerRegistry circuits;
    private final RateLimiterRegistry rateLimiters = RateLimiterRegistry.ofDefaults();
    private final Duration openFor;
    /** Average answer time per endpoint, in nanoseconds; an endpoint without one is fast. */
    private final Map<String, Double> pace = new ConcurrentHashMap<>();
    private final long slowNanos;
    private final int slowLaneSize;
    private final Semaphore slowLane;

    public EndpointGuards(HubProperties properties) {
        var delivery = properties.delivery();
        this.openFor = delivery.circuitOpenFor();
        this.slowNanos = delivery.slowEndpointThreshold().toNanos();
        this.slowLaneSize = Math.max(1, delivery.maxInFlight() - delivery.reservedForFastEndpoints());
        this.slowLane = new Semaphore(slowLaneSize);
        this.maxWaiters = WAITERS_PER_SLOT * delivery.maxConcurrencyPerEndpoint();
        this.bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(delivery.maxConcurrencyPerEndpoint())
                .maxWaitDuration(BUSY_WAIT)
                .build());
        this.circuits = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(delivery.circuitFailureThreshold())
                .minimumNumberOfCalls(delivery.circuitFailureThreshold())
                .failureRateThreshold(100)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
        // an open circuit is a silence in the delivery log otherwise: say when, why and for how long
        int threshold = delivery.circuitFailureThreshold();
        circuits.getEventPublisher().onEntryAdded(added -> added.getAddedEntry().getEventPublisher()
                .onStateTransition(event -> logTransition(event.getCircuitBreakerName(), event.getStateTransition(),
                        threshold)));
    }

    private void logTransition(String webhookId, CircuitBreaker.StateTransition transition, int threshold) {
        switch (transition) {
            case CLOSED_TO_OPEN -> log.warn("circuit of webhook {} opened after {} failed attempts in a row: its"
                    + " deliveries wait {} without using up attempts, then one probe goes", webhookId, threshold, openFor);
            case HALF_OPEN_TO_OPEN -> log.warn("circuit of webhook {} opened again: the probe failed; the next in {}",
                    webhookId, openFor);
            case OPEN_TO_HALF_OPEN -> log.info("circuit of webhook {} half-open: the next delivery is the probe", webhookId);
            case HALF_OPEN_TO_CLOSED -> log.info("circuit of webhook {} closed: the probe went through", webhookId);
            default -> log.info("circuit of webhook {}: {}", webhookId, transition);
        }
    }

    /** @return empty when the delivery may go now (with its pass in {@code pass[0]}), else why it waits */
    public Optional<Deferral> admit(DeliveryJob job, Pass[] pass) {
        String endpoint = job.subscriptionId();
        CircuitBreaker circuit = circuits.circuitBreaker(endpoint);
        if (!circuit.tryAcquirePermission()) {
            return Optional.of(new Deferral("circuit open", openFor));
        }
        boolean slow = isSlow(endpoint);
        if (slow && !slowLane.tryAcquire()) {
            circuit.releasePermission();
            return Optional.of(new Deferral("slow endpoint, slow lane full", BUSY_RETRY));
        }
        Bulkhead bulkhead = bulkheads.bulkhead(endpoint);
        // a slow endpoint's slot frees slowly: its deliveries do not wait for one in-process
        if ((slow && bulkhead.getMetrics().getAvailableConcurrentCalls() == 0) || !enter(bulkhead, endpoint)) {
            circuit.releasePermission();
            releaseLane(slow);
            return Optional.of(new Deferral("endpoint busy", BUSY_RETRY));
        }
        if (job.rateLimit() != null && !rateLimiter(endpoint, job.rateLimit()).acquirePermission()) {
            circuit.releasePermission();
            bulkhead.onComplete();
            releaseLane(slow);
            return Optional.of(new Deferral("rate limit", Duration.ofMillis(Math.max(50, 1000 / job.rateLimit()))));
        }
        pass[0] = new Pass() {
            @Override
            public void succeeded(Duration took) {
                done(took);
                circuit.onSuccess(took.toNanos(), TimeUnit.NANOSECONDS);
            }

            @Override
            public void failed(Duration took) {
                done(took);
                circuit.onError(took.toNanos(), TimeUnit.NANOSECONDS, new IllegalStateException("delivery failed"));
            }

            @Override
            public void neutral() {
                bulkhead.onComplete();
                releaseLane(slow);
                circuit.releasePermission();
            }

            private void done(Duration took) {
                bulkhead.onComplete();
                releaseLane(slow);
                pace.merge(endpoint, (double) took.toNanos(), (average, latest) -> average + PACE_WEIGHT * (latest - average));
            }
        };
        return Optional.empty();
    }

    private boolean isSlow(String endpoint) {
        Double average = pace.get(endpoint);
        return average != null && average >= slowNanos;
    }

    private void releaseLane(boolean slow) {
        if (slow) {
            slowLane.release();
        }
    }

    /** True when the endpoint is slow and slow endpoints hold all the room they may. */
    public boolean slowLaneFullFor(String endpoint) {
        return isSlow(endpoint) && slowLaneFull();
    }

    /** True when slow endpoints hold all the room they may: claiming more now would mostly defer theirs. */
    public boolean slowLaneFull() {
        return slowLane.availablePermits() == 0;
    }

    /** How many more deliveries to slow endpoints may go now. */
    public int slowLaneRoom() {
        return slowLane.availablePermits();
    }

    /** Deliveries in flight to slow endpoints. */
    public int slowInFlight() {
        return slowLaneSize - slowLane.availablePermits();
    }

    private boolean enter(Bulkhead bulkhead, String endpoint) {
        AtomicInteger waiting = waiters.computeIfAbsent(endpoint, e -> new AtomicInteger());
        try {
            return waiting.incrementAndGet() <= maxWaiters && bulkhead.tryAcquirePermission();
        } finally {
            waiting.decrementAndGet();
        }
    }

    public long openCircuits() {
        return circuits.getAllCircuitBreakers().stream()
                .filter(c -> c.getState() == CircuitBreaker.State.OPEN || c.getState() == CircuitBreaker.State.HALF_OPEN)
                .count();
    }

    /** Webhook ids whose circuit is open or half-open, with that state. */
    public Map<String, String> openCircuitStates() {
        return circuits.getAllCircuitBreakers().stream()
                .filter(c -> c.getState() == CircuitBreaker.State.OPEN || c.getState() == CircuitBreaker.State.HALF_OPEN)
                .collect(java.util.stream.Collectors.toMap(CircuitBreaker::getName, c -> c.getState().name().toLowerCase()));
    }

    public String circuitState(String subscriptionId) {
        return circuits.find(subscriptionId).map(c -> c.getState().name().toLowerCase()).orElse("closed");
    }

    private RateLimiter rateLimiter(String endpoint, int perSecond) {
        // the limit is part of the name so that a changed rate_limit takes effect at once
        return rateLimiters.rateLimiter(endpoint + "@" + perSecond, RateLimiterConfig.custom()
                .limitForPeriod(perSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build());
    }
}
