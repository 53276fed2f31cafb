package dev.webhookhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/**
 * An upgrade from a store that kept signing secrets in clear text (schema version 8): on start, Flyway's migration 9
 * encrypts them in place, and deliveries are still signed with the very same secrets.
 */
class SecretsMigrationTest extends HubTest {

    private static final Path DATA = Path.of("target/test-data/upgrade-" + UUID.randomUUID());
    private static final String URL = "jdbc:h2:file:./" + DATA + "/hub;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String PREVIOUS = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    private static final String WEBHOOK = UUID.randomUUID().toString();
    /** Started before the store is made, so that its address is in the old webhook and no one else can take it. */
    private static TestReceiver receiver;

    /** The store as version 8 left it, with one environment, its key, and a webhook whose secrets are in clear. */
    @DynamicPropertySource
    static void oldStore(DynamicPropertyRegistry registry) throws Exception {
        receiver = TestReceiver.start();
        var dataSource = new DriverManagerDataSource(URL, "sa", "");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration", "classpath:db/vendor/h2")
                .target("8").load().migrate();
        var jdbc = new JdbcTemplate(dataSource);
        String environment = UUID.randomUUID().toString();
        jdbc.update("INSERT INTO environments (id, name, created_at) VALUES (?, 'default', CURRENT_TIMESTAMP)", environment);
        jdbc.update("INSERT INTO api_keys (id, environment_id, key_hash, key_prefix, created_at) VALUES (?, ?, ?, 'cly_test', CURRENT_TIMESTAMP)",
                UUID.randomUUID().toString(), environment, Secrets.sha256Hex(API_KEY));
        jdbc.update("""
                INSERT INTO subscriptions (id, environment_id, target_url, is_active, format, secret, previous_secret,
                  previous_secret_expires_at, created_at, updated_at)
                VALUES (?, ?, ?, TRUE, 'native', ?, ?, DATEADD('HOUR', 12, CURRENT_TIMESTAMP), CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)""",
                WEBHOOK, environment, receiver.url("/upgraded"), SECRET, PREVIOUS);
        registry.add("hub.data-dir", DATA::toString);
        registry.add("spring.datasource.url", () -> URL);
    }

    @Test
    void clearTextSecretsAreEncryptedOnUpgradeAndStillSign() throws Exception {
        assertThat(jdbc.sql("SELECT secret FROM subscriptions WHERE id = ?").param(WEBHOOK).query(String.class).single())
                .startsWith("enc:v1:").doesNotContain(SECRET.substring(6));
        assertThat(jdbc.sql("SELECT previous_secret FROM subscriptions WHERE id = ?").param(WEBHOOK).query(String.class)
                .single()).startsWith("enc:v1:");
        assertThat(hub().get("/v1/webhooks/" + WEBHOOK + "/secret").json().get("secret")).isEqualTo(SECRET);

        try (TestReceiver started = receiver) {
            ingest(hub(), "configly", "{\"kind\":\"sync_run\",\"connection\":\"c1\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"e\"}}");
            var delivery = awaitReceived(started, 1).getFirst();
            delivery.verify(SECRET);
            delivery.verify(PREVIOUS);
            assertThat(delivery.header("webhook-signature").split(" ")).hasSize(2);
        }
        assertThat(jdbc.sql("SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" ORDER BY \"installed_rank\"")
                .query(String.class).list()).containsSubsequence(List.of("8", "9"));
    }
}
