package dev.webhookhub.jobs;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code POST /v1/webhooks/{id}/recover} (and {@code /recover/preview}): ISO-8601 instants; {@code until} defaults
 * to now, {@code statuses} to failed and dead, {@code event_types} to every type.
 */
public record RecoverRequest(
        String since,
        String until,
        List<String> statuses,
        @JsonProperty("event_types") List<String> eventTypes) {
}
