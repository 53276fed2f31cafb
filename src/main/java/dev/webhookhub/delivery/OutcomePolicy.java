package dev.webhookhub.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import dev.webhookhub.HubProperties;
import dev.webhookhub.delivery.AttemptResult.Answered;
import dev.webhookhub.delivery.AttemptResult.NoAnswer;

/**
 * What an attempt's result means, decided in one place: whether the in-process redelivery tries again at once, and
 * what becomes of the delivery after the last try of a round (delivered, due again at a time, dead, or dead with
 * its webhook disabled). Pure: the same result, attempt count, schedule and time give the same answer, but for the
 * jitter, which comes from the random generator it is made with.
 */
@Component
public class OutcomePolicy {

    static final int GONE = 410;
    static final int TOO_MANY_REQUESTS = 429;
    static final int UNAVAILABLE = 503;
    private static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    /** What happens to a delivery after a round of attempts. */
    public sealed interface Next {
    }

    /** Delivered; {@code status} is the endpoint's HTTP status, null for a broker's acknowledgement. */
    public record Delivered(Integer status) implements Next {
    }

    /** Failed; due again at {@code at}, on the durable schedule or later if the endpoint asked (Retry-After). */
    public record RetryAt(Instant at, String reason) implements Next {
    }

    /** Failed for the last time: the schedule is used up. */
    public record Dead(String reason) implements Next {
    }

    /** The endpoint answered 410 Gone: this delivery is dead and its webhook is disabled. */
    public record Disable(String reason) implements Next {
    }

    private final List<Duration> schedule;
    private final double jitter;
    private final RandomGenerator random;

    @Autowired
    public OutcomePolicy(HubProperties properties) {
        this(properties.delivery().retrySchedule(), properties.delivery().jitter(), RandomGenerator.getDefault());
    }

    OutcomePolicy(List<Duration> schedule, double jitter, RandomGenerator random) {
        this.schedule = List.copyOf(schedule);
        this.jitter = jitter;
        this.random = random;
    }

    /**
     * Blips are worth another try at once: no answer, or a status that is neither success nor one of the answers
     * that say "stop" (410) or "come back later" (429, 503).
     */
    public boolean retryInProcess(AttemptResult result) {
        return switch (result) {
            case NoAnswer noAnswer -> true;
            case AttemptResult.Published published -> false;
            case Answered answered -> !answered.successful() && answered.status() != GONE
                    && answered.status() != TOO_MANY_REQUESTS && answered.status() != UNAVAILABLE;
        };
    }

    /**
     * @param attemptsMade durable attempts made, including the round that produced {@code last} (1 after the first)
     * @param ownSchedule  the webhook's own retry schedule, or null for {@code hub.delivery.retry-schedule}
     */
    public Next next(AttemptResult last, int attemptsMade, List<Duration> ownSchedule, Instant now) {
        if (last instanceof AttemptResult.Published) {
            return new Delivered(null);
        }
        if (last instanceof Answered answered) {
            if (answered.successful()) {
                return new Delivered(answered.status());
            }
            if (answered.status() == GONE) {
                return new Disable("endpoint answered 410 Gone");
            }
        }
        Optional<Duration> delay = delayAfter(attemptsMade, ownSchedule);
        if (delay.isEmpty()) {
            return new Dead(last.error());
        }
        Duration wait = delay.get();
        if (last instanceof Answered answered
                && (answered.status() == TOO_MANY_REQUESTS || answered.status() == UNAVAILABLE)) {
            Optional<Duration> asked = retryAfter(answered.retryAfter(), now);
            if (asked.isPresent() && asked.get().compareTo(wait) > 0) {
                wait = asked.get();
            }
        }
        return new RetryAt(now.plus(wait), last.error());
    }

    /** The delay before durable attempt {@code attemptsMade + 1}, with jitter; empty when the schedule is used up. */
    Optional<Duration> delayAfter(int attemptsMade, List<Duration> ownSchedule) {
        List<Duration> delays = ownSchedule == null || ownSchedule.isEmpty() ? schedule : ownSchedule;
        if (attemptsMade < 1 || attemptsMade > delays.size()) {
            return Optional.empty();
        }
        Duration base = delays.get(attemptsMade - 1);
        double factor = 1 + (jitter == 0 ? 0 : random.nextDouble(-jitter, jitter));
        return Optional.of(Duration.ofMillis(Math.max(1, Math.round(base.toMillis() * factor))));
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
                return Optional.of(cap(at.isBefore(now) ? Duration.ZERO : Duration.between(now, at)));
            } catch (RuntimeException unreadable) {
                return Optional.empty();
            }
        }
    }

    private static Duration cap(Duration d) {
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }
}
