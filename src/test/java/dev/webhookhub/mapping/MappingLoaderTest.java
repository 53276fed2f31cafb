package dev.webhookhub.mapping;

import dev.webhookhub.support.ShippedSettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class MappingLoaderTest {

    private final MappingLoader loader = new MappingLoader(ShippedSettings.mappingBounds());

    @Test
    void shippedConfiglyMappingLoads() {
        SourceMapping configly = loader.load(Path.of("mappings/configly.yaml"));
        assertThat(configly.source()).isEqualTo("configly");
        assertThat(configly.eventTypes()).extracting(SourceMapping.EventType::type).containsExactly(
                "connection.sync_completed", "connection.sync_failed", "config.applied", "health_check.completed",
                "health_check.score_changed", "health_check.critical_finding", "config.changed", "snapshot.completed");
        assertThat(configly.eventTypes()).filteredOn(SourceMapping.EventType::reserved).hasSize(2);
    }

    @Test
    void brokenFilesAreRefusedWithFileLineAndReason() {
        String yaml = """
                source: demo
                envelope: '{"id": $id}'
                events:
                  - type: demo.created
                    data: '{"a": (}'
                    schema: {type: object}
                  - type: demo.updated
                    data: '{}'
                """;
        assertThatThrownBy(() -> loader.parse(Path.of("demo.yaml"), yaml))
                .isInstanceOf(MappingFileException.class)
                .satisfies(e -> assertThat(((MappingFileException) e).problems()).containsExactly(
                        "demo.yaml:5: events.0.data: JSONata syntax error: " + firstProblemDetail(yaml),
                        "demo.yaml:7: a JSON Schema (an object) is required"));
    }

    @Test
    void sourceMustMatchFileNameAndKeysMustBeKnown() {
        String yaml = """
                source: other
                envelop: '{}'
                envelope: '{}'
                events:
                  - type: t
                    data: '{}'
                    schema: {type: object}
                """;
        assertThatThrownBy(() -> loader.parse(Path.of("demo.yaml"), yaml))
                .isInstanceOf(MappingFileException.class)
                .hasMessageContaining("demo.yaml:2: unknown key 'envelop'")
                .hasMessageContaining("demo.yaml:1: source 'other' must match the file name 'demo'");
    }

    private static String firstProblemDetail(String yaml) {
        try {
            Expression.compile("x", "{\"a\": (}", ShippedSettings.mappingBounds());
            return "";
        } catch (IllegalArgumentException e) {
            return e.getMessage().substring("x: JSONata syntax error: ".length());
        }
    }
}
