package dev.webhookhub.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.webhookhub.HubProperties;

/**
 * First start on an empty store: creates environment {@code default} and one API key, and settles the admin token.
 * Generated credentials are written, readable by the owner only, to the data directory (so that a restart finds the
 * same admin token); the log says where, never what.
 */
@Component
public class BootstrapEnvironment {

    private static final Logger log = LoggerFactory.getLogger(BootstrapEnvironment.class);
    static final String DEFAULT_ENVIRONMENT = "default";

    private final String adminToken;

    public BootstrapEnvironment(HubProperties properties, EnvironmentRepository environments, TransactionTemplate tx,
            DataDirectory dataDirectory) throws IOException {
        this.adminToken = settleAdminToken(properties.adminToken(), dataDirectory);
        tx.executeWithoutResult(status -> {
            if (!environments.isEmpty()) {
                return;
            }
            var environment = environments.create(DEFAULT_ENVIRONMENT);
            String key = blank(properties.bootstrapApiKey()) ? Secrets.newApiKey() : properties.bootstrapApiKey();
            environments.addKey(environment.id(), key);
            if (blank(properties.bootstrapApiKey())) {
                Path keyFile = dataDirectory.path().resolve("bootstrap-api-key");
                try {
                    dataDirectory.writeOwnerOnly(keyFile, key);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                log.warn("Created environment 'default' ({}); its generated API key was written to {}", environment.id(),
                        keyFile.toAbsolutePath());
            } else {
                log.info("Created environment 'default' ({}) with the API key from HUB_BOOTSTRAP_API_KEY", environment.id());
            }
        });
    }

    public String adminToken() {
        return adminToken;
    }

    private static String settleAdminToken(String configured, DataDirectory dataDirectory) throws IOException {
        if (!blank(configured)) {
            return configured;
        }
        Path file = dataDirectory.path().resolve("admin-token");
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        String token = Secrets.newAdminToken();
        dataDirectory.writeOwnerOnly(file, token);
        log.warn("Generated an admin token and wrote it to {}; set HUB_ADMIN_TOKEN to choose your own", file.toAbsolutePath());
        return token;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
