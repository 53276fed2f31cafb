package dev.webhookhub.mapping;

import java.time.Instant;
import java.util.Map;

/** A documented event produced from a raw one: its envelope as values and as the exact JSON subscribers get. */
public record NormalizedEvent(String id, String source, String type, Instant createdAt, Map<String, Object> envelope,
        String envelopeJson) {
}
