package dev.webhookhub.delivery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import dev.webhookhub.ingest.CommitGroup;
import dev.webhookhub.ingest.IngestBatch;
import dev.webhookhub.mapping.MappingRegistry;
import dev.webhookhub.mapping.MappingState;
import dev.webhookhub.mapping.NormalizedEvent;
import dev.webhookhub.mapping.Normalizer;
import dev.webhookhub.store.EventRepository;
import dev.webhookhub.store.JsonColumns;
import dev.webhookhub.store.Timestamps;
import dev.webhookhub.subscription.Subscription;

/**
 * {@code POST /v1/webhooks/{id}/test}: one test event to this webhook only. A webhook for SYNQ types gets SYNQ's
 * {@code ping}, one for integration-sync types its {@code webhook_test}, both made by their mapping file so the
 * envelope is the documented one; any other gets the hub's own {@code webhook.test}.
 */
@Component
public class WebhookTester {

    static final String HUB_SOURCE = "hub";
    static final String HUB_TEST_TYPE = "webhook.test";

    private final MappingRegistry mappings;
    private final Normalizer normalizer;
    private final EventRepository events;
    private final DeliveryRepository deliveries;
    private final JsonColumns json;

    public WebhookTester(MappingRegistry mappings, Normalizer normalizer, EventRepository events,
            DeliveryRepository deliveries, JsonColumns json) {
        this.mappings = mappings;
        this.normalizer = normalizer;
        this.events = events;
        this.deliveries = deliveries;
        this.json = json;
    }

    @Transactional
    public Map<String, Object> sendTest(Subscription webhook) {
        NormalizedEvent event = testEvent(webhook);
        String deliveryId = UUID.randomUUID().toString();
        IngestBatch batch = IngestBatch.of(webhook.environmentId(), event.source(), List.of(), null)
                .withEvents(List.of(event), List.of(event.id()), Map.of(), List.of())
                .withDeliveries(List.of(DeliveryJob.first(deliveryId, event, webhook, null, null)));
        deliveries.schedule(events.append(CommitGroup.of(batch)));
        return Map.of("event_id", event.id(), "event_type", event.type(), "delivery_id", deliveryId);
    }

    private NormalizedEvent testEvent(Subscription webhook) {
        String message = "Test event from webhook-hub for webhook " + webhook.id();
        if (isFor(webhook, "synq")) {
            return mapped(webhook, "synq", Map.of("workspace", "webhook-hub", "kind", "ping", "message", message));
        }
        if (isFor(webhook, "integration-sync")) {
            return mapped(webhook, "integration-sync", Map.of("workspace_id", "webhook-hub", "customer_id", "webhook-hub",
                    "state", "test", "action", "test", "integration", Map.of("id", "webhook-hub")));
        }
        String id = UUID.randomUUID().toString();
        var now = Timestamps.now();
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("id", id);
        envelope.put("type", HUB_TEST_TYPE);
        envelope.put("timestamp", Timestamps.iso(now));
        envelope.put("data", Map.of("webhook_id", webhook.id(), "message", message));
        return new NormalizedEvent(id, HUB_SOURCE, HUB_TEST_TYPE, now, envelope, json.write(envelope));
    }

    private NormalizedEvent mapped(Subscription webhook, String source, Map<String, Object> raw) {
        var mapping = mappings.source(source).orElseThrow();
        return normalizer.normalize(mapping, raw, webhook.environmentId(), MappingState.inMemory()).getFirst();
    }

    private boolean isFor(Subscription webhook, String source) {
        if (mappings.source(source).isEmpty()) {
            return false;
        }
        if (webhook.sources() != null && webhook.sources().contains(source)) {
            return true;
        }
        return webhook.eventTypes() != null && webhook.eventTypes().stream()
                .map(t -> mappings.eventTypes().get(t))
                .anyMatch(t -> t != null && t.source().equals(source));
    }
}
