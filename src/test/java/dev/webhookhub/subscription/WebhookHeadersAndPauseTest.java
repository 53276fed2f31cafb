package dev.webhookhub.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/**
 * Per-webhook headers (plain ones read back, sensitive ones never, neither able to replace what the hub or HTTP
 * sets) and pause: a paused webhook holds its deliveries without attempts and sends them once resumed.
 */
class WebhookHeadersAndPauseTest extends HubTest {

    private static final String SYNC_FAILED = "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"%s\",\"status\":\"failed\",\"error\":\"e\"}}";

    @Test
    void headersGoWithEveryDeliveryAndSensitiveOnesAreNeverReadBack() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            var created = env.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/h"),
                    "events", List.of("connection.sync_failed"), "headers", Map.of("X-Team", "billing"),
                    "sensitive_headers", Map.of("X-Api-Key", "s3cr3t-value"))));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String id = (String) created.json().get("id");
            String secret = (String) created.json().get("secret");
            assertThat(created.json()).containsEntry("headers", Map.of("X-Team", "billing")).doesNotContainKey("sensitive_headers");
            for (String read : List.of("/v1/webhooks/" + id, "/v1/webhooks")) {
                assertThat(env.get(read).body()).doesNotContain("s3cr3t-value").doesNotContain("X-Api-Key");
            }
            assertThat(jdbc.sql("SELECT sensitive_headers FROM subscriptions WHERE id = ?").param(id).query(String.class).single())
                    .as("sealed at rest").doesNotContain("s3cr3t-value");

            ingest(env, "configly", SYNC_FAILED.formatted("h-1"));
            var first = awaitReceived(receiver, 1).getFirst();
            assertThat(first.header("X-Team")).isEqualTo("billing");
            assertThat(first.header("X-Api-Key")).isEqualTo("s3cr3t-value");
            first.verify(secret);

            var changed = env.patch("/v1/webhooks/" + id, HubClient.json(Map.of("headers", Map.of("X-Team", "payments"))));
            assertThat(changed.status()).as(changed.body()).isEqualTo(200);
            ingest(env, "configly", SYNC_FAILED.formatted("h-2"));
            var second = awaitReceived(receiver, 2).get(1);
            assertThat(second.header("X-Team")).isEqualTo("payments");
            assertThat(second.header("X-Api-Key")).as("left out of the change: kept").isEqualTo("s3cr3t-value");
        }
    }

    @Test
    void headersTheHubOrHttpSetAreRefused() {
        HubClient env = newEnvironment();
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 21; i++) {
            many.put("X-H" + i, "v");
        }
        List<Map<String, Object>> refused = List.of(
                Map.of("headers", Map.of("webhook-signature", "v1,forged")),
                Map.of("headers", Map.of("Content-Type", "text/plain")),
                Map.of("headers", Map.of("Host", "internal.example")),
                Map.of("headers", Map.of("Transfer-Encoding", "chunked")),
                Map.of("sensitive_headers", Map.of("Content-Length", "0")),
                Map.of("headers", Map.of("Bad Name", "v")),
                Map.of("headers", Map.of("X-Split", "a\r\nInjected: yes")),
                Map.of("headers", Map.of("X-Long", "v".repeat(1001))),
                Map.of("headers", many),
                Map.of("headers", Map.of("X-Key", "a"), "sensitive_headers", Map.of("x-key", "b")));
        for (Map<String, Object> fields : refused) {
            Map<String, Object> body = new HashMap<>(fields);
            body.put("url", "https://example.com/hook");
            var response = env.post("/v1/webhooks", HubClient.json(body));
            assertThat(response.status()).as(fields.keySet() + ": " + response.body()).isEqualTo(400);
            assertThat(response.contentType()).contains("problem+json");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPausedWebhookHoldsItsDeliveriesWithoutAttemptsAndSendsThemWhenResumed() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            String id = (String) subscribe(env, receiver.url("/paused"), List.of("connection.sync_failed")).get("id");
            var paused = env.patch("/v1/webhooks/" + id, "{\"paused\": true}");
            assertThat(paused.json()).containsEntry("paused", true);

            List<String> events = new java.util.ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                events.add(ingest(env, "configly", SYNC_FAILED.formatted("p-" + i)).getFirst());
            }
            Thread.sleep(1500);
            assertThat(receiver.received()).as("nothing while paused").isEmpty();
            var held = (List<Map<String, Object>>) env.get("/v1/webhooks/" + id + "/deliveries").json().get("data");
            assertThat(held).hasSize(3).allSatisfy(d -> assertThat(d).containsEntry("attempts", 0).containsEntry("status", "pending"));

            var resumed = env.patch("/v1/webhooks/" + id, "{\"paused\": false}");
            assertThat(resumed.json()).doesNotContainKey("paused");
            var received = awaitReceived(receiver, 3);
            // due oldest first; up to max-concurrency-per-endpoint of them are in flight at once, so they may arrive in
            // another order, as any backlog does
            assertThat(received).extracting(r -> r.header("webhook-id")).containsExactlyInAnyOrderElementsOf(events);
            await().atMost(Duration.ofSeconds(10)).until(() -> ((List<Map<String, Object>>) env.get("/v1/webhooks/" + id
                    + "/deliveries").json().get("data")).stream().allMatch(d -> "delivered".equals(d.get("status"))
                            && Integer.valueOf(1).equals(d.get("attempts"))));
        }
    }
}
