package dev.webhookhub.jobs;

import java.time.Instant;

/** A background job: what it works on, how far it got; its cursor and lease stay in the store. */
public record Job(
        String id,
        String environmentId,
        String kind,
        String webhookId,
        RecoveryFilter filter,
        String status,
        long total,
        long processed,
        String error,
        Instant createdAt,
        Instant updatedAt,
        Instant finishedAt) {

    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String CANCELLED = "cancelled";
    public static final String FAILED = "failed";
    public static final String RECOVER = "recover";

    public boolean finished() {
        return DONE.equals(status) || CANCELLED.equals(status) || FAILED.equals(status);
    }
}
