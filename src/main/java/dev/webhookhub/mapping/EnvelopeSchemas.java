package dev.webhookhub.mapping;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON Schema of a whole delivered body, as the subscriber receives it. A mapping file's {@code envelopeSchema}
 * describes its envelope once, for every type: the string {@code "$payload"} stands where the type's own schema goes,
 * {@code "$type"} as a value for the type's name (a {@code const}), and {@code $type} as a property name (or in
 * {@code required}) for a property named after the type (SYNQ puts its payload under the event type's name).
 */
public final class EnvelopeSchemas {

    public static final String PAYLOAD = "$payload";
    public static final String TYPE = "$type";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private EnvelopeSchemas() {
    }

    /** True when the template has a place for the payload. */
    static boolean hasPayloadSlot(JsonNode template) {
        if (template.isTextual()) {
            return PAYLOAD.equals(template.asText());
        }
        for (JsonNode child : template) {
            if (hasPayloadSlot(child)) {
                return true;
            }
        }
        return false;
    }

    /** The envelope schema of one type: the template with the type's name and payload schema put in. */
    static JsonNode compose(JsonNode template, String type, JsonNode payload) {
        if (template.isTextual()) {
            return switch (template.asText()) {
                case PAYLOAD -> payload == null ? NODES.objectNode() : payload.deepCopy();
                case TYPE -> NODES.objectNode().put("const", type);
                default -> template.deepCopy();
            };
        }
        if (template.isArray()) {
            ArrayNode array = NODES.arrayNode();
            for (JsonNode item : template) {
                array.add(item.isTextual() && TYPE.equals(item.asText()) ? NODES.textNode(type) : compose(item, type, payload));
            }
            return array;
        }
        if (template.isObject()) {
            ObjectNode object = NODES.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> fields = template.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                object.set(TYPE.equals(field.getKey()) ? type : field.getKey(), compose(field.getValue(), type, payload));
            }
            return object;
        }
        return template.deepCopy();
    }

    /** The body a {@code format: cloudevents} webhook receives: a CloudEvents 1.0 structured event around the envelope. */
    public static JsonNode cloudEvents(String source, String type, JsonNode envelope) {
        ObjectNode schema = NODES.objectNode();
        schema.put("type", "object");
        schema.putArray("required").add("specversion").add("id").add("source").add("type").add("time")
                .add("datacontenttype").add("data");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("specversion").put("const", "1.0");
        properties.putObject("id").put("type", "string");
        properties.putObject("source").put("const", "/webhook-hub/" + source);
        properties.putObject("type").put("const", type);
        properties.putObject("time").put("type", "string").put("format", "date-time");
        properties.putObject("datacontenttype").put("const", "application/json");
        properties.set("data", envelope == null ? NODES.objectNode() : envelope.deepCopy());
        schema.put("additionalProperties", false);
        return schema;
    }
}
