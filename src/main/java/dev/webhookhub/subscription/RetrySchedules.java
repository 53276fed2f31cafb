package dev.webhookhub.subscription;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.springframework.boot.convert.DurationStyle;

/** Retry schedules as people write them: {@code 5s,5m,30m}. */
public final class RetrySchedules {

    private RetrySchedules() {
    }

    /** @throws IllegalArgumentException naming the entry that is not a duration */
    public static List<Duration> parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        return Arrays.stream(text.split(",")).map(String::strip).map(RetrySchedules::duration).toList();
    }

    public static List<Duration> parse(List<String> entries) {
        return entries == null ? null : entries.stream().map(String::strip).map(RetrySchedules::duration).toList();
    }

    public static String format(List<Duration> schedule) {
        return schedule == null || schedule.isEmpty() ? null
                : schedule.stream().map(d -> d.toMillis() + "ms").collect(Collectors.joining(","));
    }

    /** 300000 ms reads back as "5m", 1500 ms as "1500ms". */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static Duration duration(String entry) {
        try {
            Duration d = DurationStyle.detectAndParse(entry);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("retry delay '" + entry + "' must be positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("retry delay '" + entry + "' is not a duration like 30s, 5m or 2h");
        }
    }
}
