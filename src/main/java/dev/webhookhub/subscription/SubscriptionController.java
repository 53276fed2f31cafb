package dev.webhookhub.subscription;

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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.webhookhub.api.Pages;
import dev.webhookhub.security.Tenant;

/** {@code /v1/webhooks}, and {@code /webhook} as the seed 001 documents it. */
@RestController
public class SubscriptionController {

    private final SubscriptionService service;
    private final SubscribedTypes types;

    public SubscriptionController(SubscriptionService service, SubscribedTypes types) {
        this.service = service;
        this.types = types;
    }

    @PostMapping(path = {"/v1/webhooks", "/webhook"}, consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    public SubscriptionResponse create(Tenant tenant, @RequestBody SubscriptionRequest request) {
        return types.responseWithSecret(service.create(tenant.environmentId(), request, false));
    }

    @GetMapping({"/v1/webhooks", "/webhook"})
    public Map<String, Object> list(Tenant tenant, @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "50") int limit) {
        List<Subscription> page = service.page(tenant.environmentId(), false, cursor, Pages.checkedLimit(limit) + 1);
        return Pages.of(page, limit, types::response, Subscription::id);
    }

    @GetMapping({"/v1/webhooks/{id}", "/webhook/{id}"})
    public SubscriptionResponse get(Tenant tenant, @PathVariable String id) {
        return types.response(service.get(tenant.environmentId(), id, false));
    }

    @PatchMapping(path = {"/v1/webhooks/{id}", "/webhook/{id}"}, consumes = MediaType.APPLICATION_JSON_VALUE)
    public SubscriptionResponse update(Tenant tenant, @PathVariable String id, @RequestBody SubscriptionRequest request) {
        return types.response(service.update(tenant.environmentId(), id, request, false));
    }

    @PostMapping({"/v1/webhooks/{id}/rotate-secret", "/webhook/{id}/rotate-secret"})
    public SubscriptionResponse rotateSecret(Tenant tenant, @PathVariable String id) {
        return types.responseWithSecret(service.rotateSecret(tenant.environmentId(), id, false));
    }

    /** The signing secret, for a subscriber who lost it; list and read answers leave it out. */
    @GetMapping({"/v1/webhooks/{id}/secret", "/webhook/{id}/secret"})
    public Map<String, String> secret(Tenant tenant, @PathVariable String id) {
        return Map.of("secret", service.get(tenant.environmentId(), id, false).secret());
    }

    @DeleteMapping({"/v1/webhooks/{id}", "/webhook/{id}"})
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(Tenant tenant, @PathVariable String id) {
        service.delete(tenant.environmentId(), id, false);
    }
}
