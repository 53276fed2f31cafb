package dev.webhookhub.mapping;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** JSON semantics over the plain Java values (Map, List, String, Number, Boolean, null) mappings work on. */
final class JsonValues {

    private JsonValues() {
    }

    /** Deep JSON equality: numbers compare by value (1 == 1.0), objects ignore key order. */
    static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (var entry : x.entrySet()) {
                if (!y.containsKey(entry.getKey()) || !equal(entry.getValue(), y.get(entry.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }
}
