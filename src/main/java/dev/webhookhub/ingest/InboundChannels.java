package dev.webhookhub.ingest;

import java.util.Map;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.stereotype.Component;

import dev.webhookhub.HubProperties;
import dev.webhookhub.tracing.HubTracing;

/**
 * What the shipped inbound routes (SQL outbox, Kafka) read, made into a {@code direct:hub-ingest} message like any
 * other route's. Each record or row carries its own idempotency key, so one read twice (a crash before its offset
 * was committed or its row marked) makes its events once.
 */
@Component
public class InboundChannels {

    public static final String OUTBOX_ROW_ID = "outboxRowId";
    public static final String ERROR = "inboundError";
    static final String RAW = "inboundRaw";

    private final String topicPrefix;

    public InboundChannels(HubProperties properties) {
        this.topicPrefix = properties.inbound().kafka().topicPrefix();
    }

    /** An outbox row: its source column names the source, its payload is the raw event, its id the key. */
    public void fromOutboxRow(@Body Map<String, Object> row, Exchange exchange) {
        Object id = column(row, "id");
        exchange.setProperty(OUTBOX_ROW_ID, id);
        Message message = exchange.getMessage();
        message.setHeader(HubIngest.SOURCE, column(row, "source"));
        message.setHeader(HubIngest.IDEMPOTENCY_KEY, "outbox:" + id);
        Object payload = column(row, "payload");
        message.setBody(payload == null ? null : String.valueOf(payload));
        // optional: an outbox whose SELECT names a traceparent column continues the producer's trace
        Object traceparent = column(row, HubTracing.TRACEPARENT);
        if (traceparent != null) {
            message.setHeader(HubTracing.TRACEPARENT, String.valueOf(traceparent));
        }
    }

    /**
     * A Kafka record of topic {@code <prefix><source>}. Whatever {@code hub*} headers the producer put on the record
     * are dropped: the topic names the source, the configuration the environment, the record's place the key.
     */
    public void fromKafkaRecord(@Header(KafkaConstants.TOPIC) String topic, @Header(KafkaConstants.PARTITION) Integer partition,
            @Header(KafkaConstants.OFFSET) Long offset, @Body String payload, Exchange exchange) {
        exchange.setProperty(RAW, payload);
        Message message = exchange.getMessage();
        message.removeHeaders("hub*");
        message.setHeader(HubIngest.SOURCE, topic.startsWith(topicPrefix) ? topic.substring(topicPrefix.length()) : topic);
        message.setHeader(HubIngest.IDEMPOTENCY_KEY, "kafka:" + topic + ":" + partition + ":" + offset);
    }

    /** The record as it came, with the reason it was set aside, for the dead-letter topic. */
    public void toDeadLetter(Exchange exchange) {
        var message = exchange.getMessage();
        message.setBody(exchange.getProperty(RAW, String.class));
        message.setHeader("hub-error", exchange.getProperty(ERROR, String.class));
        message.setHeader("hub-source", message.getHeader(HubIngest.SOURCE));
        message.setHeader("hub-original-topic", message.getHeader(KafkaConstants.TOPIC));
        message.setHeader("hub-original-offset", String.valueOf(message.getHeader(KafkaConstants.OFFSET)));
        message.removeHeader(HubIngest.SOURCE);
        message.removeHeader(HubIngest.ENVIRONMENT);
        message.removeHeader(HubIngest.IDEMPOTENCY_KEY);
    }

    /** For the doCatch of the inbound routes: why the row or message was set aside. */
    public void describeFailure(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception e, Exchange exchange) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        exchange.setProperty(ERROR, message.length() > 1000 ? message.substring(0, 1000) : message);
    }

    /** A column by its name, as the database spells it (H2 answers in upper case). */
    private static Object column(Map<String, Object> row, String name) {
        return row.containsKey(name) ? row.get(name) : row.get(name.toUpperCase());
    }
}
