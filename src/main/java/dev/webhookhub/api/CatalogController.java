package dev.webhookhub.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.webhookhub.contract.OperationalEventTypes;
import dev.webhookhub.mapping.EnvelopeSchemas;
import dev.webhookhub.mapping.MappingRegistry;
import dev.webhookhub.mapping.SampleEnvelopes;
import dev.webhookhub.mapping.SourceMapping;
import dev.webhookhub.mapping.SourceMapping.EventType;

/** What can be subscribed to: every type of every loaded source, with its payload schema, and the hub's own types. */
@RestController
public class CatalogController {

    private final MappingRegistry mappings;
    private final SampleEnvelopes samples;
    private final OperationalEventTypes operational;

    public CatalogController(MappingRegistry mappings, SampleEnvelopes samples, OperationalEventTypes operational) {
        this.mappings = mappings;
        this.samples = samples;
        this.operational = operational;
    }

    @GetMapping("/v1/event-types")
    public Map<String, Object> eventTypes() {
        List<Map<String, Object>> sources = new ArrayList<>();
        Map<String, Map<String, Object>> examples = samples.examples();
        for (SourceMapping mapping : mappings.sources()) {
            List<Map<String, Object>> types = new ArrayList<>();
            for (EventType type : mapping.eventTypes()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("type", type.type());
                entry.put("description", type.description());
                entry.put("reserved", type.reserved());
                entry.put("version", type.version());
                entry.put("schema", type.schema());
                // the whole body, as a webhook receives it: native, and as a CloudEvents 1.0 structured event
                entry.put("envelope_schema", type.envelopeSchema());
                entry.put("cloudevents_schema", type.envelopeSchema() == null ? null
                        : EnvelopeSchemas.cloudEvents(mapping.source(), type.type(), type.envelopeSchema()));
                entry.put("example", examples.get(type.type()));
                // every version served since the hub started, the current one last
                entry.put("versions", mappings.schemaVersions(type.type()).stream().map(v -> Map.of("version", v.version(),
                        "schema", v.schema(), "current", v.current())).toList());
                types.add(entry);
            }
            sources.add(Map.of("source", mapping.source(), "description", mapping.description(), "event_types", types));
        }
        // what operational webhooks receive (/v1/operational-webhooks); ordinary webhooks cannot subscribe to them
        List<Map<String, Object>> operationalTypes = operational.types().stream().map(t -> Map.<String, Object>of(
                "type", t.type(), "description", t.description(), "envelope_schema", t.envelopeSchema(),
                "example", t.example())).toList();
        return Map.of("sources", sources, "operational_event_types", operationalTypes);
    }

    /** Files by name only: where the server keeps them is not the tenant's business. */
    @GetMapping("/v1/sources")
    public Map<String, Object> sources() {
        List<Map<String, Object>> loaded = mappings.sources().stream()
                .map(m -> Map.<String, Object>of("source", m.source(), "file", m.file().getFileName().toString(),
                        "event_types", m.eventTypes().stream().map(EventType::type).toList()))
                .toList();
        List<Map<String, Object>> problems = mappings.problems().entrySet().stream()
                .map(e -> Map.<String, Object>of("file", e.getKey().getFileName().toString(), "errors", e.getValue()))
                .toList();
        return Map.of("sources", loaded, "errors", problems);
    }
}
