package dev.webhookhub.operational;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.webhookhub.store.Timestamps;
import dev.webhookhub.subscription.OperationalTypes;
import dev.webhookhub.subscription.Subscription;

/** An operational webhook; the signing secret only in the answers to a create and a rotation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationalWebhookResponse(
        String id,
        String url,
        @JsonProperty("event_types") List<String> eventTypes,
        @JsonProperty("all_event_types") Boolean allEventTypes,
        String description,
        @JsonProperty("is_active") boolean isActive,
        @JsonProperty("disabled_reason") String disabledReason,
        @JsonProperty("failing_since") String failingSince,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("updated_at") String updatedAt,
        String secret) {

    static OperationalWebhookResponse of(Subscription s, String secret) {
        boolean all = s.eventTypes() == null || s.eventTypes().isEmpty();
        return new OperationalWebhookResponse(s.id(), s.targetUrl(), all ? OperationalTypes.ALL : s.eventTypes(),
                all ? Boolean.TRUE : null, s.description(), s.active(), s.disabledReason(), Timestamps.iso(s.failingSince()),
                Timestamps.iso(s.createdAt()), Timestamps.iso(s.updatedAt()), secret);
    }
}
