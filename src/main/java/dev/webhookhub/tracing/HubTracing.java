package dev.webhookhub.tracing;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * The hub's spans: {@code ingest} (continuing a producer's W3C {@code traceparent} when it sent one), with
 * {@code mapping}, {@code routing} and {@code commit} inside it, and one {@code attempt} per delivery attempt,
 * continuing the trace the event was ingested in, however much later and on whichever instance: the event keeps
 * its ingest span's {@code traceparent}, and each attempt sends its own to the subscriber.
 */
@Component
public class HubTracing {

    public static final String TRACEPARENT = "traceparent";
    /** A W3C traceparent is 55 characters; anything much longer is not one. */
    private static final int MAX_LENGTH = 64;

    private static final TextMapGetter<Map<String, String>> FROM_MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;

    public HubTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer("dev.webhookhub");
    }

    /** A span continuing {@code traceparent}, or the first of a new trace when there is none or it is not valid. */
    public Span start(String name, SpanKind kind, String traceparent) {
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(context(traceparent)).startSpan();
    }

    /** A span inside the current one (the ingest span, on the ingesting request's thread). */
    public Span child(String name) {
        return tracer.spanBuilder(name).startSpan();
    }

    /** Runs {@code work} in a span inside the current one; a failure marks the span and goes on. */
    public <T> T inSpan(String name, Supplier<T> work) {
        Span span = child(name);
        try (Scope scope = span.makeCurrent()) {
            return work.get();
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    /** The W3C traceparent that names this span as the parent of what follows; null for a span that is not valid. */
    public static String traceparent(Span span) {
        if (!span.getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), carrier, Map::put);
        return carrier.get(TRACEPARENT);
    }

    /** Ends a span as failed, with the reason. */
    public static void failed(Span span, String reason) {
        span.setStatus(StatusCode.ERROR, reason == null ? "" : reason);
        span.end();
    }

    private static Context context(String traceparent) {
        if (traceparent == null || traceparent.isBlank() || traceparent.length() > MAX_LENGTH) {
            return Context.root();
        }
        return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of(TRACEPARENT, traceparent.strip()), FROM_MAP);
    }
}
