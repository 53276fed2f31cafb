package dev.webhookhub.ingest;

import java.util.List;
import java.util.Map;

import dev.webhookhub.delivery.DeliveryJob;
import dev.webhookhub.mapping.NormalizedEvent;
import dev.webhookhub.mapping.StateWrite;

/**
 * What flows through the ingest route: the raw events of one request, then the envelopes they map to and the state
 * the mapping wants to keep, then the deliveries those are routed to. Each step returns a copy with its part filled
 * in; the commit writes all of it at once.
 *
 * @param idempotencyKey the request's Idempotency-Key header, or null
 * @param replayed       the key was seen before: {@link #eventIds} are the original ids and nothing is created
 * @param eventIds       the ids to answer with, in raw-event order (new events and deduplicated raw events alike)
 * @param newKeys        dedupKey values first seen in this batch, with the ids their raw event produced
 * @param stateWrites    the mapping state this batch read and what it leaves there
 * @param deliveries     what the router made of the events, each ready for its first attempt
 * @param traceparent    the W3C trace context it came with; once ingest has begun, its ingest span's
 */
public record IngestBatch(String environmentId, String source, List<Object> raws, String idempotencyKey,
        boolean replayed, List<NormalizedEvent> events, List<String> eventIds, Map<String, List<String>> newKeys,
        List<StateWrite> stateWrites, List<DeliveryJob> deliveries, String traceparent) {

    public static IngestBatch of(String environmentId, String source, List<Object> raws, String idempotencyKey) {
        return of(environmentId, source, raws, idempotencyKey, null);
    }

    public static IngestBatch of(String environmentId, String source, List<Object> raws, String idempotencyKey,
            String traceparent) {
        return new IngestBatch(environmentId, source, List.copyOf(raws), idempotencyKey, false, List.of(), List.of(),
                Map.of(), List.of(), List.of(), traceparent);
    }

    public IngestBatch tracedBy(String ingestSpan) {
        return new IngestBatch(environmentId, source, raws, idempotencyKey, replayed, events, eventIds, newKeys,
                stateWrites, deliveries, ingestSpan);
    }

    public IngestBatch replay(List<String> originalIds) {
        return new IngestBatch(environmentId, source, raws, idempotencyKey, true, List.of(), List.copyOf(originalIds),
                Map.of(), List.of(), List.of(), traceparent);
    }

    public IngestBatch withEvents(List<NormalizedEvent> normalized, List<String> ids, Map<String, List<String>> keys,
            List<StateWrite> writes) {
        return new IngestBatch(environmentId, source, raws, idempotencyKey, replayed, List.copyOf(normalized),
                List.copyOf(ids), Map.copyOf(keys), List.copyOf(writes), deliveries, traceparent);
    }

    public IngestBatch withDeliveries(List<DeliveryJob> routed) {
        return new IngestBatch(environmentId, source, raws, idempotencyKey, replayed, events, eventIds, newKeys,
                stateWrites, List.copyOf(routed), traceparent);
    }

    /** For the route's filter: a batch that still has to be mapped and stored. */
    public boolean isFresh() {
        return !replayed;
    }
}
