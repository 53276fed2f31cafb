package dev.webhookhub.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

class SchemaCompatibilityTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final String BEFORE = """
            type: object
            required: [reportId, score]
            properties:
              reportId: {type: string}
              score: {type: number}
              status: {enum: [success, partial]}
              note: {type: [string, "null"]}
              findings:
                type: array
                items:
                  type: object
                  required: [checkId]
                  properties:
                    checkId: {type: string}
            """;

    @Test
    void additionsAreNotBreaking() throws Exception {
        assertThat(SchemaCompatibility.breakingChanges(schema(BEFORE), schema(BEFORE
                .replace("status: {enum: [success, partial]}", "status: {enum: [success, partial, skipped]}")
                .replace("note: {type: [string, \"null\"]}", "note: {type: [string, \"null\"]}\n  extra: {type: string}")
                .replace("score: {type: number}", "score: {type: [number, string]}")))).isEmpty();
        assertThat(SchemaCompatibility.breakingChanges(schema(BEFORE), schema(BEFORE))).isEmpty();
    }

    @Test
    void aRequiredFieldRemovedIsBreaking() throws Exception {
        assertThat(SchemaCompatibility.breakingChanges(schema(BEFORE), schema(BEFORE
                .replace("required: [reportId, score]", "required: [reportId]").replace("  score: {type: number}\n", ""))))
                .containsExactly("required field 'score' removed");
    }

    @Test
    void aFieldRenamedIsBreaking() throws Exception {
        assertThat(SchemaCompatibility.breakingChanges(schema(BEFORE), schema(BEFORE.replace("  note:", "  remark:"))))
                .containsExactly("field 'note' removed (or renamed)");
    }

    @Test
    void aTypeNarrowedIsBreaking() throws Exception {
        assertThat(SchemaCompatibility.breakingChanges(schema(BEFORE), schema(BEFORE
                .replace("note: {type: [string, \"null\"]}", "note: {type: string}"))))
                .containsExactly("'note' no longer allows null (type narrowed to string)");
    }

    @Test
    void anEnumValueRemovedIsBreakingAlsoDeepInside() throws Exception {
        assertThat(SchemaCompatibility.breakingChanges(schema(BEFORE), schema(BEFORE
                .replace("status: {enum: [success, partial]}", "status: {enum: [success]}")
                .replace("checkId: {type: string}", "checkId: {type: integer}"))))
                .containsExactly("'status': enum value \"partial\" removed",
                        "'findings[].checkId' no longer allows string (type narrowed to integer)");
    }

    private static JsonNode schema(String yaml) throws Exception {
        return YAML.readTree(yaml);
    }
}
