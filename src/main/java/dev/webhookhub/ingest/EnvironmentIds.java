package dev.webhookhub.ingest;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

import dev.webhookhub.security.EnvironmentRepository;

/**
 * Environment ids by name, for the channels that name the environment (routes, inbound webhooks) rather than
 * authenticate into one. Remembered once found: environments are never renamed or deleted.
 */
@Component
class EnvironmentIds {

    private final EnvironmentRepository environments;
    private final Map<String, String> ids = new ConcurrentHashMap<>();

    EnvironmentIds(EnvironmentRepository environments) {
        this.environments = environments;
    }

    Optional<String> byName(String name) {
        String id = ids.get(name);
        if (id == null) {
            id = environments.findByName(name).map(environment -> environment.id()).orElse(null);
            if (id != null) {
                ids.put(name, id);
            }
        }
        return Optional.ofNullable(id);
    }
}
