package dev.webhookhub.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.exceptions.WebhookVerificationException;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/** CloudEvents format, secret rotation and test events, as a subscriber sees them. */
class SubscriptionFeaturesTest extends HubTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void cloudEventsFormatWrapsTheDocumentedEnvelope() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            var webhook = env.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/ce"),
                    "events", List.of("connection.sync_failed"), "format", "cloudevents"))).json();
            assertThat(webhook.get("format")).isEqualTo("cloudevents");
            String eventId = ingest(env, "configly",
                    "{\"kind\":\"sync_run\",\"connection\":\"c1\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"e\"}}").get(0);

            var delivery = awaitReceived(receiver, 1).get(0);
            delivery.verify((String) webhook.get("secret"));
            assertThat(delivery.header("content-type")).startsWith("application/cloudevents+json");
            var event = JSON.readTree(delivery.body());
            assertThat(event.get("specversion").asText()).isEqualTo("1.0");
            assertThat(event.get("id").asText()).isEqualTo(eventId);
            assertThat(event.get("source").asText()).isEqualTo("/webhook-hub/configly");
            assertThat(event.get("type").asText()).isEqualTo("connection.sync_failed");
            assertThat(event.get("time").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
            assertThat(event.get("data").get("id").asText()).isEqualTo(eventId);
            assertThat(event.get("data").get("data").get("error").asText()).isEqualTo("e");
            assertThat(env.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:1/x\",\"format\":\"xml\"}").status()).isEqualTo(400);
        }
    }

    @Test
    void afterRotationDeliveriesVerifyWithTheOldAndTheNewSecret() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            var webhook = subscribe(env, receiver.url("/rotate"), List.of("connection.sync_failed"));
            String oldSecret = (String) webhook.get("secret");
            var rotated = env.post("/v1/webhooks/" + webhook.get("id") + "/rotate-secret", "{}");
            assertThat(rotated.status()).isEqualTo(200);
            String newSecret = (String) rotated.json().get("secret");
            assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);

            ingest(env, "configly", "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"e\"}}");
            var delivery = awaitReceived(receiver, 1).get(0);
            assertThat(delivery.header("webhook-signature").split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
            delivery.verify(newSecret);
            delivery.verify(oldSecret);
            String stranger = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
            assertThatThrownBy(() -> delivery.verify(stranger)).isInstanceOf(WebhookVerificationException.class);
        }
    }

    @Test
    void testEventsSpeakEachSourcesLanguage() throws Exception {
        HubClient env = newEnvironment();
        try (var synq = TestReceiver.start(); var sync = TestReceiver.start(); var other = TestReceiver.start()) {
            String synqId = (String) subscribe(env, synq.url("/synq"), List.of("issue_created")).get("id");
            String syncId = (String) env.post("/v1/webhooks", HubClient.json(Map.of("url", sync.url("/sync"),
                    "sources", List.of("integration-sync")))).json().get("id");
            String otherId = (String) subscribe(env, other.url("/other"), List.of("config.applied")).get("id");

            for (String id : List.of(synqId, syncId, otherId)) {
                var sent = env.post("/v1/webhooks/" + id + "/test", "{}");
                assertThat(sent.status()).as(sent.body()).isEqualTo(202);
            }

            var ping = JSON.readTree(awaitReceived(synq, 1).get(0).body());
            assertThat(ping.get("event_type").asText()).isEqualTo("ping");
            assertThat(ping.get("ping").get("message").asText()).contains(synqId);
            var webhookTest = JSON.readTree(awaitReceived(sync, 1).get(0).body());
            assertThat(webhookTest.get("event").asText()).isEqualTo("webhook_test");
            assertThat(webhookTest.get("payload")).isEqualTo(JSON.readTree("{\"test\":true}"));
            var generic = JSON.readTree(awaitReceived(other, 1).get(0).body());
            assertThat(generic.get("type").asText()).isEqualTo("webhook.test");
            assertThat(generic.get("data").get("webhook_id").asText()).isEqualTo(otherId);
            Thread.sleep(300);
            assertThat(synq.received().size() + sync.received().size() + other.received().size())
                    .as("each test event reaches its own webhook only").isEqualTo(3);
        }
    }
}
