package dev.webhookhub.operational;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Create or change an operational webhook; on PATCH, a field left out stays as it is. */
public record OperationalWebhookRequest(
        @JsonAlias("target_url") String url,
        @JsonProperty("event_types") List<String> eventTypes,
        String description,
        @JsonProperty("is_active") Boolean isActive) {
}
