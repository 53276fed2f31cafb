package dev.webhookhub.mapping;

import dev.webhookhub.support.ShippedSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Runs every golden sample in {@code mappings/<source>/samples/*.yaml} through its mapping, as ingest would
 * (state carried from step to step), and compares each envelope with the expected one. In expectations,
 * {@code "<uuid>"}, {@code "<evt-id>"}, {@code "<timestamp>"} and {@code "<any>"} match by pattern.
 * <p>
 * For mapping authors, one source only: {@code ./mvnw test -Dtest=GoldenSamplesTest -Dsamples=feedback}.
 */
class GoldenSamplesTest {

    static final Path MAPPINGS = Path.of("mappings");
    static final String ENVIRONMENT = "00000000-0000-4000-8000-000000000000";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final com.networknt.schema.JsonSchemaFactory SCHEMAS = com.networknt.schema.JsonSchemaFactory
            .getInstance(com.networknt.schema.SpecVersion.VersionFlag.V202012);
    private static final com.networknt.schema.SchemaValidatorsConfig SCHEMA_CONFIG = com.networknt.schema.SchemaValidatorsConfig
            .builder().formatAssertionsEnabled(true).build();

    @TestFactory
    Stream<DynamicTest> goldenSamples() throws IOException {
        String only = System.getProperty("samples", "");
        return sampleFiles().stream()
                .filter(f -> only.isBlank() || f.getParent().getParent().getFileName().toString().equals(only))
                .map(f -> DynamicTest.dynamicTest(MAPPINGS.relativize(f).toString(), f.toUri(), () -> run(f)));
    }

    @Test
    void everyEventTypeOfEverySourceHasASample() throws IOException {
        var loader = new MappingLoader(ShippedSettings.mappingBounds());
        for (Path file : mappingFiles()) {
            SourceMapping mapping = loader.load(file);
            List<String> covered = new ArrayList<>();
            for (Path sample : sampleFiles()) {
                if (sample.startsWith(MAPPINGS.resolve(mapping.source()))) {
                    YAML.readTree(sample.toFile()).path("steps").forEach(step ->
                            step.path("expect").forEach(e -> covered.add(typeOf(e))));
                }
            }
            assertThat(covered).as("event types of %s with a golden sample", mapping.source())
                    .containsAll(mapping.events().stream().map(SourceMapping.EventRule::type).distinct().toList());
        }
    }

    static void run(Path sampleFile) throws IOException {
        Path sourceDir = sampleFile.getParent().getParent();
        SourceMapping mapping = new MappingLoader(ShippedSettings.mappingBounds()).load(sourceDir.resolveSibling(sourceDir.getFileName() + ".yaml"));
        Normalizer normalizer = new Normalizer(JSON);
        MappingState state = MappingState.inMemory();
        JsonNode sample = YAML.readTree(sampleFile.toFile());
        int stepNumber = 0;
        for (JsonNode step : sample.path("steps")) {
            stepNumber++;
            String where = sourceDir.getFileName() + "/samples/" + sampleFile.getFileName() + " step " + stepNumber;
            Object raw = JSON.treeToValue(step.get("raw"), Object.class);
            if (step.has("error")) {
                try {
                    normalizer.normalize(mapping, raw, ENVIRONMENT, state);
                    fail(where + ": expected the mapping to refuse the raw event (" + step.get("error").asText() + ")");
                } catch (MappingException e) {
                    assertThat(e.getMessage() + " " + e.errors()).as(where).contains(step.get("error").asText());
                }
                continue;
            }
            List<NormalizedEvent> events = normalizer.normalize(mapping, raw, ENVIRONMENT, state);
            JsonNode expected = step.path("expect");
            if (events.size() != expected.size()) {
                fail(where + ": expected " + expected.size() + " event(s) " + types(expected) + " but the mapping produced "
                        + events.size() + " " + events.stream().map(NormalizedEvent::type).toList());
            }
            for (int i = 0; i < events.size(); i++) {
                JsonNode actual = JSON.readTree(events.get(i).envelopeJson());
                String difference = firstDifference("$", expected.get(i), actual);
                if (difference != null) {
                    fail(where + ", event " + (i + 1) + " (" + events.get(i).type() + "): " + difference);
                }
                String type = events.get(i).type();
                JsonNode envelopeSchema = mapping.eventTypes().stream().filter(t -> t.type().equals(type)).findFirst()
                        .orElseThrow().envelopeSchema();
                assertThat(envelopeSchema).as("%s: the envelope schema of %s", where, type).isNotNull();
                assertThat(SCHEMAS.getSchema(envelopeSchema, SCHEMA_CONFIG).validate(actual))
                        .as("%s, event %d (%s): the published envelope schema holds the body", where, i + 1, type).isEmpty();
            }
        }
    }

    /** The first field where {@code actual} is not what {@code expected} says, as "path: expected ... but was ...". */
    static String firstDifference(String path, JsonNode expected, JsonNode actual) {
        if (expected.isTextual() && expected.asText().matches("<(uuid|evt-id|timestamp|any)>")) {
            String pattern = switch (expected.asText()) {
                case "<uuid>" -> "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
                case "<evt-id>" -> "evt_[a-z0-9]{16}";
                case "<timestamp>" -> "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
                default -> null;
            };
            if (actual == null || actual.isMissingNode()) {
                return path + ": expected " + expected + " but it is missing";
            }
            return pattern == null || (actual.isTextual() && actual.asText().matches(pattern)) ? null
                    : path + ": expected " + expected + " but was " + actual;
        }
        if (actual == null || actual.isMissingNode()) {
            return path + ": expected " + expected + " but it is missing";
        }
        if (expected.isObject() && actual.isObject()) {
            for (Iterator<String> names = expected.fieldNames(); names.hasNext();) {
                String name = names.next();
                String difference = firstDifference(path + "." + name, expected.get(name), actual.get(name));
                if (difference != null) {
                    return difference;
                }
            }
            for (Iterator<String> names = actual.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!expected.has(name)) {
                    return path + "." + name + ": not expected, but was " + actual.get(name);
                }
            }
            // the seeds document their bodies in an order, and subscribers diff them as text: keep it
            List<String> expectedOrder = new ArrayList<>();
            expected.fieldNames().forEachRemaining(expectedOrder::add);
            List<String> actualOrder = new ArrayList<>();
            actual.fieldNames().forEachRemaining(actualOrder::add);
            if (!expectedOrder.equals(actualOrder)) {
                return path + ": fields expected in the order " + expectedOrder + " but were in " + actualOrder;
            }
            return null;
        }
        if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                return path + ": expected " + expected.size() + " element(s) but was " + actual.size() + ": " + actual;
            }
            for (int i = 0; i < expected.size(); i++) {
                String difference = firstDifference(path + "[" + i + "]", expected.get(i), actual.get(i));
                if (difference != null) {
                    return difference;
                }
            }
            return null;
        }
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0 ? null
                    : path + ": expected " + expected + " but was " + actual;
        }
        return expected.equals(actual) ? null : path + ": expected " + expected + " but was " + actual;
    }

    static List<Path> mappingFiles() throws IOException {
        try (Stream<Path> files = Files.list(MAPPINGS)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    static List<Path> sampleFiles() throws IOException {
        try (Stream<Path> files = Files.walk(MAPPINGS)) {
            return files.filter(f -> f.getParent() != null && f.getParent().getFileName().toString().equals("samples")
                    && f.toString().endsWith(".yaml"))
                    .sorted().toList();
        }
    }

    private static List<String> types(JsonNode expected) {
        List<String> types = new ArrayList<>();
        expected.forEach(e -> types.add(typeOf(e)));
        return types;
    }

    /** Each source names the type in its own envelope field. */
    private static String typeOf(JsonNode envelope) {
        for (String field : List.of("type", "event", "event_type")) {
            if (envelope.path(field).isTextual()) {
                return envelope.get(field).asText();
            }
        }
        return "?";
    }
}
