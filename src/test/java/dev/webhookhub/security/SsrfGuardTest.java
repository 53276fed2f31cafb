package dev.webhookhub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/** With the SSRF guard on (the default), private targets are refused at create time and at send time. */
@TestPropertySource(properties = "hub.delivery.allow-private-targets=false")
class SsrfGuardTest extends HubTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]/x", "http://10.0.0.1/x",
            "http://172.16.5.4/x", "http://192.168.0.1/x", "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/x",
            "http://[fd12::1]/x", "http://0.0.0.0/x", "http://100.100.1.1/x"})
    void privateTargetsAreRefusedWhenTheWebhookIsSaved(String url) {
        var response = hub().post("/v1/webhooks", HubClient.json(Map.of("url", url)));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        assertThat((String) response.json().get("detail")).contains("non-public");
    }

    @Autowired
    SecretBox secretBox;

    @Test
    void aTargetThatResolvesToAPrivateAddressAtSendTimeIsNotContacted() throws Exception {
        var environment = admin().post("/v1/environments", "{\"name\":\"ssrf-" + UUID.randomUUID() + "\"}").json();
        String environmentId = (String) environment.get("id");
        HubClient env = hub().as((String) ((Map<?, ?>) environment.get("api_key")).get("key"));
        try (var receiver = TestReceiver.start()) {
            // as if its host had resolved to a public address when saved and to loopback now (DNS rebinding)
            var now = OffsetDateTime.now();
            jdbc.sql("""
                    INSERT INTO subscriptions (id, environment_id, target_url, is_active, format, secret, created_at, updated_at)
                    VALUES (?, ?, ?, TRUE, 'native', ?, ?, ?)""")
                    .params(UUID.randomUUID().toString(), environmentId, receiver.url("/rebound"),
                            secretBox.seal(Secrets.newSigningSecret()), now, now)
                    .update();
            jdbc.sql("UPDATE environments SET subscriptions_version = subscriptions_version + 1 WHERE id = ?").param(environmentId).update();
            String eventId = ingest(env, "configly",
                    "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"e\"}}").get(0);

            await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql("""
                    SELECT COUNT(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = ?""")
                    .param(eventId).query(Long.class).single() >= 1);
            String error = jdbc.sql("""
                    SELECT a.error FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.event_id = ?
                    ORDER BY a.id FETCH FIRST 1 ROWS ONLY""").param(eventId).query(String.class).single();
            assertThat(error).contains("non-public address 127.0.0.1");
            Thread.sleep(300);
            assertThat(receiver.received()).isEmpty();
        }
    }
}
