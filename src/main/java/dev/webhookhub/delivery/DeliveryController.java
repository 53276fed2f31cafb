package dev.webhookhub.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.webhookhub.api.ApiException;
import dev.webhookhub.api.Pages;
import dev.webhookhub.delivery.DeliveryRepository.Attempt;
import dev.webhookhub.delivery.DeliveryRepository.DeliveryView;
import dev.webhookhub.security.Tenant;
import dev.webhookhub.store.Timestamps;
import dev.webhookhub.subscription.Subscription;
import dev.webhookhub.subscription.SubscriptionService;
import io.swagger.v3.oas.annotations.Operation;

/** Deliveries and their attempts, a webhook's stats; retry one, replay a webhook's events, send a test event. */
@RestController
public class DeliveryController {

    private static final Set<String> STATUSES = Set.of(DeliveryRepository.PENDING, DeliveryRepository.DELIVERED,
            DeliveryRepository.FAILED, DeliveryRepository.DEAD);

    private final DeliveryRepository deliveries;
    private final SubscriptionService subscriptions;
    private final Replayer replayer;
    private final WebhookTester tester;
    private final EndpointGuards guards;

    public DeliveryController(DeliveryRepository deliveries, SubscriptionService subscriptions, Replayer replayer,
            WebhookTester tester, EndpointGuards guards) {
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.replayer = replayer;
        this.tester = tester;
        this.guards = guards;
    }

    @GetMapping("/v1/deliveries")
    public Map<String, Object> list(Tenant tenant, @RequestParam(required = false) String status,
            @RequestParam(required = false) String cursor, @RequestParam(defaultValue = "50") int limit) {
        return page(tenant, null, status, cursor, limit);
    }

    @GetMapping({"/v1/webhooks/{id}/deliveries", "/webhook/{id}/deliveries"})
    public Map<String, Object> ofWebhook(Tenant tenant, @PathVariable String id, @RequestParam(required = false) String status,
            @RequestParam(required = false) String cursor, @RequestParam(defaultValue = "50") int limit) {
        subscriptions.get(tenant.environmentId(), id);
        Map<String, Object> page = page(tenant, id, status, cursor, limit);
        page.put("circuit", guards.circuitState(id));
        return page;
    }

    @Operation(summary = "How a webhook's attempts went over the last hour and day (attempts, success rate, p50/p99"
            + " latency) and how far behind it is now (lag_seconds: the age of its oldest delivery not yet made)")
    @GetMapping("/v1/webhooks/{id}/stats")
    public WebhookStats stats(Tenant tenant, @PathVariable String id) {
        subscriptions.get(tenant.environmentId(), id);
        Instant now = Instant.now();
        Map<String, WebhookStats.Window> windows = new LinkedHashMap<>();
        windows.put("1h", deliveries.window(id, now.minus(Duration.ofHours(1))));
        windows.put("24h", deliveries.window(id, now.minus(Duration.ofHours(24))));
        DeliveryRepository.Waiting waiting = deliveries.waiting(id);
        long lag = waiting.oldest() == null ? 0 : Math.max(0, Duration.between(waiting.oldest(), now).toSeconds());
        return new WebhookStats(id, windows, lag, waiting.count(), lastDay(id, now));
    }

    /** The 24 hours up to this one, each with its attempts (none: zeros). */
    private List<WebhookStats.Hour> lastDay(String id, Instant now) {
        long thisHour = now.getEpochSecond() / 3600;
        Map<Long, WebhookStats.Window> hours = deliveries.hourly(id, Instant.ofEpochSecond((thisHour - 23) * 3600));
        List<WebhookStats.Hour> day = new ArrayList<>();
        for (long hour = thisHour - 23; hour <= thisHour; hour++) {
            WebhookStats.Window w = hours.get(hour);
            day.add(new WebhookStats.Hour(Timestamps.iso(Instant.ofEpochSecond(hour * 3600)), w == null ? 0 : w.attempts(),
                    w == null ? 0 : w.succeeded(), w == null ? null : w.latencyP50Ms(), w == null ? null : w.latencyP99Ms()));
        }
        return day;
    }

    @GetMapping("/v1/deliveries/{id}")
    public Map<String, Object> get(Tenant tenant, @PathVariable String id) {
        DeliveryView delivery = deliveries.find(tenant.environmentId(), id)
                .orElseThrow(() -> ApiException.notFound("delivery", id));
        Map<String, Object> view = view(delivery);
        view.put("attempt_log", deliveries.attempts(id).stream().map(DeliveryController::view).toList());
        return view;
    }

    @PostMapping("/v1/deliveries/{id}/retry")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, Object> retry(Tenant tenant, @PathVariable String id) {
        DeliveryView delivery = deliveries.find(tenant.environmentId(), id)
                .orElseThrow(() -> ApiException.notFound("delivery", id));
        Subscription webhook = subscriptions.get(tenant.environmentId(), delivery.subscriptionId());
        if (!webhook.active()) {
            throw new ApiException(HttpStatus.CONFLICT, "webhook " + webhook.id()
                    + " is disabled; enable it (PATCH is_active=true) before retrying its deliveries");
        }
        deliveries.retryNow(tenant.environmentId(), id);
        return view(deliveries.find(tenant.environmentId(), id).orElseThrow());
    }

    @PostMapping({"/v1/webhooks/{id}/replay", "/webhook/{id}/replay"})
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, Object> replay(Tenant tenant, @PathVariable String id, @RequestParam String since) {
        Instant from;
        try {
            from = Instant.parse(since);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("since must be an ISO-8601 instant, e.g. 2026-04-15T14:30:00Z");
        }
        Subscription webhook = subscriptions.get(tenant.environmentId(), id);
        if (!webhook.active()) {
            throw new ApiException(HttpStatus.CONFLICT, "webhook " + id + " is disabled; enable it before replaying");
        }
        return Map.of("replayed", replayer.replay(webhook, from));
    }

    @PostMapping({"/v1/webhooks/{id}/test", "/webhook/{id}/test"})
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, Object> test(Tenant tenant, @PathVariable String id) {
        return tester.sendTest(subscriptions.get(tenant.environmentId(), id));
    }

    private Map<String, Object> page(Tenant tenant, String subscriptionId, String status, String cursor, int limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw ApiException.badRequest("status must be one of " + STATUSES.stream().sorted().toList());
        }
        if (cursor != null && deliveries.find(tenant.environmentId(), cursor).isEmpty()) {
            throw ApiException.badRequest("cursor '" + cursor + "' is not a delivery of this environment");
        }
        List<DeliveryView> rows = deliveries.page(tenant.environmentId(), subscriptionId, status, cursor,
                Pages.checkedLimit(limit) + 1);
        return Pages.of(rows, limit, DeliveryController::view, DeliveryView::id);
    }

    private static Map<String, Object> view(DeliveryView d) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", d.id());
        view.put("event_id", d.eventId());
        view.put("event_type", d.eventType());
        view.put("webhook_id", d.subscriptionId());
        view.put("status", d.status());
        view.put("attempts", d.attempts());
        view.put("next_attempt_at", Timestamps.iso(d.nextAttemptAt()));
        view.put("last_status_code", d.lastStatusCode());
        view.put("last_error", d.lastError());
        view.put("created_at", Timestamps.iso(d.createdAt()));
        view.put("updated_at", Timestamps.iso(d.updatedAt()));
        view.put("delivered_at", Timestamps.iso(d.deliveredAt()));
        return view;
    }

    private static Map<String, Object> view(Attempt a) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("attempted_at", Timestamps.iso(a.attemptedAt()));
        view.put("status_code", a.statusCode());
        view.put("latency_ms", a.latencyMs());
        view.put("error", a.error());
        view.put("note", a.note());
        view.put("response_body", a.responseBody());
        return view;
    }
}
