package dev.webhookhub.jobs;

import java.time.Instant;
import java.util.List;

/**
 * Which of a webhook's deliveries a recovery re-sends: created in [since, until), in one of {@code statuses}
 * (failed, dead), of one of {@code eventTypes} (null: any).
 */
public record RecoveryFilter(Instant since, Instant until, List<String> statuses, List<String> eventTypes) {
}
