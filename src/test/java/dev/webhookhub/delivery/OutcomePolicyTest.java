package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.random.RandomGenerator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.webhookhub.delivery.AttemptResult.Answered;
import dev.webhookhub.delivery.AttemptResult.NoAnswer;
import dev.webhookhub.delivery.OutcomePolicy.Dead;
import dev.webhookhub.delivery.OutcomePolicy.Delivered;
import dev.webhookhub.delivery.OutcomePolicy.Disable;
import dev.webhookhub.delivery.OutcomePolicy.RetryAt;

/** Every rule of what an answer means, on the pure policy. */
class OutcomePolicyTest {

    private static final Instant NOW = Instant.parse("2026-04-15T14:30:00Z");
    private static final List<Duration> SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5));
    private final OutcomePolicy policy = new OutcomePolicy(SCHEDULE, 0, RandomGenerator.getDefault());

    private static Answered answer(int status) {
        return answer(status, null);
    }

    private static Answered answer(int status, String retryAfter) {
        return new Answered(status, retryAfter, null, null, Duration.ofMillis(12));
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204, 299})
    void anyTwoHundredIsDeliveredAndNotTriedAgain(int status) {
        assertThat(policy.retryInProcess(answer(status))).isFalse();
        assertThat(policy.next(answer(status), 1, null, NOW)).isEqualTo(new Delivered(status));
    }

    @Test
    void goneDisablesTheWebhookAtOnce() {
        assertThat(policy.retryInProcess(answer(410))).isFalse();
        assertThat(policy.next(answer(410), 1, null, NOW)).isInstanceOf(Disable.class);
        assertThat(policy.next(answer(410), 99, null, NOW)).as("even past the schedule").isInstanceOf(Disable.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {301, 302, 307, 308, 400, 401, 404, 500, 502, 504})
    void redirectsAndOtherFailuresAreBlipsThenFollowTheSchedule(int status) {
        assertThat(policy.retryInProcess(answer(status))).isTrue();
        assertThat(policy.next(answer(status), 1, null, NOW)).isEqualTo(new RetryAt(NOW.plusSeconds(5), "HTTP " + status));
        assertThat(policy.next(answer(status), 2, null, NOW)).isEqualTo(new RetryAt(NOW.plus(Duration.ofMinutes(5)), "HTTP " + status));
        assertThat(policy.next(answer(status), 3, null, NOW)).isEqualTo(new Dead("HTTP " + status));
    }

    @Test
    void aBrokersAcknowledgementIsADeliveryWithoutAStatus() {
        var published = new AttemptResult.Published("kafka:orders.events", Duration.ofMillis(3));
        assertThat(policy.retryInProcess(published)).isFalse();
        assertThat(policy.next(published, 1, null, NOW)).isEqualTo(new OutcomePolicy.Delivered(null));
        assertThat(policy.next(published, 99, null, NOW)).as("even past the schedule").isEqualTo(new OutcomePolicy.Delivered(null));
    }

    @Test
    void noAnswerIsABlipAndKeepsItsReason() {
        var timedOut = new NoAnswer("deadline of 5 s exceeded", Duration.ofSeconds(5));
        assertThat(policy.retryInProcess(timedOut)).isTrue();
        assertThat(policy.next(timedOut, 1, null, NOW)).isEqualTo(new RetryAt(NOW.plusSeconds(5), "deadline of 5 s exceeded"));
        assertThat(policy.next(timedOut, 3, null, NOW)).isEqualTo(new Dead("deadline of 5 s exceeded"));
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 503})
    void comeBackLaterIsNotRetriedInProcessAndRetryAfterOnlyEverDelays(int status) {
        assertThat(policy.retryInProcess(answer(status))).isFalse();
        assertThat(policy.next(answer(status, "120"), 1, null, NOW)).isEqualTo(new RetryAt(NOW.plusSeconds(120), "HTTP " + status));
        assertThat(policy.next(answer(status, "1"), 1, null, NOW)).as("sooner than the schedule: the schedule wins")
                .isEqualTo(new RetryAt(NOW.plusSeconds(5), "HTTP " + status));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(600).atOffset(ZoneOffset.UTC));
        assertThat(policy.next(answer(status, date), 1, null, NOW)).isEqualTo(new RetryAt(NOW.plusSeconds(600), "HTTP " + status));
        assertThat(policy.next(answer(status, "999999999"), 1, null, NOW)).as("capped at a day")
                .isEqualTo(new RetryAt(NOW.plus(Duration.ofDays(1)), "HTTP " + status));
        assertThat(policy.next(answer(status, "soon"), 1, null, NOW)).as("unreadable: the schedule")
                .isEqualTo(new RetryAt(NOW.plusSeconds(5), "HTTP " + status));
        assertThat(policy.next(answer(status, "120"), 3, null, NOW)).as("the schedule still ends")
                .isEqualTo(new Dead("HTTP " + status));
    }

    @Test
    void retryAfterIsIgnoredOnOtherStatuses() {
        assertThat(policy.next(answer(500, "3600"), 1, null, NOW)).isEqualTo(new RetryAt(NOW.plusSeconds(5), "HTTP 500"));
    }

    @Test
    void aWebhookScheduleReplacesTheHubs() {
        List<Duration> own = List.of(Duration.ofMillis(300));
        assertThat(policy.next(answer(500), 1, own, NOW)).isEqualTo(new RetryAt(NOW.plusMillis(300), "HTTP 500"));
        assertThat(policy.next(answer(500), 2, own, NOW)).isEqualTo(new Dead("HTTP 500"));
    }

    @Test
    void jitterStaysWithinItsBound() {
        var jittery = new OutcomePolicy(SCHEDULE, 0.1, RandomGenerator.of("L64X128MixRandom"));
        for (int i = 0; i < 1000; i++) {
            Instant at = ((RetryAt) jittery.next(answer(500), 1, null, NOW)).at();
            assertThat(Duration.between(NOW, at)).isBetween(Duration.ofMillis(4500), Duration.ofMillis(5500));
        }
    }
}
