package dev.webhookhub.mapping;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;

/**
 * One source's mapping file, compiled: how its raw events become documented envelopes, and, when {@code inbound} is
 * not null, how its producers may push them over HTTP with their own signatures.
 */
public record SourceMapping(
        String source,
        String description,
        Path file,
        IdFormat idFormat,
        JsonSchema rawSchema,
        Expression envelope,
        List<StateSlot> state,
        Map<String, Expression> let,
        List<EventRule> events,
        List<EventType> reserved,
        Expression dedupKey,
        JsonNode envelopeSchema,
        InboundWebhook inbound) {

    /** The source of the hub's own (operational) events; no mapping file may take it. */
    public static final String HUB_SOURCE = "hub";

    /** How event ids look: {@code evt_} + 16 chars of [a-z0-9], or a UUID. */
    public enum IdFormat {
        EVT, UUID
    }

    /** A value kept per key between raw events, bound as {@code $name} while mapping. */
    public record StateSlot(String name, Expression key, Expression save) {
    }

    /** One documented event type: when it fires, its payload and the schema the payload must satisfy. */
    public record EventRule(String type, String description, Expression when, Expression data, JsonSchema schema,
            JsonNode schemaJson, int version) {
    }

    /**
     * A catalogued type: active (has a rule) or reserved (subscribable, never emitted).
     *
     * @param schema         its payload's schema (what the rule's {@code data} makes), or null
     * @param version        its schema version (the rule's {@code version}, 1 unless raised)
     * @param envelopeSchema the schema of the whole delivered body ({@link EnvelopeSchemas}), or null when the mapping
     *                       file does not describe its envelope
     */
    public record EventType(String source, String type, String description, boolean reserved, JsonNode schema, int version,
            JsonNode envelopeSchema) {
    }

    public List<EventType> eventTypes() {
        var types = new java.util.ArrayList<EventType>();
        for (EventRule rule : events) {
            if (types.stream().noneMatch(t -> t.type().equals(rule.type()))) {
                types.add(new EventType(source, rule.type(), rule.description(), false, rule.schemaJson(), rule.version(),
                        envelopeSchema == null ? null : EnvelopeSchemas.compose(envelopeSchema, rule.type(), rule.schemaJson())));
            }
        }
        types.addAll(reserved);
        return types;
    }
}
