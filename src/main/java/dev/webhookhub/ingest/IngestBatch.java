package dev.webhookhub.ingest;

import java.util.List;

import dev.webhookhub.delivery.NewDelivery;
import dev.webhookhub.mapping.NormalizedEvent;

/**
 * What flows through the ingest route: the raw events of one request, then the envelopes they map to, then the
 * deliveries those are routed to. Each step returns a copy with its part filled in.
 */
public record IngestBatch(String environmentId, String source, List<Object> raws, List<NormalizedEvent> events,
        List<NewDelivery> deliveries) {

    public static IngestBatch of(String environmentId, String source, List<Object> raws) {
        return new IngestBatch(environmentId, source, List.copyOf(raws), List.of(), List.of());
    }

    public IngestBatch withEvents(List<NormalizedEvent> normalized) {
        return new IngestBatch(environmentId, source, raws, List.copyOf(normalized), deliveries);
    }

    public IngestBatch withDeliveries(List<NewDelivery> routed) {
        return new IngestBatch(environmentId, source, raws, events, List.copyOf(routed));
    }

    public List<String> eventIds() {
        return events.stream().map(NormalizedEvent::id).toList();
    }
}
