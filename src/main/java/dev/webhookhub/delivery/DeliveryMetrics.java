package dev.webhookhub.delivery;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

import dev.webhookhub.mapping.NormalizedEvent;
import dev.webhookhub.store.EventsStored;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The hub's own meters on /actuator/prometheus: events ingested, delivery outcomes, attempt latency, the
 * pending and dead backlog, open circuits and the deliveries in flight to slow endpoints.
 */
@Component
public class DeliveryMetrics {

    private static final long BACKLOG_REFRESH_NANOS = Duration.ofSeconds(5).toNanos();

    private final MeterRegistry registry;
    private final JdbcClient jdbc;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong dead = new AtomicLong();
    private volatile long backlogReadAt = System.nanoTime() - BACKLOG_REFRESH_NANOS;

    public DeliveryMetrics(MeterRegistry registry, JdbcClient jdbc, EndpointGuards guards) {
        this.registry = registry;
        this.jdbc = jdbc;
        Gauge.builder("hub.deliveries.pending", this, m -> m.backlog(m.pending))
                .description("deliveries waiting for their first or next attempt").register(registry);
        Gauge.builder("hub.deliveries.dead", this, m -> m.backlog(m.dead))
                .description("deliveries that used up their retries").register(registry);
        Gauge.builder("hub.circuits.open", guards, EndpointGuards::openCircuits)
                .description("endpoints whose circuit is open or half-open").register(registry);
        Gauge.builder("hub.deliveries.waiting.for.slot", guards, EndpointGuards::waiting)
                .description("deliveries waiting in memory for a slot of their endpoint (hub.delivery.max-concurrency-per-endpoint)")
                .register(registry);
        Gauge.builder("hub.deliveries.in.flight.slow", guards, EndpointGuards::slowInFlight)
                .description("deliveries in flight to endpoints slower than hub.delivery.slow-endpoint-threshold")
                .register(registry);
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    public void ingested(EventsStored stored) {
        for (NormalizedEvent e : stored.events()) {
            Counter.builder("hub.events.ingested").tag("source", e.source()).tag("type", e.type())
                    .description("events stored after mapping").register(registry).increment();
        }
    }

    /** delivered, retrying, dead, gone or deferred */
    public void outcome(String outcome) {
        Counter.builder("hub.deliveries").tag("outcome", outcome).description("delivery outcomes").register(registry)
                .increment();
    }

    /** One HTTP attempt: status class (2xx, 4xx, 5xx) or "error" when nothing answered. */
    public void attempt(String result, long nanos) {
        Timer.builder("hub.delivery.attempt").tag("result", result).publishPercentileHistogram()
                .description("latency of each HTTP attempt").register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The backlog counts come from the store, read at most every few seconds however often it is scraped. */
    private double backlog(AtomicLong value) {
        long now = System.nanoTime();
        if (now - backlogReadAt >= BACKLOG_REFRESH_NANOS) {
            backlogReadAt = now;
            try {
                pending.set(jdbc.sql("SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'failed')").query(Long.class).single());
                dead.set(jdbc.sql("SELECT COUNT(*) FROM deliveries WHERE status = 'dead'").query(Long.class).single());
            } catch (RuntimeException e) {
                // the store is away: keep the last reading
            }
        }
        return value.get();
    }
}
