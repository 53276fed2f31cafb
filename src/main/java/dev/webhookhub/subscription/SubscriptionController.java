package dev.webhookhub.subscription;

import java.util.HashMap;
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

import dev.webhookhub.api.ApiException;
import dev.webhookhub.security.Tenant;

/** {@code /v1/webhooks}, and {@code /webhook} as the seed 001 documents it. */
@RestController
public class SubscriptionController {

    private static final int MAX_PAGE = 200;

    private final SubscriptionService service;

    public SubscriptionController(SubscriptionService service) {
        this.service = service;
    }

    @PostMapping(path = {"/v1/webhooks", "/webhook"}, consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    public SubscriptionResponse create(Tenant tenant, @RequestBody SubscriptionRequest request) {
        return SubscriptionResponse.of(service.create(tenant.environmentId(), request));
    }

    @GetMapping({"/v1/webhooks", "/webhook"})
    public Map<String, Object> list(Tenant tenant, @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw ApiException.badRequest("limit must be between 1 and " + MAX_PAGE);
        }
        List<Subscription> page = service.page(tenant.environmentId(), cursor, limit + 1);
        boolean more = page.size() > limit;
        List<Subscription> shown = more ? page.subList(0, limit) : page;
        Map<String, Object> body = new HashMap<>();
        body.put("data", shown.stream().map(SubscriptionResponse::of).toList());
        body.put("next_cursor", more ? shown.getLast().id() : null);
        return body;
    }

    @GetMapping({"/v1/webhooks/{id}", "/webhook/{id}"})
    public SubscriptionResponse get(Tenant tenant, @PathVariable String id) {
        return SubscriptionResponse.of(service.get(tenant.environmentId(), id));
    }

    @PatchMapping(path = {"/v1/webhooks/{id}", "/webhook/{id}"}, consumes = MediaType.APPLICATION_JSON_VALUE)
    public SubscriptionResponse update(Tenant tenant, @PathVariable String id, @RequestBody SubscriptionRequest request) {
        return SubscriptionResponse.of(service.update(tenant.environmentId(), id, request));
    }

    @PostMapping({"/v1/webhooks/{id}/rotate-secret", "/webhook/{id}/rotate-secret"})
    public SubscriptionResponse rotateSecret(Tenant tenant, @PathVariable String id) {
        return SubscriptionResponse.of(service.rotateSecret(tenant.environmentId(), id));
    }

    @DeleteMapping({"/v1/webhooks/{id}", "/webhook/{id}"})
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void delete(Tenant tenant, @PathVariable String id) {
        service.delete(tenant.environmentId(), id);
    }
}
