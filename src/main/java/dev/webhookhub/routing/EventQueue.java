package dev.webhookhub.routing;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.component.kafka.KafkaConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.webhookhub.HubProperties;
import dev.webhookhub.ingest.CommitGroup;
import dev.webhookhub.ingest.IngestBatch;
import dev.webhookhub.mapping.NormalizedEvent;
import dev.webhookhub.store.JsonColumns;
import dev.webhookhub.store.Timestamps;

/**
 * Kafka mode ({@code hub.queue=kafka}): ingest appends each stored event to the events topic, keyed by
 * environment and source so that one source's events stay in order on one partition; the dispatcher group reads
 * them back, routes them to subscriptions and stores the deliveries.
 */
@Component
public class EventQueue {

    /** What goes on the topic: enough to route without reading the event back first. */
    public record QueuedEvent(String environmentId, String id, String source, String type, String createdAt,
            Map<String, Object> envelope) {
    }

    private static final TypeReference<QueuedEvent> QUEUED = new TypeReference<>() {
    };

    private static final Logger log = LoggerFactory.getLogger(EventQueue.class);
    private static final int VISIBILITY_TRIES = 40;
    private static final long VISIBILITY_WAIT_MS = 50;

    private final JsonColumns json;
    private final JdbcClient jdbc;
    private final Duration visibilityTimeout;

    public EventQueue(JsonColumns json, JdbcClient jdbc, HubProperties properties) {
        this.json = json;
        this.jdbc = jdbc;
        this.visibilityTimeout = properties.kafka().visibilityTimeout();
    }

    /** An event as stored: its exact JSON and the trace it was ingested in. */
    private record Stored(String envelope, String traceparent) {
    }

    private Optional<Stored> stored(String eventId) {
        return jdbc.sql("SELECT envelope, traceparent FROM events WHERE id = ?").param(eventId)
                .query((rs, row) -> new Stored(rs.getString("envelope"), rs.getString("traceparent"))).optional();
    }

    /** Commit step (the split): every event of the group, as it goes on the topic. */
    public List<QueuedEvent> queued(CommitGroup group) {
        List<QueuedEvent> queued = new java.util.ArrayList<>();
        for (IngestBatch batch : group.members()) {
            for (NormalizedEvent event : batch.events()) {
                queued.add(new QueuedEvent(batch.environmentId(), event.id(), event.source(), event.type(),
                        Timestamps.iso(event.createdAt()), event.envelope()));
            }
        }
        return queued;
    }

    /** Commit step (per event of the split): the record, with its partition key. */
    public String toRecord(@Body QueuedEvent event, Exchange exchange) {
        exchange.getMessage().setHeader(KafkaConstants.KEY, event.environmentId() + "/" + event.source());
        return json.write(event);
    }

    /**
     * Dispatcher step: the batch to route for one record. The record is sent before its ingest transaction
     * commits, so its event may not be visible yet: wait for it a little, then have the record read again. An
     * event still missing after {@code hub.kafka.visibility-timeout} was rolled back (and its producer told so):
     * its record routes nowhere.
     */
    public IngestBatch fromRecord(@Body String record, @Header(KafkaConstants.TIMESTAMP) Long recordTimestamp)
            throws InterruptedException {
        QueuedEvent queued = json.read(record, QUEUED);
        Optional<Stored> stored;
        for (int tries = 0; (stored = stored(queued.id())).isEmpty(); tries++) {
            long ageMs = recordTimestamp == null ? Long.MAX_VALUE : System.currentTimeMillis() - recordTimestamp;
            if (ageMs > visibilityTimeout.toMillis()) {
                log.warn("event {} of record is not in the store after {} ms: its ingest rolled back; not routed", queued.id(), ageMs);
                return IngestBatch.of(queued.environmentId(), queued.source(), List.of(), null);
            }
            if (tries == VISIBILITY_TRIES) {
                throw new IllegalStateException("event " + queued.id() + " is not visible yet; the record will be read again");
            }
            Thread.sleep(VISIBILITY_WAIT_MS);
        }
        // its deliveries go out as the router makes them: with the bytes the store holds and the ingest's trace
        var event = new NormalizedEvent(queued.id(), queued.source(), queued.type(), Instant.parse(queued.createdAt()),
                queued.envelope(), stored.get().envelope());
        return IngestBatch.of(queued.environmentId(), queued.source(), List.of(), null, stored.get().traceparent())
                .withEvents(List.of(event), List.of(event.id()), Map.of(), List.of());
    }
}
