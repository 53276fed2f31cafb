package dev.webhookhub.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.stereotype.Component;

import dev.webhookhub.HubProperties;

/** The durable schedule after in-process redelivery gave up: delay before attempt n+1, with jitter. */
@Component
public class RetrySchedule {

    private final List<Duration> delays;
    private final double jitter;

    public RetrySchedule(HubProperties properties) {
        this.delays = List.copyOf(properties.delivery().retrySchedule());
        this.jitter = properties.delivery().jitter();
    }

    /**
     * @param attemptsMade attempts made so far, including the one that just failed (1 after the first)
     * @param override     the subscription's own schedule, or null for hub.delivery.retry-schedule
     */
    public Optional<Duration> delayAfter(int attemptsMade, List<Duration> override) {
        List<Duration> schedule = override == null || override.isEmpty() ? delays : override;
        if (attemptsMade < 1 || attemptsMade > schedule.size()) {
            return Optional.empty();
        }
        Duration base = schedule.get(attemptsMade - 1);
        double factor = 1 + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextDouble(-jitter, jitter));
        return Optional.of(Duration.ofMillis(Math.max(1, Math.round(base.toMillis() * factor))));
    }
}
