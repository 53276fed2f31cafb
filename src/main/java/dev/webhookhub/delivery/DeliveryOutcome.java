package dev.webhookhub.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** The rules for what an endpoint's answer means. */
final class DeliveryOutcome {

    static final int GONE = 410;
    static final int TOO_MANY_REQUESTS = 429;
    static final int UNAVAILABLE = 503;
    private static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    private DeliveryOutcome() {
    }

    /** Answers not worth a quick in-process retry: success, gone, or "come back later". */
    static boolean isFinalForRound(int status) {
        return status / 100 == 2 || status == GONE || status == TOO_MANY_REQUESTS || status == UNAVAILABLE;
    }

    static boolean honoursRetryAfter(Integer status) {
        return status != null && (status == TOO_MANY_REQUESTS || status == UNAVAILABLE);
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date, capped at a day; empty when absent or unreadable. */
    static Optional<Duration> retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.strip();
        try {
            long seconds = Long.parseLong(value);
            return Optional.of(cap(Duration.ofSeconds(Math.max(0, seconds))));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(cap(Duration.between(now, at).isNegative() ? Duration.ZERO : Duration.between(now, at)));
            } catch (RuntimeException unreadable) {
                return Optional.empty();
            }
        }
    }

    private static Duration cap(Duration d) {
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }
}
