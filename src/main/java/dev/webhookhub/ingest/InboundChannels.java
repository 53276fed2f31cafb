package dev.webhookhub.ingest;

import java.util.List;
import java.util.Map;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.webhookhub.HubProperties;
import dev.webhookhub.api.ApiException;
import dev.webhookhub.mapping.MappingException;
import dev.webhookhub.security.EnvironmentRepository;

/**
 * Turns what the non-HTTP inbound routes read (an outbox row, a Kafka record) into the same IngestBatch that HTTP ingest sends to
 * {@code direct:ingest}. Rows are ingested into the environment named by {@code hub.inbound.environment}, with the
 * row id as idempotency key, so a row read twice makes its events once.
 */
@Component
public class InboundChannels {

    public static final String OUTBOX_ROW_ID = "outboxRowId";
    public static final String ERROR = "inboundError";
    static final String RAW = "inboundRaw";

    private final EnvironmentRepository environments;
    private final ObjectMapper json;
    private final String environmentName;
    private volatile String environmentId;

    public InboundChannels(EnvironmentRepository environments, ObjectMapper json, HubProperties properties) {
        this.environments = environments;
        this.json = json;
        this.environmentName = properties.inbound().environment();
    }

    public IngestBatch fromOutboxRow(Map<String, Object> row, Exchange exchange) {
        Object id = row.get("id") != null ? row.get("id") : row.get("ID");
        exchange.setProperty(OUTBOX_ROW_ID, id);
        try {
            String source = String.valueOf(column(row, "source"));
            Object raw = parse(column(row, "payload"));
            return IngestBatch.of(environmentId(), source, List.of(raw), "outbox:" + id);
        } catch (RuntimeException e) {
            exchange.setProperty(ERROR, abbreviate(e.getMessage()));
            throw e;
        }
    }

    /**
     * A Kafka record of topic {@code <prefix><source>}. Its topic, partition and offset are its idempotency key:
     * a record read again after a crash (offset not yet committed) makes its events once.
     */
    public IngestBatch fromKafkaRecord(@Header("hubSource") String source, @Header(KafkaConstants.TOPIC) String topic,
            @Header(KafkaConstants.PARTITION) Integer partition, @Header(KafkaConstants.OFFSET) Long offset,
            @Body String payload, Exchange exchange) {
        exchange.setProperty(RAW, payload);
        try {
            return IngestBatch.of(environmentId(), source, List.of(parse(payload)),
                    "kafka:" + topic + ":" + partition + ":" + offset);
        } catch (RuntimeException e) {
            exchange.setProperty(ERROR, abbreviate(e.getMessage()));
            throw e;
        }
    }

    /** The record as it came, with the reason it was set aside, for the dead-letter topic. */
    public void toDeadLetter(Exchange exchange) {
        var message = exchange.getMessage();
        message.setBody(exchange.getProperty(RAW, String.class));
        message.setHeader("hub-error", exchange.getProperty(ERROR, String.class));
        message.setHeader("hub-source", message.getHeader("hubSource"));
        message.setHeader("hub-original-topic", message.getHeader(KafkaConstants.TOPIC));
        message.setHeader("hub-original-offset", String.valueOf(message.getHeader(KafkaConstants.OFFSET)));
        message.removeHeader("hubSource");
    }

    /** For the doCatch of the inbound routes: why the row or message was set aside. */
    public void describeFailure(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e, Exchange exchange) {
        Throwable reason = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MappingException mapping) {
                exchange.setProperty(ERROR, abbreviate(mapping.getMessage() + " " + mapping.errors()));
                return;
            }
            if (t instanceof ApiException || t instanceof UnreadableRawEvent) {
                reason = t;
            }
        }
        exchange.setProperty(ERROR, abbreviate(reason.getMessage()));
    }

    private Object parse(Object payload) {
        try {
            return json.readValue(String.valueOf(payload), Object.class);
        } catch (JsonProcessingException e) {
            throw new UnreadableRawEvent("payload is not JSON: " + e.getOriginalMessage());
        }
    }

    private static Object column(Map<String, Object> row, String name) {
        Object value = row.containsKey(name) ? row.get(name) : row.get(name.toUpperCase());
        if (value == null) {
            throw new UnreadableRawEvent("outbox row has no " + name);
        }
        return value;
    }

    private String environmentId() {
        if (environmentId == null) {
            environmentId = environments.findByName(environmentName)
                    .orElseThrow(() -> ApiException.notFound("environment", environmentName)).id();
        }
        return environmentId;
    }

    private static String abbreviate(String message) {
        return message == null ? "failed" : message.length() > 1000 ? message.substring(0, 1000) : message;
    }

    /** A raw event that is not JSON, or an outbox row without source or payload. */
    public static class UnreadableRawEvent extends RuntimeException {
        public UnreadableRawEvent(String message) {
            super(message);
        }
    }
}
