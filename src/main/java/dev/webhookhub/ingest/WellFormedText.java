package dev.webhookhub.ingest;

import java.util.List;
import java.util.Map;

import dev.webhookhub.api.ApiException;

/**
 * Refuses text that is not Unicode: an unpaired surrogate, whether sent as a {@code \ud800} escape or as the
 * CESU-8 bytes that the JSON parser lets through. Stored, it would reach subscribers as replacement characters
 * or break their JSON parser.
 */
final class WellFormedText {

    private WellFormedText() {
    }

    static void check(Object json) {
        if (!wellFormed(json)) {
            throw ApiException.badRequest("invalid Unicode at " + locate(json, "$")
                    + ": an unpaired surrogate is not a character");
        }
    }

    private static boolean wellFormed(Object json) {
        return switch (json) {
            case String text -> wellFormed(text);
            case Map<?, ?> object -> object.entrySet().stream()
                    .allMatch(e -> wellFormed((String) e.getKey()) && wellFormed(e.getValue()));
            case List<?> array -> array.stream().allMatch(WellFormedText::wellFormed);
            case null, default -> true;
        };
    }

    private static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Only when refusing: where the first bad text is, as a JSON path. */
    private static String locate(Object json, String path) {
        if (json instanceof Map<?, ?> object) {
            for (var e : object.entrySet()) {
                if (!wellFormed((String) e.getKey())) {
                    return path + " (a key)";
                }
                if (!wellFormed(e.getValue())) {
                    return locate(e.getValue(), path + "." + e.getKey());
                }
            }
        }
        if (json instanceof List<?> array) {
            for (int i = 0; i < array.size(); i++) {
                if (!wellFormed(array.get(i))) {
                    return locate(array.get(i), path + "[" + i + "]");
                }
            }
        }
        return path;
    }
}
