package dev.webhookhub.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.webhookhub.HubProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;

/**
 * Keeps one endpoint's trouble its own: per subscription a lane of deliveries in flight whose width adapts to how the
 * endpoint copes ({@link EndpointLane}), its optional rate limit and a circuit breaker that opens after consecutive
 * failed attempts and lets one probe through when it half-opens. Endpoints that answer slowly share a room smaller
 * than the instance's in-flight room, so that the rest of it stays free for endpoints that answer fast. A delivery
 * that may not go now waits in memory for a slot of its endpoint or, when that is not worth it, is deferred: never
 * failed.
 */
@Component
public class EndpointGuards {

    private static final Logger log = LoggerFactory.getLogger(EndpointGuards.class);

    /** Why a delivery waits in the store, and for how long. */
    public record Deferral(String reason, Duration delay) {
    }

    /** What may happen to a delivery now. */
    public sealed interface Admission {
    }

    /** It may go: report how it went through the pass. */
    public record Go(Pass pass) implements Admission {
    }

    /**
     * It waits in memory for a slot of its endpoint and keeps its in-flight room; a finishing delivery of that endpoint
     * hands it the slot ({@link #resume}).
     */
    public record Waits() implements Admission {
    }

    /** Not now: due again after the deferral; {@code handed} is the waiting delivery given the slot it left, if any. */
    public record Deferred(Deferral deferral, EndpointLane.Waiting handed) implements Admission {
    }

    private static final Waits WAITS = new Waits();
    /**
     * How long a delivery may wait in memory for a slot: a busy endpoint that answers is worth waiting for, but a
     * waiting delivery holds in-flight room and its lease runs; beyond this it waits in the store.
     */
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);
    /** Waiters per endpoint slot: beyond that, deliveries go back to the store, so that a hanging endpoint holds
     * little of the instance's in-flight room (EndpointIsolationTest). */
    private static final int WAITERS_PER_SLOT = 10;
    private static final Duration BUSY_RETRY = Duration.ofMillis(500);
    /** Why a delivery that waited in memory for as long as it may goes to the store. */
    static final Deferral WAITED_TOO_LONG = new Deferral("endpoint busy for longer than a delivery waits in memory",
            BUSY_RETRY);
    /** Why the deliveries {@link #evictWaiting} took out go to the store. */
    static final Deferral EVICTED = new Deferral("waited in memory as long as it may, or its endpoint turned slow",
            BUSY_RETRY);
    /** Weight of the newest answer time in an endpoint's running average: a few answers decide its lane. */
    private static final double PACE_WEIGHT = 0.25;

    private final Map<String, EndpointLane> lanes = new ConcurrentHashMap<>();
    private final int maxPerEndpoint;
    private final int maxWaiting;
    private final long maxWaitNanos;
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
        this.maxPerEndpoint = delivery.maxConcurrencyPerEndpoint();
        this.maxWaiting = WAITERS_PER_SLOT * maxPerEndpoint;
        // a waiting delivery is still leased: it must be sent, or back in the store, well before its lease ends
        this.maxWaitNanos = Math.min(MAX_WAIT.toNanos(), delivery.lease().toNanos() / 4);
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

    /**
     * A delivery that wants to go now. A slow endpoint's slot frees slowly: its deliveries do not wait for one in
     * memory.
     */
    public Admission admit(DeliveryJob job) {
        String endpoint = job.subscriptionId();
        EndpointLane lane = lanes.computeIfAbsent(endpoint, e -> new EndpointLane(maxPerEndpoint, maxWaiting));
        return switch (lane.enter(job, !isSlow(endpoint), System.nanoTime())) {
            case ENTERED -> start(job, lane);
            case WAITING -> WAITS;
            case FULL -> new Deferred(returnWhenRoom(endpoint, lane), null);
        };
    }

    /**
     * Deferred because the endpoint's lane is full: due again about when the lane will have room for it (at most
     * {@link #MAX_WAIT} later), not all together after a fixed delay, when most would find it full again and go
     * back once more: under a backlog those round trips through the store were most of its writes.
     */
    private Deferral returnWhenRoom(String endpoint, EndpointLane lane) {
        long now = System.nanoTime();
        long usual = pace.getOrDefault(endpoint, 0.0).longValue();
        long at = lane.returnAt(now, usual, BUSY_RETRY.toNanos(), MAX_WAIT.toNanos());
        return new Deferral("endpoint busy", Duration.ofNanos(at - now));
    }

    /**
     * For a new delivery, not read from the store yet: its deferral if its endpoint's lane is full now (as
     * {@link #admit} would decide; it is not read only to be sent back) or deliveries it sent back are still to
     * come back (it queues behind them).
     */
    public Optional<Deferral> deferralIfFull(String endpoint) {
        EndpointLane lane = lanes.get(endpoint);
        if (lane == null || !lane.full(!isSlow(endpoint), System.nanoTime())) {
            return Optional.empty();
        }
        return Optional.of(returnWhenRoom(endpoint, lane));
    }

    /**
     * A waiting delivery was handed a slot of its endpoint: it goes now, unless it waited too long. Its lease runs
     * while it waits, and once that ends another instance may claim it: it must not go after that (ScaleOutTest).
     */
    public Admission resume(EndpointLane.Waiting handed) {
        EndpointLane lane = lanes.get(handed.job().subscriptionId());
        if (System.nanoTime() - handed.since() > maxWaitNanos) {
            return new Deferred(WAITED_TOO_LONG, lane.leave(EndpointLane.Signal.NONE));
        }
        return start(handed.job(), lane);
    }

    /**
     * Takes out of memory the deliveries that have waited too long for a slot, and all those of endpoints that are
     * slow now, so that they wait in the store instead of holding in-flight room.
     */
    public List<DeliveryJob> evictWaiting() {
        long since = System.nanoTime() - maxWaitNanos;
        List<DeliveryJob> evicted = new ArrayList<>();
        lanes.forEach((endpoint, lane) -> {
            if (lane.waitingCount() > 0) {
                lane.evict(since, isSlow(endpoint)).forEach(waiting -> evicted.add(waiting.job()));
            }
        });
        return evicted;
    }

    /** The delivery holds a slot of its endpoint's lane: the circuit, the slow lane and the rate limit decide. */
    private Admission start(DeliveryJob job, EndpointLane lane) {
        String endpoint = job.subscriptionId();
        CircuitBreaker circuit = circuits.circuitBreaker(endpoint);
        if (!circuit.tryAcquirePermission()) {
            return new Deferred(new Deferral("circuit open", openFor), lane.leave(EndpointLane.Signal.NONE));
        }
        boolean slow = isSlow(endpoint);
        if (slow && !slowLane.tryAcquire()) {
            circuit.releasePermission();
            return new Deferred(new Deferral("slow endpoint, slow lane full", BUSY_RETRY), lane.leave(EndpointLane.Signal.NONE));
        }
        if (job.rateLimit() != null && !rateLimiter(endpoint, job.rateLimit()).acquirePermission()) {
            circuit.releasePermission();
            releaseLane(slow);
            return new Deferred(new Deferral("rate limit", Duration.ofMillis(Math.max(50, 1000 / job.rateLimit()))),
                    lane.leave(EndpointLane.Signal.NONE));
        }
        return new Go(new Pass(endpoint, lane, circuit, slow));
    }

    /**
     * A delivery that may go: report how it went once (a second report is ignored). Each report gives the endpoint's
     * slot up and returns the waiting delivery it was handed to, if any: that one is to be {@link #resume}d.
     */
    public final class Pass {
        private final String endpoint;
        private final EndpointLane lane;
        private final CircuitBreaker circuit;
        private final boolean slow;
        private final AtomicBoolean reported = new AtomicBoolean();

        private Pass(String endpoint, EndpointLane lane, CircuitBreaker circuit, boolean slow) {
            this.endpoint = endpoint;
            this.lane = lane;
            this.circuit = circuit;
            this.slow = slow;
        }

        public EndpointLane.Waiting succeeded(Duration took) {
            if (!reported.compareAndSet(false, true)) {
                return null;
            }
            circuit.onSuccess(took.toNanos(), TimeUnit.NANOSECONDS);
            return done(took, slowedDown(took) ? EndpointLane.Signal.CONGESTION : EndpointLane.Signal.SUCCESS);
        }

        public EndpointLane.Waiting failed(Duration took) {
            if (!reported.compareAndSet(false, true)) {
                return null;
            }
            circuit.onError(took.toNanos(), TimeUnit.NANOSECONDS, new IllegalStateException("delivery failed"));
            return done(took, EndpointLane.Signal.CONGESTION);
        }

        /** The attempt says nothing about the endpoint's health (e.g. 410: the webhook is disabled anyway). */
        public EndpointLane.Waiting neutral() {
            if (!reported.compareAndSet(false, true)) {
                return null;
            }
            circuit.releasePermission();
            releaseLane(slow);
            return lane.leave(EndpointLane.Signal.NONE);
        }

        /**
         * A slow answer from an endpoint that usually answers in less than half that time: it is struggling with what
         * it gets. An endpoint that is always slow is no news (the slow lane takes care of it).
         */
        private boolean slowedDown(Duration took) {
            Double usual = pace.get(endpoint);
            return usual != null && took.toNanos() >= slowNanos && took.toNanos() > 2 * usual;
        }

        private EndpointLane.Waiting done(Duration took, EndpointLane.Signal signal) {
            releaseLane(slow);
            pace.merge(endpoint, (double) took.toNanos(), (average, latest) -> average + PACE_WEIGHT * (latest - average));
            return lane.leave(signal);
        }
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

    /** How many deliveries the endpoint may have in flight now. */
    int slots(String endpoint) {
        EndpointLane lane = lanes.get(endpoint);
        return lane == null ? maxPerEndpoint : lane.limit();
    }

    /** Deliveries waiting in memory for a slot of their endpoint. */
    public int waiting() {
        return lanes.values().stream().mapToInt(EndpointLane::waitingCount).sum();
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
