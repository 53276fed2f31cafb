package dev.webhookhub.operational;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.webhookhub.api.Pages;
import dev.webhookhub.security.Tenant;
import dev.webhookhub.subscription.Subscription;
import dev.webhookhub.subscription.SubscriptionRequest;
import dev.webhookhub.subscription.SubscriptionService;
import io.swagger.v3.oas.annotations.Operation;

/**
 * {@code /v1/operational-webhooks}: endpoints of an environment that receive the hub's own events about its
 * webhooks (webhook.disabled, webhook.failing, webhook.recovered, webhook.lagging, delivery.dead), signed like any
 * delivery. Their deliveries and stats are read like a webhook's ({@code /v1/webhooks/{id}/deliveries}).
 */
@RestController
@RequestMapping("/v1/operational-webhooks")
public class OperationalWebhookController {

    private final SubscriptionService service;

    public OperationalWebhookController(SubscriptionService service) {
        this.service = service;
    }

    @Operation(summary = "Register an endpoint for the hub's operational events; the answer holds its signing secret")
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    public OperationalWebhookResponse create(Tenant tenant, @RequestBody OperationalWebhookRequest request) {
        Subscription created = service.create(tenant.environmentId(), subscription(request), true);
        return OperationalWebhookResponse.of(created, created.secret());
    }

    @GetMapping
    public Map<String, Object> list(Tenant tenant, @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "50") int limit) {
        List<Subscription> page = service.page(tenant.environmentId(), true, cursor, Pages.checkedLimit(limit) + 1);
        return Pages.of(page, limit, s -> OperationalWebhookResponse.of(s, null), Subscription::id);
    }

    @GetMapping("/{id}")
    public OperationalWebhookResponse get(Tenant tenant, @PathVariable String id) {
        return OperationalWebhookResponse.of(service.get(tenant.environmentId(), id, true), null);
    }

    @PatchMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public OperationalWebhookResponse update(Tenant tenant, @PathVariable String id,
            @RequestBody OperationalWebhookRequest request) {
        return OperationalWebhookResponse.of(service.update(tenant.environmentId(), id, subscription(request), true), null);
    }

    @PostMapping("/{id}/rotate-secret")
    public OperationalWebhookResponse rotateSecret(Tenant tenant, @PathVariable String id) {
        Subscription rotated = service.rotateSecret(tenant.environmentId(), id, true);
        return OperationalWebhookResponse.of(rotated, rotated.secret());
    }

    @GetMapping("/{id}/secret")
    public Map<String, String> secret(Tenant tenant, @PathVariable String id) {
        return Map.of("secret", service.get(tenant.environmentId(), id, true).secret());
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(Tenant tenant, @PathVariable String id) {
        service.delete(tenant.environmentId(), id, true);
    }

    private static SubscriptionRequest subscription(OperationalWebhookRequest request) {
        return SubscriptionRequest.operational(request.url(), request.eventTypes(), request.isActive(),
                request.description());
    }
}
