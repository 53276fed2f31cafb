package dev.webhookhub.mapping;

import java.util.LinkedHashMap;
import java.util.Map;

import com.dashjoin.jsonata.Jsonata;

/**
 * Functions mapping expressions get beyond standard JSONata.
 * <ul>
 * <li>{@code $changes(before, after)}: every field of {@code after} whose value differs from {@code before}
 * (or that {@code before} lacks), with its new value. No {@code before}: {@code {}}. Fields only {@code before}
 * has are left out: {@code after} is the documented projection, so they are not the subscriber's.</li>
 * <li>{@code $diff(before, after)}: {@code {field: {"old": x, "new": y}}} for every added, removed or changed
 * field; where both sides hold an object the diff recurses into it.</li>
 * </ul>
 */
final class MappingFunctions {

    private MappingFunctions() {
    }

    static void registerOn(Jsonata expression) {
        expression.registerFunction("changes", (Jsonata.Fn2<Object, Object, Object>) MappingFunctions::changes);
        expression.registerFunction("diff", (Jsonata.Fn2<Object, Object, Object>) MappingFunctions::diff);
    }

    static Map<String, Object> changes(Object before, Object after) {
        Map<String, Object> changed = new LinkedHashMap<>();
        if (!(before instanceof Map<?, ?> old) || !(after instanceof Map<?, ?> now)) {
            return changed;
        }
        now.forEach((key, value) -> {
            if (!old.containsKey(key) || !JsonValues.equal(old.get(key), value)) {
                changed.put(String.valueOf(key), value);
            }
        });
        return changed;
    }

    static Map<String, Object> diff(Object before, Object after) {
        Map<?, ?> old = before instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> now = after instanceof Map<?, ?> m ? m : Map.of();
        Map<String, Object> diff = new LinkedHashMap<>();
        now.forEach((key, value) -> {
            Object previous = old.get(key);
            if (previous instanceof Map<?, ?> && value instanceof Map<?, ?>) {
                Map<String, Object> nested = diff(previous, value);
                if (!nested.isEmpty()) {
                    diff.put(String.valueOf(key), nested);
                }
            } else if (!old.containsKey(key) || !JsonValues.equal(previous, value)) {
                diff.put(String.valueOf(key), oldNew(previous, value));
            }
        });
        old.forEach((key, previous) -> {
            if (!now.containsKey(key)) {
                diff.put(String.valueOf(key), oldNew(previous, null));
            }
        });
        return diff;
    }

    private static Map<String, Object> oldNew(Object old, Object now) {
        Map<String, Object> pair = new LinkedHashMap<>();
        pair.put("old", old);
        pair.put("new", now);
        return pair;
    }
}
