package dev.webhookhub.mapping;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Whether a new payload schema of an event type breaks what subscribers were promised by the old one: a required field
 * removed (or no longer required), a field removed or renamed, a type narrowed (a JSON type it allowed no longer
 * allowed), an enum value removed. Walks nested objects and array items. Additions (a new optional field, a new enum
 * value, a wider type) are not breaking.
 */
public final class SchemaCompatibility {

    private SchemaCompatibility() {
    }

    /** @return what breaks, one line each, or nothing */
    public static List<String> breakingChanges(JsonNode before, JsonNode after) {
        List<String> changes = new ArrayList<>();
        compare("", before, after, changes);
        return changes;
    }

    private static void compare(String path, JsonNode before, JsonNode after, List<String> changes) {
        if (before == null || before.isMissingNode() || after == null || after.isMissingNode()) {
            return;
        }
        String where = path.isEmpty() ? "the payload" : "'" + path + "'";
        Set<String> typesBefore = types(before);
        Set<String> typesAfter = types(after);
        if (!typesBefore.isEmpty() && !typesAfter.isEmpty() && !typesAfter.containsAll(typesBefore)) {
            Set<String> lost = new LinkedHashSet<>(typesBefore);
            lost.removeAll(typesAfter);
            changes.add(where + " no longer allows " + String.join(", ", lost) + " (type narrowed to "
                    + String.join(", ", typesAfter) + ")");
        }
        if (before.has("enum") && after.has("enum")) {
            for (JsonNode value : before.get("enum")) {
                if (!contains(after.get("enum"), value)) {
                    changes.add(where + ": enum value " + value + " removed");
                }
            }
        } else if (!before.has("enum") && after.has("enum")) {
            changes.add(where + " is now limited to " + after.get("enum"));
        }
        Set<String> requiredAfter = strings(after.path("required"));
        for (String field : strings(before.path("required"))) {
            if (!requiredAfter.contains(field)) {
                changes.add(after.path("properties").has(field) ? "required field '" + join(path, field) + "' is no longer required"
                        : "required field '" + join(path, field) + "' removed");
            }
        }
        JsonNode propertiesBefore = before.path("properties");
        JsonNode propertiesAfter = after.path("properties");
        for (Iterator<String> names = propertiesBefore.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!propertiesAfter.has(name)) {
                if (!strings(before.path("required")).contains(name)) {
                    changes.add("field '" + join(path, name) + "' removed (or renamed)");
                }
            } else {
                compare(join(path, name), propertiesBefore.get(name), propertiesAfter.get(name), changes);
            }
        }
        if (before.has("items") && after.has("items")) {
            compare(path + "[]", before.get("items"), after.get("items"), changes);
        }
    }

    private static Set<String> types(JsonNode schema) {
        JsonNode type = schema.path("type");
        Set<String> types = new LinkedHashSet<>();
        if (type.isTextual()) {
            types.add(type.asText());
        } else {
            type.forEach(t -> types.add(t.asText()));
        }
        if (types.contains("number")) {
            types.add("integer");
        }
        return types;
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new LinkedHashSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode item : array) {
            if (item.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
