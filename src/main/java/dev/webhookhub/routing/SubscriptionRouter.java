package dev.webhookhub.routing;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.webhookhub.delivery.DeliveryJob;
import dev.webhookhub.ingest.IngestBatch;
import dev.webhookhub.mapping.MappingRegistry;
import dev.webhookhub.mapping.NormalizedEvent;
import dev.webhookhub.store.TimeOrderedIds;
import dev.webhookhub.subscription.Subscription;
import dev.webhookhub.subscription.SubscriptionFilters;
import dev.webhookhub.subscription.SubscriptionRepository;
import dev.webhookhub.tracing.HubTracing;

/**
 * Content-based router: each event goes to every active subscription of its own environment that wants its
 * source and type (and, when set, whose filter accepts the envelope). Reserved types never route.
 */
@Component
public class SubscriptionRouter {

    private final SubscriptionRepository subscriptions;
    private final MappingRegistry mappings;
    private final SubscriptionFilters filters;

    private final HubTracing tracing;

    public SubscriptionRouter(SubscriptionRepository subscriptions, MappingRegistry mappings, SubscriptionFilters filters,
            HubTracing tracing) {
        this.tracing = tracing;
        this.subscriptions = subscriptions;
        this.mappings = mappings;
        this.filters = filters;
    }

    /** Ingest route step. */
    public IngestBatch route(IngestBatch batch) {
        if (batch.events().isEmpty()) {
            return batch;
        }
        return tracing.inSpan("routing", () -> routed(batch));
    }

    private IngestBatch routed(IngestBatch batch) {
        List<Subscription> candidates = subscriptions.active(batch.environmentId());
        List<DeliveryJob> deliveries = new ArrayList<>();
        for (NormalizedEvent event : batch.events()) {
            var type = mappings.eventTypes().get(event.type());
            if (type != null && type.reserved()) {
                continue;
            }
            for (Subscription subscription : candidates) {
                if (subscription.wants(event.source(), event.type()) && filters.accepts(subscription, event.envelope())) {
                    deliveries.add(DeliveryJob.first(TimeOrderedIds.delivery(event.createdAt(), event.id(), subscription.id()),
                            event, subscription, filters.orderingKey(subscription, event.envelope()), batch.traceparent()));
                }
            }
        }
        return batch.withDeliveries(deliveries);
    }
}
