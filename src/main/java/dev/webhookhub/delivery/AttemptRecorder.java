package dev.webhookhub.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.apache.camel.Exchange;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.springframework.stereotype.Component;

import dev.webhookhub.HubProperties;
import dev.webhookhub.delivery.AttemptDeadlines.Deadline;
import dev.webhookhub.delivery.AttemptResult.Answered;
import dev.webhookhub.delivery.AttemptResult.NoAnswer;
import dev.webhookhub.tracing.HubTracing;
import io.opentelemetry.api.trace.Span;

/**
 * Delivery route step after each HTTP attempt: reads at most {@code hub.delivery.max-response-bytes} of the answer
 * (and drops the connection rather than read on), ends the attempt's deadline, writes the attempt log and leaves
 * the {@link AttemptResult} on the exchange. Throws when {@link OutcomePolicy} wants another try in-process.
 */
@Component
public class AttemptRecorder {

    /** Exchange property with the {@link AttemptResult} of the latest attempt. */
    public static final String RESULT = "hubAttemptResult";
    /** The attempt log's column holds this much. */
    static final int MAX_RESPONSE_BYTES_LIMIT = 65536;

    private final DeliveryOutcomeWriter outcomes;
    private final DeliveryMetrics metrics;
    private final OutcomePolicy policy;
    private final int maxResponseBytes;

    public AttemptRecorder(DeliveryOutcomeWriter outcomes, DeliveryMetrics metrics, OutcomePolicy policy,
            HubProperties properties) {
        this.outcomes = outcomes;
        this.metrics = metrics;
        this.policy = policy;
        long limit = properties.delivery().maxResponseBytes().toBytes();
        if (limit < 0 || limit > MAX_RESPONSE_BYTES_LIMIT) {
            throw new IllegalArgumentException("hub.delivery.max-response-bytes must be between 0 and "
                    + MAX_RESPONSE_BYTES_LIMIT + " bytes, not " + limit);
        }
        this.maxResponseBytes = (int) limit;
    }

    /** The endpoint answered with a status line. */
    public void answered(Exchange exchange) {
        Deadline deadline = exchange.getProperty(WebhookSigner.DEADLINE, Deadline.class);
        Body body;
        try {
            body = read(exchange.getMessage().getBody(), deadline);
        } finally {
            deadline.finish();
        }
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String retryAfter = exchange.getMessage().getHeader("Retry-After", String.class);
        recordAndDecide(exchange, new Answered(status, retryAfter, body.text(), body.note(), took(exchange)));
    }

    /** A broker acknowledged the message. */
    public void published(Exchange exchange) {
        exchange.getProperty(WebhookSigner.DEADLINE, Deadline.class).finish();
        DeliveryJob job = exchange.getProperty(WebhookSigner.JOB, DeliveryJob.class);
        recordAndDecide(exchange, new AttemptResult.Published(job.targetUrl(), took(exchange)));
    }

    /** No status line: connection refused or reset, deadline passed, not HTTP... */
    public void failed(Exchange exchange) {
        Deadline deadline = exchange.getProperty(WebhookSigner.DEADLINE, Deadline.class);
        boolean late = deadline.finish();
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        recordAndDecide(exchange, new NoAnswer(late ? deadline.exceeded() : describe(cause), took(exchange)));
    }

    private void recordAndDecide(Exchange exchange, AttemptResult result) {
        exchange.setProperty(RESULT, result);
        endSpan(exchange.getProperty(WebhookSigner.SPAN, Span.class), result);
        DeliveryJob job = exchange.getProperty(WebhookSigner.JOB, DeliveryJob.class);
        String statusClass = switch (result) {
            case Answered a -> (a.status() / 100) + "xx";
            case AttemptResult.Published p -> "published";
            case NoAnswer n -> "error";
        };
        metrics.attempt(statusClass, result.took().toNanos());
        outcomes.attempt(job.deliveryId(), Instant.now(), result);
        if (policy.retryInProcess(result)) {
            throw new RetryableDeliveryException(result.error());
        }
    }

    private static void endSpan(Span span, AttemptResult result) {
        if (span == null) {
            return;
        }
        switch (result) {
            case Answered a -> {
                span.setAttribute("http.response.status_code", a.status());
                if (!a.successful()) {
                    HubTracing.failed(span, "HTTP " + a.status());
                    return;
                }
            }
            case AttemptResult.Published p -> span.setAttribute("hub.destination", p.destination());
            case NoAnswer n -> {
                HubTracing.failed(span, n.error());
                return;
            }
        }
        span.end();
    }

    private static Duration took(Exchange exchange) {
        long started = exchange.getProperty(WebhookSigner.ATTEMPT_STARTED, System.nanoTime(), Long.class);
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private record Body(String text, String note) {
    }

    /**
     * At most {@code maxResponseBytes} of the body, as sent (never inflated): one byte more tells that there is more,
     * and then the connection is dropped instead of being drained for reuse.
     */
    private Body read(Object body, Deadline deadline) {
        if (!(body instanceof InputStream in)) {
            return new Body(body == null ? null : clean(String.valueOf(body), maxResponseBytes), null);
        }
        byte[] buffer = new byte[maxResponseBytes + 1];
        int length = 0;
        String note = null;
        try {
            for (int n; length < buffer.length && (n = in.read(buffer, length, buffer.length - length)) > 0;) {
                length += n;
            }
            if (length > maxResponseBytes) {
                length = maxResponseBytes;
                note = "response truncated at " + maxResponseBytes + " bytes";
                abort(in);
            }
        } catch (IOException e) {
            note = deadline.expired() ? deadline.exceeded() + " while reading the response body"
                    : "response body unreadable: " + describe(e);
            abort(in);
        }
        String text = length == 0 ? null : clean(new String(Arrays.copyOf(buffer, length), StandardCharsets.UTF_8), length);
        return new Body(text, note);
    }

    /** Closes the connection without reading the rest of the answer. */
    private static void abort(InputStream in) {
        try {
            if (in instanceof EofSensorInputStream sensor) {
                sensor.abort();
            } else {
                in.close();
            }
        } catch (IOException ignored) {
            // the connection is gone either way
        }
    }

    /** Text an endpoint sent, safe to store: no NUL (PostgreSQL refuses it), at most {@code max} characters. */
    static String clean(String text, int max) {
        String cut = text.length() <= max ? text : text.substring(0, max);
        return cut.indexOf('\0') < 0 ? cut : cut.replace('\0', '\uFFFD');
    }

    static String describe(Throwable e) {
        if (e == null) {
            return "no response";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return clean(root.getClass().getSimpleName() + (message == null ? "" : ": " + message), 1000);
    }

    /** Makes the route's redelivery policy try again. */
    public static class RetryableDeliveryException extends RuntimeException {
        RetryableDeliveryException(String message) {
            super(message, null, false, false);
        }
    }
}
