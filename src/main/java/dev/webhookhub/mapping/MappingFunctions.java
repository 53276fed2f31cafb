package dev.webhookhub.mapping;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.dashjoin.jsonata.Jsonata;

/**
 * Functions mapping expressions get beyond standard JSONata.
 * <ul>
 * <li>{@code $changes(before, after, ignore?, complete?)}: every field of {@code after} whose value differs from
 * {@code before}, with its new value, and every field {@code before} held a value for that {@code after} no longer
 * has, with {@code null}. Fields named in {@code ignore} (bookkeeping such as ids and timestamps) are never changes.
 * A field {@code before} does not hold is a change only when {@code before} is {@code complete} (a whole stored
 * state, where a missing field was empty) and {@code after} gives it a value; a partial {@code before} (a producer's
 * {@code previous} with a few fields) says nothing of the others. No {@code before}: {@code {}}.</li>
 * <li>{@code $difference(a, b)}: {@code a - b} worked out in decimal, as the numbers are written: 80.1 - 80 is 0.1
 * (binary floating point, JSONata's {@code -}, makes it 0.09999999999999432).</li>
 * <li>{@code $utc(t)}: an RFC 3339 timestamp in the hub's form, UTC with milliseconds and {@code Z}
 * ({@code 2025-01-15T13:00:00+02:00} becomes {@code 2025-01-15T11:00:00.000Z}); null and undefined stay as they are.
 * Declare the raw field {@code format: date-time} so that a bad one is refused, naming the field, before this
 * runs.</li>
 * <li>{@code $diff(before, after)}: {@code {field: {"old": x, "new": y}}} for every added, removed or changed
 * field; where both sides hold an object the diff recurses into it.</li>
 * </ul>
 */
final class MappingFunctions {

    private MappingFunctions() {
    }

    static void registerOn(Jsonata expression) {
        expression.registerFunction("changes", new Jsonata.JFunction((input, args) -> changes(arg(args, 0), arg(args, 1),
                arg(args, 2), arg(args, 3)), null));
        expression.registerFunction("diff", (Jsonata.Fn2<Object, Object, Object>) MappingFunctions::diff);
        expression.registerFunction("difference", (Jsonata.Fn2<Object, Object, Object>) MappingFunctions::difference);
        expression.registerFunction("utc", (Jsonata.Fn1<Object, Object>) MappingFunctions::utc);
    }

    private static final DateTimeFormatter HUB_TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    static Object utc(Object timestamp) {
        if (!(timestamp instanceof String text)) {
            return timestamp;
        }
        try {
            return HUB_TIMESTAMP.format(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an RFC 3339 timestamp: " + text);
        }
    }

    /** Equal JSON values; two timestamps are equal when they are the same instant, however their offsets are written. */
    private static boolean same(Object a, Object b) {
        if (JsonValues.equal(a, b)) {
            return true;
        }
        if (a instanceof String x && b instanceof String y && x.length() >= 20 && y.length() >= 20 && x.charAt(10) == 'T'
                && y.charAt(10) == 'T') {
            try {
                return OffsetDateTime.parse(x).toInstant().equals(OffsetDateTime.parse(y).toInstant());
            } catch (DateTimeParseException notTimestamps) {
                return false;
            }
        }
        return false;
    }

    /** @return null when either side is not a number (the field is then left out, as JSONata's own {@code -} would) */
    static Number difference(Object a, Object b) {
        if (!(a instanceof Number x) || !(b instanceof Number y)) {
            return null;
        }
        BigDecimal result = new BigDecimal(x.toString()).subtract(new BigDecimal(y.toString()));
        if (result.signum() == 0 || result.stripTrailingZeros().scale() <= 0) {
            try {
                return result.longValueExact();
            } catch (ArithmeticException tooLarge) {
                return result.doubleValue();
            }
        }
        return result.doubleValue();
    }

    private static Object arg(List<?> args, int i) {
        return args.size() > i ? args.get(i) : null;
    }

    static Map<String, Object> changes(Object before, Object after, Object ignore, Object complete) {
        Map<String, Object> changed = new LinkedHashMap<>();
        if (!(before instanceof Map<?, ?> old) || !(after instanceof Map<?, ?> now)) {
            return changed;
        }
        Collection<?> ignored = ignore instanceof Collection<?> names ? names : ignore == null ? List.of() : List.of(ignore);
        boolean whole = Boolean.TRUE.equals(complete);
        now.forEach((key, value) -> {
            if (ignored.contains(key)) {
                return;
            }
            boolean held = old.containsKey(key);
            if (held ? !same(old.get(key), value) : whole && value != null) {
                changed.put(String.valueOf(key), value);
            }
        });
        old.forEach((key, value) -> {
            if (!ignored.contains(key) && value != null && !now.containsKey(key)) {
                changed.put(String.valueOf(key), null);
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
