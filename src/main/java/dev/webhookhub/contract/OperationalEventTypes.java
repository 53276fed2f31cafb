package dev.webhookhub.contract;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.webhookhub.subscription.OperationalTypes;

/**
 * The published contract of the hub's own events about webhooks (the bodies operational webhooks receive): one
 * entry per type with the JSON Schema of the whole body and an example, read from
 * {@code contract/operational-events.json}. That file says what {@code data} holds beyond {@code webhook_id} and
 * {@code url}; the envelope around it ({@code type}, {@code timestamp}, {@code data}) is the same for every type.
 */
@Component
public class OperationalEventTypes {

    static final String RESOURCE = "/contract/operational-events.json";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String EXAMPLE_WEBHOOK = "5b0f7c1e-3d0a-4f57-9a8e-2c6b1d4e9f30";

    /** One type: what it means, the schema of the whole delivered body, and an example body. */
    public record Type(String type, String description, JsonNode envelopeSchema, JsonNode example) {
    }

    private final List<Type> types;

    public OperationalEventTypes(ObjectMapper json) throws IOException {
        try (InputStream in = OperationalEventTypes.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            JsonNode file = json.readTree(in);
            List<Type> read = new ArrayList<>();
            for (String type : OperationalTypes.ALL) {
                JsonNode entry = file.path(type);
                if (entry.isMissingNode()) {
                    throw new IllegalStateException(RESOURCE + " does not describe " + type);
                }
                read.add(new Type(type, entry.path("description").asText(), envelopeSchema(type, entry.path("data")),
                        example(type, entry.path("example"))));
            }
            Set<String> described = new HashSet<>();
            file.fieldNames().forEachRemaining(described::add);
            if (!Set.copyOf(OperationalTypes.ALL).equals(described)) {
                throw new IllegalStateException(RESOURCE + " describes " + described + ", the hub sends " + OperationalTypes.ALL);
            }
            this.types = List.copyOf(read);
        }
    }

    public List<Type> types() {
        return types;
    }

    /** {@code {"type": <const>, "timestamp", "data": {"webhook_id", "url", ...}}}, nothing else. */
    private static JsonNode envelopeSchema(String type, JsonNode data) {
        ObjectNode dataSchema = NODES.objectNode().put("type", "object").put("additionalProperties", false);
        ArrayNode required = dataSchema.putArray("required").add("webhook_id").add("url");
        data.path("required").forEach(required::add);
        ObjectNode properties = dataSchema.putObject("properties");
        properties.putObject("webhook_id").put("type", "string").put("description", "the webhook this is about");
        properties.putObject("url").put("description", "its target URL (null for a Kafka or AMQP destination)")
                .putArray("type").add("string").add("null");
        data.path("properties").properties().forEach(p -> properties.set(p.getKey(), p.getValue()));

        ObjectNode schema = NODES.objectNode().put("$schema", "https://json-schema.org/draft/2020-12/schema")
                .put("type", "object").put("additionalProperties", false);
        schema.putArray("required").add("type").add("timestamp").add("data");
        ObjectNode envelope = schema.putObject("properties");
        envelope.putObject("type").put("const", type);
        envelope.putObject("timestamp").put("type", "string").put("format", "date-time");
        envelope.set("data", dataSchema);
        return schema;
    }

    private static JsonNode example(String type, JsonNode data) {
        ObjectNode body = NODES.objectNode().put("type", type).put("timestamp", "2026-01-01T00:00:00.000Z");
        ObjectNode exampleData = body.putObject("data").put("webhook_id", EXAMPLE_WEBHOOK)
                .put("url", "https://example.com/webhooks");
        exampleData.setAll((ObjectNode) data);
        return body;
    }
}
