package dev.webhookhub.ingest;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.webhookhub.HubProperties;
import dev.webhookhub.api.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How many ingest requests the hub works on at once, whatever channel they came by. A hub that takes in more than
 * it can map and commit (a cold JVM under production load, a burst) would otherwise let every request in: each one
 * slower than the last, memory growing with them, until producers time out on requests that may yet be stored. Past
 * {@code hub.ingest.admission.max-requests} a request waits in arrival order for at most {@code max-wait}, then is
 * answered 503 with Retry-After, nothing stored, so that the producer backs off while the hub catches up.
 */
@Component
public class IngestAdmission {

    private final int maxRequests;
    private final long maxWaitNanos;
    private final Semaphore permits;
    private final Counter refused;

    public IngestAdmission(HubProperties properties, MeterRegistry registry) {
        var admission = properties.ingest().admission();
        if (admission.maxRequests() < 1) {
            throw new IllegalArgumentException("hub.ingest.admission.max-requests must be at least 1, not "
                    + admission.maxRequests());
        }
        this.maxRequests = admission.maxRequests();
        this.maxWaitNanos = admission.maxWait().toNanos();
        this.permits = new Semaphore(maxRequests, true);
        this.refused = Counter.builder("hub.ingest.admission.refused")
                .description("ingest requests answered 503 after waiting hub.ingest.admission.max-wait to be worked on")
                .register(registry);
        Gauge.builder("hub.ingest.admission.in.progress", permits, p -> maxRequests - p.availablePermits())
                .description("ingest requests the hub is working on").register(registry);
    }

    /** Runs {@code ingest} once admitted; refuses with 503 when the hub is full for longer than the wait. */
    public <T> T admitted(Supplier<T> ingest) {
        try {
            if (!permits.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS)) {
                refused.increment();
                throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "the hub is working on as many ingest requests as "
                        + "it takes at once (hub.ingest.admission.max-requests, " + maxRequests + "); nothing was stored, "
                        + "retry shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting to be admitted");
        }
        try {
            return ingest.get();
        } finally {
            permits.release();
        }
    }
}
