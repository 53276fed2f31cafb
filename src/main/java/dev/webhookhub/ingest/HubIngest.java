package dev.webhookhub.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.webhookhub.HubProperties;
import dev.webhookhub.api.ApiException;
import dev.webhookhub.mapping.MappingException;
import dev.webhookhub.security.EnvironmentRepository;
import dev.webhookhub.store.StoreUnavailable;

/**
 * {@code direct:hub-ingest}: the entry of every inbound route that is not the HTTP API, the shipped ones (Kafka, SQL
 * outbox) and a team's own (docs/ADD-A-ROUTE.md). Header {@value #SOURCE} names the source (required),
 * {@value #ENVIRONMENT} the environment (default {@code hub.inbound.environment}), {@value #IDEMPOTENCY_KEY} an
 * optional idempotency key; the body is one raw event (JSON text, bytes, a stream or a map) or a JSON array of them,
 * taken all or nothing. On return the events are durable and the body is {@code {"event_ids": [...]}}. What goes
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
    private final EnvironmentRepository environments;
    private final ObjectMapper json;
    private final String defaultEnvironment;
    private final long maxBytes;
    private final Map<String, String> environmentIds = new ConcurrentHashMap<>();

    public HubIngest(IngestService ingest, RawEventNormalizer normalizer, EnvironmentRepository environments,
            ObjectMapper json, HubProperties properties) {
        this.ingest = ingest;
        this.normalizer = normalizer;
        this.environments = environments;
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
            IngestBatch stored = ingest.ingest(IngestBatch.of(environmentId(environment), source, raws, key));
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
        Object body = message.getBody();
        Object value = switch (body) {
            case null -> throw new RawEventRefused("the body is empty; send one raw event or a JSON array of them");
            case Map<?, ?> map -> map;
            case List<?> list -> list;
            default -> parse(bytes(message));
        };
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                throw new RawEventRefused("an array must hold at least one raw event");
            }
            if (list.contains(null)) {
                throw new RawEventRefused("item " + list.indexOf(null) + " is null; a raw event must be a JSON object");
            }
            return List.copyOf(list);
        }
        if (value == null) {
            throw new RawEventRefused("a raw event must be a JSON object, not null");
        }
        return List.of(value);
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
        if (bytes == null || bytes.length == 0) {
            throw new RawEventRefused("the body is empty; send one raw event or a JSON array of them");
        }
        if (bytes.length > maxBytes) {
            throw new RawEventRefused("the body is larger than hub.ingest.max-bytes (" + maxBytes + " bytes)");
        }
        return bytes;
    }

    private Object parse(byte[] bytes) {
        try {
            Object value = json.readValue(bytes, Object.class);
            WellFormedText.check(value);
            return value;
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            throw new RawEventRefused("not JSON" + (location == null ? "" : " at line " + location.getLineNr()
                    + ", column " + location.getColumnNr()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RawEventRefused("not JSON: " + e.getMessage());
        }
    }

    private String environmentId(String name) {
        String environment = name == null ? defaultEnvironment : name;
        String id = environmentIds.get(environment);
        if (id == null) {
            id = environments.findByName(environment)
                    .orElseThrow(() -> new RawEventRefused("no environment named '" + environment + "'")).id();
            environmentIds.put(environment, id);
        }
        return id;
    }

    private static String header(Message message, String name) {
        String value = message.getHeader(name, String.class);
        return value == null || value.isBlank() ? null : value.strip();
    }
}
