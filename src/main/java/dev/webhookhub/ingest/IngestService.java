package dev.webhookhub.ingest;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.RuntimeCamelException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.webhookhub.api.ApiException;
import dev.webhookhub.tracing.HubTracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;

/**
 * The one way into the hub for raw events, whatever channel they came by: runs the {@code ingest} route and returns
 * the batch with its event ids once they are durable. A batch whose mapping state or idempotency key moved before
 * its commit ({@link StaleBatch}) is mapped again on top of what moved, so concurrent raw events for one key come
 * out as if mapped one after the other.
 */
@Component
public class IngestService {

    /** Tries before a request that keeps losing to others on the same key is told to come back. */
    static final int MAX_TRIES = 10;

    private final ProducerTemplate producer;
    private final Counter mappedAgain;

    private final HubTracing tracing;
    private final IngestAdmission admission;

    public IngestService(ProducerTemplate producer, MeterRegistry registry, HubTracing tracing, IngestAdmission admission) {
        this.tracing = tracing;
        this.admission = admission;
        this.producer = producer;
        this.mappedAgain = Counter.builder("hub.ingest.mapped.again")
                .description("ingest requests mapped again because the state or key they read moved before their commit")
                .register(registry);
    }

    /**
     * Stores the batch; throws what the route threw (a refused raw event, a store that is away...). Runs in an
     * {@code ingest} span that continues the batch's traceparent; its events keep that span's.
     */
    public IngestBatch ingest(IngestBatch incoming) {
        Span span = tracing.start("ingest " + incoming.source(), SpanKind.SERVER, incoming.traceparent());
        span.setAttribute("hub.source", incoming.source());
        span.setAttribute("hub.environment_id", incoming.environmentId());
        span.setAttribute("hub.raw_events", incoming.raws().size());
        try (Scope scope = span.makeCurrent()) {
            IngestBatch stored = admission.admitted(() -> stored(incoming.tracedBy(HubTracing.traceparent(span))));
            span.setAttribute("hub.events", stored.eventIds().size());
            span.end();
            return stored;
        } catch (RuntimeException e) {
            HubTracing.failed(span, e.getMessage());
            throw e;
        }
    }

    private IngestBatch stored(IngestBatch batch) {
        for (int tries = 1;; tries++) {
            try {
                return producer.requestBody("direct:ingest", batch, IngestBatch.class);
            } catch (CamelExecutionException e) {
                RuntimeException cause = unwrap(e);
                if (!(cause instanceof StaleBatch stale)) {
                    throw cause;
                }
                if (tries == MAX_TRIES) {
                    throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "this raw event's key is being ingested by "
                            + "many requests at once (" + stale.getMessage() + "); nothing was stored, retry shortly");
                }
                mappedAgain.increment();
            }
        }
    }

    /** The route wraps what its steps throw; answer with the step's own exception. */
    static RuntimeException unwrap(RuntimeException e) {
        Throwable cause = e;
        while ((cause instanceof CamelExecutionException || cause instanceof RuntimeCamelException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof RuntimeException runtime ? runtime : e;
    }
}
