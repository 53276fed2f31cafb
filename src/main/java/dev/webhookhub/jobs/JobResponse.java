package dev.webhookhub.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.webhookhub.store.Timestamps;

/** A job as {@code GET /v1/jobs/{id}} shows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobResponse(
        String id,
        String kind,
        @JsonProperty("webhook_id") String webhookId,
        String status,
        Map<String, Object> filter,
        long total,
        long processed,
        String error,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("updated_at") String updatedAt,
        @JsonProperty("finished_at") String finishedAt) {

    static JobResponse of(Job job) {
        RecoveryFilter f = job.filter();
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put("since", Timestamps.iso(f.since()));
        filter.put("until", Timestamps.iso(f.until()));
        filter.put("statuses", f.statuses());
        filter.put("event_types", f.eventTypes() == null ? List.of() : f.eventTypes());
        return new JobResponse(job.id(), job.kind(), job.webhookId(), job.status(), filter, job.total(), job.processed(),
                job.error(), Timestamps.iso(job.createdAt()), Timestamps.iso(job.updatedAt()), Timestamps.iso(job.finishedAt()));
    }
}
