package dev.webhookhub.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One shape for every list in the API: {@code {"data": [...], "next_cursor": ...}}. Callers fetch one row more
 * than the limit; that row's presence is what says there is a next page.
 */
public final class Pages {

    public static final int MAX_LIMIT = 200;

    private Pages() {
    }

    public static int checkedLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }

    /** @param rows up to {@code limit + 1} rows, in page order */
    public static <T> Map<String, Object> of(List<T> rows, int limit, Function<T, ?> view, Function<T, ?> cursor) {
        boolean more = rows.size() > limit;
        List<T> shown = more ? rows.subList(0, limit) : rows;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", shown.stream().map(view).toList());
        body.put("next_cursor", more ? cursor.apply(shown.getLast()) : null);
        return body;
    }
}
