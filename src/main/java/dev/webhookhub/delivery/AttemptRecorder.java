package dev.webhookhub.delivery;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Delivery route step after each HTTP attempt: writes the attempt log and decides whether the in-process
 * redelivery policy should try again (by throwing) or the outcome is final for this round.
 */
@Component
public class AttemptRecorder {

    public static final String STATUS = "hubStatusCode";
    public static final String RETRY_AFTER = "hubRetryAfter";
    public static final String ERROR = "hubError";
    private static final int MAX_BODY = 4096;

    private final DeliveryOutcomeWriter outcomes;
    private final DeliveryMetrics metrics;

    public AttemptRecorder(DeliveryOutcomeWriter outcomes, DeliveryMetrics metrics) {
        this.outcomes = outcomes;
        this.metrics = metrics;
    }

    /** The endpoint answered. 2xx, 410, 429 and 503 are final for this round; other statuses are retried. */
    public void answered(Exchange exchange) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = readBody(exchange);
        exchange.setProperty(STATUS, status);
        exchange.setProperty(RETRY_AFTER, exchange.getMessage().getHeader("Retry-After", String.class));
        exchange.setProperty(ERROR, status / 100 == 2 ? null : "HTTP " + status);
        record(exchange, status, status / 100 == 2 ? null : "HTTP " + status, body);
        if (status / 100 != 2 && !DeliveryOutcome.isFinalForRound(status)) {
            throw new RetryableDeliveryException("endpoint answered HTTP " + status);
        }
    }

    /** No answer: connection refused, timeout, TLS failure... always retried. */
    public void failed(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String error = describe(cause);
        exchange.setProperty(STATUS, null);
        exchange.setProperty(RETRY_AFTER, null);
        exchange.setProperty(ERROR, error);
        record(exchange, null, error, null);
        throw new RetryableDeliveryException(error, cause);
    }

    private void record(Exchange exchange, Integer status, String error, String body) {
        DeliveryJob job = exchange.getProperty(WebhookSigner.JOB, DeliveryJob.class);
        long started = exchange.getProperty(WebhookSigner.ATTEMPT_STARTED, System.nanoTime(), Long.class);
        long nanos = System.nanoTime() - started;
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(nanos);
        metrics.attempt(status == null ? "error" : (status / 100) + "xx", nanos);
        outcomes.attempt(job.deliveryId(), Instant.now(), status, latencyMs, error, body);
    }

    private static String readBody(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body == null) {
            return null;
        }
        try {
            if (body instanceof InputStream in) {
                byte[] bytes = in.readNBytes(MAX_BODY);
                return new String(bytes, StandardCharsets.UTF_8);
            }
            String text = exchange.getMessage().getBody(String.class);
            return text == null ? null : text.length() <= MAX_BODY ? text : text.substring(0, MAX_BODY);
        } catch (Exception e) {
            return null;
        }
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
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Makes the route's redelivery policy try again. */
    public static class RetryableDeliveryException extends RuntimeException {
        RetryableDeliveryException(String message) {
            super(message, null, false, false);
        }

        RetryableDeliveryException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
