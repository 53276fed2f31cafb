package dev.webhookhub.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.transaction.annotation.Transactional;

import dev.webhookhub.api.ApiException;
import dev.webhookhub.security.EnvironmentRepository.Environment;
import dev.webhookhub.store.Timestamps;

/** Environments (tenants) and their API keys; guarded by the admin token. A key is shown once, when issued. */
@RestController
public class EnvironmentController {

    public record CreateEnvironment(String name) {
    }

    private final EnvironmentRepository environments;
    private final ApiKeyInterceptor apiKeys;

    public EnvironmentController(EnvironmentRepository environments, ApiKeyInterceptor apiKeys) {
        this.environments = environments;
        this.apiKeys = apiKeys;
    }

    @PostMapping("/v1/environments")
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    public Map<String, Object> create(@RequestBody CreateEnvironment request) {
        if (request.name() == null || request.name().isBlank() || request.name().length() > 200) {
            throw ApiException.badRequest("name is required (at most 200 characters)");
        }
        Environment environment;
        try {
            environment = environments.create(request.name().strip());
        } catch (DuplicateKeyException e) {
            throw new ApiException(HttpStatus.CONFLICT, "an environment named '" + request.name().strip() + "' exists");
        }
        String key = Secrets.newApiKey();
        var info = environments.addKey(environment.id(), key);
        Map<String, Object> body = view(environment);
        body.put("api_key", Map.of("id", info.id(), "key", key));
        return body;
    }

    @GetMapping("/v1/environments")
    public Map<String, Object> list() {
        return Map.of("data", environments.list().stream().map(EnvironmentController::view).toList());
    }

    @PostMapping("/v1/environments/{id}/api-keys")
    @ResponseStatus(HttpStatus.CREATED)
    public Map<String, Object> issueKey(@PathVariable String id) {
        environments.find(id).orElseThrow(() -> ApiException.notFound("environment", id));
        String key = Secrets.newApiKey();
        var info = environments.addKey(id, key);
        return Map.of("id", info.id(), "key", key, "created_at", Timestamps.iso(info.createdAt()));
    }

    @GetMapping("/v1/environments/{id}/api-keys")
    public Map<String, Object> keys(@PathVariable String id) {
        environments.find(id).orElseThrow(() -> ApiException.notFound("environment", id));
        List<Map<String, Object>> keys = environments.keys(id).stream().map(k -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("id", k.id());
            view.put("prefix", k.prefix());
            view.put("created_at", Timestamps.iso(k.createdAt()));
            view.put("revoked_at", Timestamps.iso(k.revokedAt()));
            return view;
        }).toList();
        return Map.of("data", keys);
    }

    @DeleteMapping("/v1/environments/{id}/api-keys/{keyId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void revokeKey(@PathVariable String id, @PathVariable String keyId) {
        if (!environments.revokeKey(id, keyId)) {
            throw ApiException.notFound("api key", keyId);
        }
        apiKeys.forgetCachedKeys();
    }

    private static Map<String, Object> view(Environment environment) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", environment.id());
        view.put("name", environment.name());
        view.put("created_at", Timestamps.iso(environment.createdAt()));
        return view;
    }
}
