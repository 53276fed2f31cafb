package dev.webhookhub.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.http.HttpMethods;
import org.springframework.stereotype.Component;

import dev.webhookhub.subscription.Destination;
import dev.webhookhub.tracing.HubTracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;

/**
 * Delivery route step: turns the exchange into one signed Standard Webhooks POST of the job's body and starts the
 * attempt's deadline. Runs again before every in-process redelivery, so each attempt carries a fresh timestamp,
 * a deadline of its own and no leftovers of the last one.
 */
@Component
public class WebhookSigner implements Processor {

    public static final String JOB = "hubDeliveryJob";
    public static final String BODY = "hubDeliveryBody";
    public static final String CONTENT_TYPE = "hubDeliveryContentType";
    public static final String TIMEOUT_MS = "hubDeliveryTimeoutMs";
    public static final String ATTEMPT_STARTED = "hubAttemptStartedNanos";
    public static final String DEADLINE = "hubAttemptDeadline";
    /** "http", "kafka" or "amqp": which branch of the attempt route sends it. */
    public static final String DESTINATION_TYPE = "hubDestinationType";
    /** The attempt's span, ended by {@link AttemptRecorder}. */
    public static final String SPAN = "hubAttemptSpan";
    /** A read may wait this much past the deadline: the deadline, not a read timeout, is what ends a slow attempt. */
    private static final long READ_TIMEOUT_SLACK_MS = 1000;

    private final AttemptDeadlines deadlines;
    private final HubTracing tracing;

    public WebhookSigner(AttemptDeadlines deadlines, HubTracing tracing) {
        this.deadlines = deadlines;
        this.tracing = tracing;
    }

    @Override
    public void process(Exchange exchange) {
        DeliveryJob job = exchange.getProperty(JOB, DeliveryJob.class);
        String body = exchange.getProperty(BODY, String.class);
        long timestamp = Instant.now().getEpochSecond();
        Message message = exchange.getMessage();
        // drop what the last attempt left (its response headers), but keep Camel's own: the redelivery
        // counter lives in a Camel header, and without it the redelivery policy would never give up
        message.removeHeaders("*", "Camel*");
        message.setBody(body);
        message.setHeader(Exchange.HTTP_URI, job.targetUrl());
        // the enum camel-http reads it as: a String would go through the type converter on every attempt, which finds
        // no String-to-HttpMethods converter and searches the registry each time (6.5 % of the end-to-end profile)
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        message.setHeader(Exchange.CONTENT_TYPE, exchange.getProperty(CONTENT_TYPE, String.class));
        message.setHeader("User-Agent", "webhook-hub/1");
        // the webhook's own headers; their names never clash with the ones below (WebhookHeaders refuses them)
        job.headers().forEach(message::setHeader);
        long timeoutMs = exchange.getProperty(TIMEOUT_MS, Long.class);
        message.setHeader(DeliveryCamelConfiguration.RESPONSE_TIMEOUT_HEADER, timeoutMs + READ_TIMEOUT_SLACK_MS);
        message.setHeader("webhook-id", job.eventId());
        message.setHeader("webhook-timestamp", Long.toString(timestamp));
        message.setHeader("webhook-signature", signatures(job, timestamp, body, Instant.now()));
        // this attempt's span, in the trace the event was ingested in; the subscriber gets it as its parent
        Span span = tracing.start("attempt " + job.eventType(), SpanKind.CLIENT, job.traceparent());
        span.setAttribute("hub.delivery_id", job.deliveryId());
        span.setAttribute("hub.event_id", job.eventId());
        span.setAttribute("hub.webhook_id", job.subscriptionId());
        span.setAttribute("url.full", job.targetUrl());
        exchange.setProperty(SPAN, span);
        String traceparent = HubTracing.traceparent(span);
        if (traceparent != null) {
            message.setHeader(HubTracing.TRACEPARENT, traceparent);
        }
        // camel-http would inflate a gzip answer; the hub keeps the bytes as sent and reads only the first few
        exchange.setProperty(Exchange.SKIP_GZIP_ENCODING, true);
        exchange.setProperty(DESTINATION_TYPE, Destination.of(job.targetUrl()).type());
        exchange.setProperty(ATTEMPT_STARTED, System.nanoTime());
        exchange.setProperty(DEADLINE, deadlines.start(Duration.ofMillis(timeoutMs)));
    }

    /** {@code v1,<sig>}, and during the 24 h after a rotation also the signature with the previous secret. */
    static String signatures(DeliveryJob job, long timestamp, String body, Instant now) {
        String current = "v1," + sign(job.secret(), job.eventId(), timestamp, body);
        if (job.previousSecret() != null && job.previousSecretExpiresAt() != null && now.isBefore(job.previousSecretExpiresAt())) {
            return current + " v1," + sign(job.previousSecret(), job.eventId(), timestamp, body);
        }
        return current;
    }

    public static String sign(String secret, String messageId, long timestamp, String body) {
        try {
            byte[] key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signature = mac.doFinal((messageId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
