package dev.webhookhub.mapping;

import dev.webhookhub.support.ShippedSettings;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MappingFunctionsTest {

    @Test
    void changesAgainstAWholeStoredStateListEveryDifferingFieldWithItsNewValue() {
        Map<String, Object> before = new HashMap<>(Map.of("title", "a", "score", 3, "tags", List.of("x"), "gone", true));
        Map<String, Object> after = Map.of("title", "b", "score", 3.0, "tags", List.of("x", "y"), "added", "n");

        var changes = MappingFunctions.changes(before, after, null, true);

        assertThat(changes).containsOnlyKeys("title", "tags", "added", "gone");
        assertThat(changes.get("title")).isEqualTo("b");
        assertThat(changes.get("tags")).isEqualTo(List.of("x", "y"));
        assertThat(changes).as("a field the update no longer has").containsEntry("gone", null);
        assertThat(MappingFunctions.changes(null, after, null, true)).isEmpty();
    }

    @Test
    void bookkeepingFieldsAreNeverChanges() {
        Map<String, Object> before = Map.of("id", "d1", "updatedAt", "2025-01-15T11:00:00.000Z", "title", "Old");
        Map<String, Object> after = Map.of("id", "d1", "updatedAt", "2025-01-16T09:15:00.000Z", "title", "New");

        assertThat(MappingFunctions.changes(before, after, List.of("id", "updatedAt"), true)).isEqualTo(Map.of("title", "New"));
    }

    @Test
    void aPartialBeforeSaysNothingOfTheFieldsItDoesNotHold() {
        Map<String, Object> previous = Map.of("title", "Old");
        Map<String, Object> after = Map.of("id", "d1", "clientId", "c", "title", "New", "description", "same as ever");

        assertThat(MappingFunctions.changes(previous, after, null, false)).isEqualTo(Map.of("title", "New"));
        assertThat(MappingFunctions.changes(previous, after, null, true)).as("the same before, taken as whole")
                .containsOnlyKeys("id", "clientId", "title", "description");
    }

    @Test
    void aFieldGoingFromNullToAbsentIsNoChange() {
        Map<String, Object> before = new HashMap<>();
        before.put("assigneeId", null);
        before.put("title", "t");

        assertThat(MappingFunctions.changes(before, Map.of("title", "t"), null, true)).isEmpty();
    }

    @Test
    void diffGivesOldAndNewAndRecursesIntoObjects() {
        Map<String, Object> before = Map.of("name", "Acme", "address", Map.of("city", "Paris", "zip", "75001"), "old", 1);
        Map<String, Object> after = Map.of("name", "Acme", "address", Map.of("city", "Lyon", "zip", "75001"), "new", 2);

        var diff = MappingFunctions.diff(before, after);

        assertThat(diff).containsOnlyKeys("address", "old", "new");
        assertThat(diff.get("address")).isEqualTo(Map.of("city", Map.of("old", "Paris", "new", "Lyon")));
        assertThat(diff.get("new")).isEqualTo(mapOf("old", null, "new", 2));
        assertThat(diff.get("old")).isEqualTo(mapOf("old", 1, "new", null));
    }

    @Test
    void functionsAreCallableFromMappingExpressions() {
        var expression = Expression.compile("test", "$changes(before, after)", ShippedSettings.mappingBounds());
        Object result = expression.evaluate(Map.of("before", Map.of("a", 1), "after", Map.of("a", 2)), Map.of());
        assertThat(result).isEqualTo(Map.of("a", 2));
    }

    private static Map<String, Object> mapOf(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> map = new HashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }
}
