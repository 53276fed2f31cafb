package dev.webhookhub.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.webhookhub.HubProperties;

/**
 * First start on an empty store: creates environment {@code default} and one API key, and settles the
 * admin token. Generated secrets are logged once and written, readable by the owner only, to the data
 * directory so that a restart finds the same admin token.
 */
@Component
public class BootstrapEnvironment {

    private static final Logger log = LoggerFactory.getLogger(BootstrapEnvironment.class);
    static final String DEFAULT_ENVIRONMENT = "default";

    private final String adminToken;

    public BootstrapEnvironment(HubProperties properties, EnvironmentRepository environments, TransactionTemplate tx)
            throws IOException {
        Path dataDir = properties.dataDir();
        Files.createDirectories(dataDir);
        this.adminToken = settleAdminToken(properties.adminToken(), dataDir.resolve("admin-token"));
        tx.executeWithoutResult(status -> {
            if (!environments.isEmpty()) {
                return;
            }
            var environment = environments.create(DEFAULT_ENVIRONMENT);
            String key = blank(properties.bootstrapApiKey()) ? Secrets.newApiKey() : properties.bootstrapApiKey();
            environments.addKey(environment.id(), key);
            if (blank(properties.bootstrapApiKey())) {
                Path keyFile = dataDir.resolve("bootstrap-api-key");
                try {
                    writeOwnerOnly(keyFile, key);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                log.warn("Created environment 'default' ({}) with API key {} (also written to {})", environment.id(), key,
                        keyFile.toAbsolutePath());
            } else {
                log.info("Created environment 'default' ({}) with the API key from HUB_BOOTSTRAP_API_KEY", environment.id());
            }
        });
    }

    public String adminToken() {
        return adminToken;
    }

    private static String settleAdminToken(String configured, Path file) throws IOException {
        if (!blank(configured)) {
            return configured;
        }
        if (Files.exists(file)) {
            return Files.readString(file).strip();
        }
        String token = Secrets.newAdminToken();
        writeOwnerOnly(file, token);
        log.warn("Generated admin token {} (also written to {}); set HUB_ADMIN_TOKEN to choose your own", token,
                file.toAbsolutePath());
        return token;
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content + System.lineSeparator());
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
