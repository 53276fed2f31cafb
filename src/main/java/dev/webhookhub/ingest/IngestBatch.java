package dev.webhookhub.ingest;

import java.util.List;
import java.util.Map;

import dev.webhookhub.delivery.NewDelivery;
import dev.webhookhub.mapping.NormalizedEvent;

/**
 * What flows through the ingest route: the raw events of one request, then the envelopes they map to, then the
 * deliveries those are routed to. Each step returns a copy with its part filled in.
 *
 * @param idempotencyKey the request's Idempotency-Key header, or null
 * @param replayed       the key was seen before: {@link #eventIds} are the original ids and nothing is created
 * @param eventIds       the ids to answer with, in raw-event order (new events and deduplicated raw events alike)
 * @param newKeys        dedupKey values first seen in this batch, with the ids their raw event produced
 */
public record IngestBatch(String environmentId, String source, List<Object> raws, String idempotencyKey,
        boolean replayed, List<NormalizedEvent> events, List<String> eventIds, Map<String, List<String>> newKeys,
        List<NewDelivery> deliveries) {

    public static IngestBatch of(String environmentId, String source, List<Object> raws, String idempotencyKey) {
        return new IngestBatch(environmentId, source, List.copyOf(raws), idempotencyKey, false, List.of(), List.of(),
                Map.of(), List.of());
    }

    public IngestBatch replay(List<String> originalIds) {
        return new IngestBatch(environmentId, source, raws, idempotencyKey, true, List.of(), List.copyOf(originalIds),
                Map.of(), List.of());
    }

    public IngestBatch withEvents(List<NormalizedEvent> normalized, List<String> ids, Map<String, List<String>> keys) {
        return new IngestBatch(environmentId, source, raws, idempotencyKey, replayed, List.copyOf(normalized),
                List.copyOf(ids), Map.copyOf(keys), deliveries);
    }

    public IngestBatch withDeliveries(List<NewDelivery> routed) {
        return new IngestBatch(environmentId, source, raws, idempotencyKey, replayed, events, eventIds, newKeys,
                List.copyOf(routed));
    }

    /** For the route's filter: a batch that still has to be mapped and stored. */
    public boolean isFresh() {
        return !replayed;
    }
}
