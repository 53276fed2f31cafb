package dev.webhookhub.contract;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;

import dev.webhookhub.mapping.EnvelopeSchemas;
import dev.webhookhub.mapping.MappingRegistry;
import dev.webhookhub.mapping.SampleEnvelopes;
import dev.webhookhub.mapping.SourceMapping;
import dev.webhookhub.mapping.SourceMapping.EventType;

/**
 * Everything the hub sends, as an AsyncAPI 3.0 document made from the loaded mappings: one channel per source (its
 * address is each subscriber's own URL), one message per event type and body format (native, and CloudEvents 1.0
 * structured), with the whole body's schema, the type's example and the Standard Webhooks headers; one {@code send}
 * operation per source, signed as Standard Webhooks says; and a channel {@code hub} for the hub's own events that
 * operational webhooks receive. Made afresh on each request, so it follows hot reloads.
 */
@Component
public class AsyncApiDocument {

    static final String VERSION = "3.0.0";

    /** A mapping named {@code hub} is refused, so this channel is never a source's. */
    static final String OPERATIONAL_CHANNEL = "hub";

    private final MappingRegistry mappings;
    private final SampleEnvelopes samples;
    private final OperationalEventTypes operational;

    public AsyncApiDocument(MappingRegistry mappings, SampleEnvelopes samples, OperationalEventTypes operational) {
        this.mappings = mappings;
        this.samples = samples;
        this.operational = operational;
    }

    public Map<String, Object> build() {
        Map<String, Map<String, Object>> examples = samples.examples();
        Map<String, Object> channels = new LinkedHashMap<>();
        Map<String, Object> operations = new LinkedHashMap<>();
        Map<String, Object> messages = new LinkedHashMap<>();
        for (SourceMapping mapping : mappings.sources()) {
            String channel = messageId(mapping.source());
            Map<String, Object> channelMessages = new LinkedHashMap<>();
            List<Map<String, Object>> operationMessages = new ArrayList<>();
            for (EventType type : mapping.eventTypes()) {
                if (type.reserved() || type.envelopeSchema() == null) {
                    continue;
                }
                for (Format format : Format.values()) {
                    String id = messageId(type.type()) + format.suffix;
                    messages.put(id, message(mapping.source(), type, format, examples.get(type.type())));
                    channelMessages.put(id, Map.of("$ref", "#/components/messages/" + id));
                    operationMessages.add(Map.of("$ref", "#/channels/" + channel + "/messages/" + id));
                }
            }
            channels.put(channel, ordered("address", null,
                    "title", mapping.source(),
                    "description", mapping.description() + ". POSTed to each webhook's target_url (its own address).",
                    "messages", channelMessages));
            operations.put("send-" + channel, ordered("action", "send",
                    "channel", Map.of("$ref", "#/channels/" + channel),
                    "summary", "The hub POSTs " + mapping.source() + " events to subscribed webhooks",
                    "security", List.of(Map.of("$ref", "#/components/securitySchemes/standardWebhooks")),
                    "messages", operationMessages));
        }
        addOperational(channels, operations, messages);
        return ordered("asyncapi", VERSION,
                "info", ordered("title", "webhook-hub events", "version", "1",
                        "description", "Every event the hub delivers to webhooks, by source and type, with the schema of the "
                                + "whole body as the subscriber receives it. At least once; dedupe on webhook-id."),
                "defaultContentType", "application/json",
                "channels", channels,
                "operations", operations,
                "components", ordered("messages", messages,
                        "schemas", Map.of("StandardWebhooksHeaders", headers()),
                        "securitySchemes", Map.of("standardWebhooks", ordered("type", "httpApiKey", "in", "header",
                                "name", "webhook-signature",
                                "description", "Standard Webhooks: v1,<base64 HMAC-SHA256 of \"webhook-id.webhook-timestamp.body\"> "
                                        + "with the webhook's whsec_ secret; during the 24 h after a rotation a second, "
                                        + "space-separated signature with the previous secret"))));
    }

    private void addOperational(Map<String, Object> channels, Map<String, Object> operations, Map<String, Object> messages) {
        Map<String, Object> channelMessages = new LinkedHashMap<>();
        List<Map<String, Object>> operationMessages = new ArrayList<>();
        for (OperationalEventTypes.Type type : operational.types()) {
            // prefixed: a source may name a type of its own like one of these
            String id = OPERATIONAL_CHANNEL + "." + messageId(type.type());
            messages.put(id, ordered("name", type.type(),
                    "title", type.type(),
                    "summary", type.description(),
                    "contentType", "application/json",
                    "headers", Map.of("$ref", "#/components/schemas/StandardWebhooksHeaders"),
                    "payload", type.envelopeSchema(),
                    "examples", List.of(Map.of("name", "example", "payload", type.example()))));
            channelMessages.put(id, Map.of("$ref", "#/components/messages/" + id));
            operationMessages.add(Map.of("$ref", "#/channels/" + OPERATIONAL_CHANNEL + "/messages/" + id));
        }
        channels.put(OPERATIONAL_CHANNEL, ordered("address", null,
                "title", "operational events",
                "description", "The hub's own events about an environment's webhooks. POSTed to its operational webhooks "
                        + "(/v1/operational-webhooks), never to ordinary ones.",
                "messages", channelMessages));
        operations.put("send-" + OPERATIONAL_CHANNEL, ordered("action", "send",
                "channel", Map.of("$ref", "#/channels/" + OPERATIONAL_CHANNEL),
                "summary", "The hub POSTs events about webhooks to operational webhooks",
                "security", List.of(Map.of("$ref", "#/components/securitySchemes/standardWebhooks")),
                "messages", operationMessages));
    }

    private enum Format {
        NATIVE("", "application/json"), CLOUDEVENTS(".cloudevents", "application/cloudevents+json");

        final String suffix;
        final String contentType;

        Format(String suffix, String contentType) {
            this.suffix = suffix;
            this.contentType = contentType;
        }
    }

    private static Map<String, Object> message(String source, EventType type, Format format, Map<String, Object> example) {
        JsonNode payload = format == Format.NATIVE ? type.envelopeSchema()
                : EnvelopeSchemas.cloudEvents(source, type.type(), type.envelopeSchema());
        Map<String, Object> message = ordered("name", type.type(),
                "title", type.type() + (format == Format.NATIVE ? "" : " (CloudEvents)"),
                "summary", type.description(),
                "contentType", format.contentType,
                "headers", Map.of("$ref", "#/components/schemas/StandardWebhooksHeaders"),
                "payload", payload,
                "x-schema-version", type.version());
        if (example != null) {
            Object body = format == Format.NATIVE ? example : ordered("specversion", "1.0", "id", "01936a5b-0000-7000-8000-000000000000",
                    "source", "/webhook-hub/" + source, "type", type.type(), "time", "2026-01-01T00:00:00.000Z",
                    "datacontenttype", "application/json", "data", example);
            message.put("examples", List.of(Map.of("name", "golden-sample", "payload", body)));
        }
        return message;
    }

    private static Map<String, Object> headers() {
        return ordered("type", "object",
                "required", List.of("webhook-id", "webhook-timestamp", "webhook-signature"),
                "properties", ordered(
                        "webhook-id", ordered("type", "string", "description", "the event's id; the same on every retry"),
                        "webhook-timestamp", ordered("type", "string", "pattern", "^[0-9]+$",
                                "description", "unix seconds of this attempt"),
                        "webhook-signature", ordered("type", "string", "pattern", "^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$",
                                "description", "v1,<signature>, space-separated when two secrets sign")));
    }

    /** AsyncAPI ids are letters, digits, '.', '-' and '_': "record:created" becomes "record_created". */
    static String messageId(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
