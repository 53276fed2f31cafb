package dev.webhookhub.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.webhookhub.HubProperties;
import dev.webhookhub.api.ApiException;
import dev.webhookhub.tracing.HubTracing;
import dev.webhookhub.mapping.MappingException;
import dev.webhookhub.store.StoreUnavailable;

/**
 * {@code direct:hub-ingest}: the entry of every inbound route that is not the HTTP API, the shipped ones (Kafka, SQL
 * outbox) and a team's own (docs/ADD-A-ROUTE.md). Header {@value #SOURCE} names the source (required),
 * {@value #ENVIRONMENT} the environment (default {@code hub.inbound.environment}), {@value #IDEMPOTENCY_KEY} an
 * optional idempotency key; the body is one raw event (JSON text, bytes, a stream or a map) or a JSON array of them,
 * taken all or nothing; a W3C {@code traceparent} header (a Kafka record's, an outbox column) continues that trace. On return the events are durable and the body is {@code {"event_ids": [...]}}. What goes
 * wrong comes back as one of two exceptions: {@link RawEventRefused} (never retry it) or {@link IngestUnavailable}
 * (nothing stored, retry later).
 */
@Component
public class HubIngest {

    public static final String SOURCE = "hubSource";
    public static final String ENVIRONMENT = "hubEnvironment";
    public static final String IDEMPOTENCY_KEY = "hubIdempotencyKey";

    private final IngestService ingest;
    private final RawEventNormalizer normalizer;
    private final EnvironmentIds environmentIds;
    private final ObjectMapper json;
    private final String defaultEnvironment;
    private final long maxBytes;

    public HubIngest(IngestService ingest, RawEventNormalizer normalizer, EnvironmentIds environmentIds,
            ObjectMapper json, HubProperties properties) {
        this.ingest = ingest;
        this.normalizer = normalizer;
        this.environmentIds = environmentIds;
        this.json = json;
        this.defaultEnvironment = properties.inbound().environment();
        this.maxBytes = properties.ingest().maxBytes().toBytes();
    }

    /** Route step: stores the message's raw events and replaces the body with their event ids. */
    public void ingest(Exchange exchange) {
        Message message = exchange.getMessage();
        String source = header(message, SOURCE);
        if (source == null) {
            throw new RawEventRefused("header " + SOURCE + " is required: the source whose mapping reads this raw event");
        }
        String environment = header(message, ENVIRONMENT);
        String key = header(message, IDEMPOTENCY_KEY);
        if (key != null && key.length() > 255) {
            throw new RawEventRefused("header " + IDEMPOTENCY_KEY + " must be at most 255 characters");
        }
        try {
            normalizer.mapping(source);
            List<Object> raws = raws(message);
            IngestBatch stored = ingest.ingest(IngestBatch.of(environmentId(environment), source, raws, key,
                    header(message, HubTracing.TRACEPARENT)));
            message.setBody(Map.of("event_ids", stored.eventIds()));
        } catch (MappingException e) {
            throw RawEventRefused.byMapping(e);
        } catch (ApiException e) {
            String detail = e.problem().getDetail();
            if (e.problem().getStatus() >= 500) {
                throw new IngestUnavailable(detail, e);
            }
            throw new RawEventRefused(detail, null, List.of(), e);
        } catch (RejectedExecutionException e) {
            throw new IngestUnavailable("the hub is stopping; nothing was stored", e);
        } catch (RuntimeException e) {
            if (StoreUnavailable.is(e)) {
                throw new IngestUnavailable("the store is unavailable (" + e.getClass().getSimpleName()
                        + "); nothing was stored", e);
            }
            throw e;
        }
    }

    private List<Object> raws(Message message) {
        return switch (message.getBody()) {
            case null -> throw new RawEventRefused("the body is empty; send one raw event or a JSON array of them");
            case Map<?, ?> map -> RawEvents.of(map);
            case List<?> list -> RawEvents.of(list);
            default -> RawEvents.parse(json, bytes(message));
        };
    }

    private byte[] bytes(Message message) {
        byte[] bytes;
        if (message.getBody() instanceof InputStream in) {
            try (in) {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            } catch (IOException e) {
                throw new IngestUnavailable("reading the body failed: " + e.getMessage(), e);
            }
        } else {
            bytes = message.getBody(byte[].class);
        }
        if (bytes != null && bytes.length > maxBytes) {
            throw new RawEventRefused("the body is larger than hub.ingest.max-bytes (" + maxBytes + " bytes)");
        }
        return bytes;
    }

    private String environmentId(String name) {
        String environment = name == null ? defaultEnvironment : name;
        return environmentIds.byName(environment)
                .orElseThrow(() -> new RawEventRefused("no environment named '" + environment + "'"));
    }

    private static String header(Message message, String name) {
        String value = message.getHeader(name, String.class);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
