package dev.webhookhub.subscription;

import java.util.List;

import org.springframework.stereotype.Component;

import dev.webhookhub.mapping.MappingRegistry;

/**
 * The event types a webhook receives, as its {@code event_types} field says them. Seed 001 calls the field "the list of
 * event types that the webhook is subscribed to", and a webhook created without one receives every type: so it lists
 * every type of the catalog (of its {@code sources}, when it names some), worked out when it is read, so that a type
 * added to a mapping later is in the list too.
 */
@Component
public class SubscribedTypes {

    private final MappingRegistry mappings;

    public SubscribedTypes(MappingRegistry mappings) {
        this.mappings = mappings;
    }

    public List<String> of(Subscription webhook) {
        if (webhook.eventTypes() != null && !webhook.eventTypes().isEmpty()) {
            return webhook.eventTypes();
        }
        if (webhook.operational()) {
            return OperationalTypes.ALL;
        }
        return mappings.eventTypes().values().stream()
                .filter(type -> webhook.sources() == null || webhook.sources().isEmpty()
                        || webhook.sources().contains(type.source()))
                .map(type -> type.type()).sorted().toList();
    }

    /** The answer to a read or a change: without the secret. */
    public SubscriptionResponse response(Subscription webhook) {
        return SubscriptionResponse.of(webhook, of(webhook), null);
    }

    /** The answer to a create or a rotation: with the secret. */
    SubscriptionResponse responseWithSecret(Subscription webhook) {
        return SubscriptionResponse.of(webhook, of(webhook), webhook.secret());
    }
}
