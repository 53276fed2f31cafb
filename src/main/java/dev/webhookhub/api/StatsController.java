package dev.webhookhub.api;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.webhookhub.delivery.DeliveryRepository;
import dev.webhookhub.delivery.EndpointGuards;
import dev.webhookhub.security.Tenant;
import dev.webhookhub.store.EventRepository;
import dev.webhookhub.subscription.SubscriptionRepository;

/** What an on-call engineer looks at first, for one environment: backlog, dead letters, open circuits, event rate. */
@RestController
public class StatsController {

    private static final Duration RATE_WINDOW = Duration.ofMinutes(1);
    /** Bounds the rate count to the newest events: 1,000/s over the window, at most. */
    private static final int RATE_SCAN_LIMIT = 60_000;

    private final DeliveryRepository deliveries;
    private final EventRepository events;
    private final EndpointGuards guards;
    private final SubscriptionRepository subscriptions;

    public StatsController(DeliveryRepository deliveries, EventRepository events, EndpointGuards guards,
            SubscriptionRepository subscriptions) {
        this.deliveries = deliveries;
        this.events = events;
        this.guards = guards;
        this.subscriptions = subscriptions;
    }

    @GetMapping("/v1/stats")
    public Map<String, Object> stats(Tenant tenant) {
        Map<String, Long> byStatus = deliveries.countByStatus(tenant.environmentId());
        Map<String, Object> counts = new LinkedHashMap<>();
        for (String status : List.of(DeliveryRepository.PENDING, DeliveryRepository.FAILED, DeliveryRepository.DELIVERED,
                DeliveryRepository.DEAD)) {
            counts.put(status, byStatus.getOrDefault(status, 0L));
        }
        // circuits are per instance and keyed by webhook id: show only this environment's
        List<Map<String, String>> open = guards.openCircuitStates().entrySet().stream()
                .filter(e -> subscriptions.find(tenant.environmentId(), e.getKey()).isPresent())
                .map(e -> Map.of("webhook_id", e.getKey(), "state", e.getValue()))
                .toList();
        long recent = events.countSince(tenant.environmentId(), Instant.now().minus(RATE_WINDOW), RATE_SCAN_LIMIT);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deliveries", counts);
        body.put("open_circuits", open);
        body.put("events_last_minute", recent);
        body.put("events_per_second", Math.round(recent * 10.0 / RATE_WINDOW.toSeconds()) / 10.0);
        return body;
    }
}
