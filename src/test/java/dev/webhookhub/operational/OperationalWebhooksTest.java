package dev.webhookhub.operational;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Operational webhooks: an environment's endpoints for the hub's own events about its webhooks, delivered signed by
 * the same engine; never about an operational webhook itself, never to an ordinary webhook. Lag alerts come through
 * them too.
 */
class OperationalWebhooksTest extends HubTest {

    private static final String SYNC_FAILED = "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"%s\",\"status\":\"failed\",\"error\":\"e\"}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    MeterRegistry registry;

    @Test
    void failingDeadRecoveredAndDisabledAreAnnouncedSignedAndOnlyToOperationalWebhooks() throws Exception {
        HubClient env = newEnvironment();
        try (var ops = TestReceiver.start(); var endpoint = TestReceiver.start(); var everything = TestReceiver.start()) {
            var op = env.post("/v1/operational-webhooks", HubClient.json(Map.of("url", ops.url("/ops"))));
            assertThat(op.status()).as(op.body()).isEqualTo(201);
            String opSecret = (String) op.json().get("secret");
            assertThat(op.json()).containsEntry("all_event_types", true).containsEntry("event_types",
                    List.of("webhook.disabled", "webhook.failing", "webhook.recovered", "webhook.lagging", "delivery.dead"));
            var all = env.post("/v1/webhooks", HubClient.json(Map.of("url", everything.url("/all"))));
            assertThat(all.status()).isEqualTo(201);
            String webhook = (String) subscribe(env, endpoint.url("/w"), List.of("connection.sync_failed")).get("id");

            endpoint.byDefault(Reply.status(500));
            String event = ingest(env, "configly", SYNC_FAILED.formatted("o-1")).getFirst();
            Map<String, Object> failing = awaitAnnounced(ops, "webhook.failing", webhook);
            assertThat(data(failing)).containsEntry("url", endpoint.url("/w")).containsEntry("last_status_code", 500)
                    .containsKey("failing_since");
            Map<String, Object> dead = awaitAnnounced(ops, "delivery.dead", webhook);
            assertThat(data(dead)).containsEntry("event_id", event).containsEntry("event_type", "connection.sync_failed")
                    .containsEntry("attempts", 3).containsEntry("last_status_code", 500).containsKey("delivery_id");
            assertThat(dead).containsKeys("type", "timestamp", "data");

            endpoint.byDefault(Reply.status(200));
            ingest(env, "configly", SYNC_FAILED.formatted("o-2"));
            assertThat(data(awaitAnnounced(ops, "webhook.recovered", webhook))).containsEntry("recovered_from", "failing");

            endpoint.byDefault(Reply.status(410));
            ingest(env, "configly", SYNC_FAILED.formatted("o-3"));
            assertThat(data(awaitAnnounced(ops, "webhook.disabled", webhook)))
                    .containsEntry("reason", "endpoint answered 410 Gone");
            assertThat(env.get("/v1/webhooks/" + webhook).json()).containsEntry("is_active", false);

            Map<String, JsonSchema> published = publishedSchemas(env);
            for (var received : ops.received()) {
                received.verify(opSecret);
                assertThat(received.header("webhook-id")).startsWith("evt_");
                String type = (String) body(received).get("type");
                assertThat(published.get(type).validate(JSON.readTree(received.body())))
                        .as("%s against the envelope_schema GET /v1/event-types publishes for it", received.body()).isEmpty();
            }
            assertThat(ops.received()).as("one of each, in the order they happened").extracting(r -> body(r).get("type"))
                    .containsExactly("webhook.failing", "delivery.dead", "webhook.recovered", "webhook.disabled");
            awaitReceived(everything, 3);
            Thread.sleep(300);
            assertThat(everything.received()).as("a webhook of every type gets the sources' events, not the hub's")
                    .extracting(r -> body(r).get("type")).doesNotContain("webhook.failing", "delivery.dead")
                    .hasSize(3);
            var opDeliveries = env.get("/v1/webhooks/" + op.json().get("id") + "/deliveries?status=delivered");
            assertThat(opDeliveries.body()).contains("webhook.disabled");
        }
    }

    @Test
    void anOperationalWebhookThatFailsProducesNothingAboutItself() throws Exception {
        HubClient env = newEnvironment();
        try (var broken = TestReceiver.start(); var working = TestReceiver.start(); var endpoint = TestReceiver.start()) {
            broken.byDefault(Reply.status(500));
            String brokenId = (String) env.post("/v1/operational-webhooks",
                    HubClient.json(Map.of("url", broken.url("/b")))).json().get("id");
            env.post("/v1/operational-webhooks", HubClient.json(Map.of("url", working.url("/w"),
                    "event_types", List.of("webhook.failing", "delivery.dead", "webhook.disabled"))));
            String webhook = (String) subscribe(env, endpoint.url("/e"), List.of("connection.sync_failed")).get("id");
            endpoint.byDefault(Reply.status(500));

            ingest(env, "configly", SYNC_FAILED.formatted("s-1"));
            awaitAnnounced(working, "delivery.dead", webhook);
            // the broken operational webhook's own deliveries of those events die too (two durable retries of 1 s)
            await().atMost(Duration.ofSeconds(20)).until(() -> env.get("/v1/webhooks/" + brokenId + "/deliveries?status=dead")
                    .body().contains("delivery.dead"));
            Thread.sleep(500);
            assertThat(working.received()).extracting(r -> data(body(r)).get("webhook_id")).containsOnly(webhook);
            assertThat(env.get("/v1/operational-webhooks/" + brokenId).json()).containsKey("failing_since");
        }
    }

    @Test
    void aWebhookBehindItsLagThresholdIsAnnouncedAndSoIsItsCatchingUp() throws Exception {
        HubClient env = newEnvironment();
        try (var ops = TestReceiver.start(); var stalled = TestReceiver.start()) {
            env.post("/v1/operational-webhooks", HubClient.json(Map.of("url", ops.url("/ops"),
                    "event_types", List.of("webhook.lagging", "webhook.recovered"))));
            var created = env.post("/v1/webhooks", HubClient.json(Map.of("url", stalled.url("/s"),
                    "events", List.of("connection.sync_failed"), "lag_threshold_seconds", 1)));
            assertThat(created.json()).containsEntry("lag_threshold_seconds", 1);
            String webhook = (String) created.json().get("id");
            // the endpoint asks for 4 s of quiet: the delivery waits and grows older than the threshold
            stalled.thenReply(new Reply(503, Duration.ZERO, Map.of("Retry-After", "4")));
            stalled.byDefault(Reply.status(200));

            ingest(env, "configly", SYNC_FAILED.formatted("l-1"));
            Map<String, Object> lagging = awaitAnnounced(ops, "webhook.lagging", webhook);
            assertThat(data(lagging)).containsEntry("threshold_seconds", 1).containsEntry("waiting", 1);
            assertThat((Integer) data(lagging).get("lag_seconds")).isGreaterThan(1);
            assertThat(env.get("/v1/webhooks/" + webhook).json()).containsKey("lagging_since");
            Gauge gauge = registry.find("hub.webhook.lag").tag("webhook", webhook).gauge();
            assertThat(gauge).isNotNull();
            assertThat(gauge.value()).isGreaterThanOrEqualTo(1);

            await().atMost(Duration.ofSeconds(20)).until(() -> ops.received().stream().map(OperationalWebhooksTest::body)
                    .anyMatch(e -> "webhook.recovered".equals(e.get("type")) && "lagging".equals(data(e).get("recovered_from"))));
            assertThat(env.get("/v1/webhooks/" + webhook).json()).doesNotContainKey("lagging_since");
            Thread.sleep(1000);
            // besides: webhook.recovered from failing, for the 503 followed by a success
            assertThat(ops.received()).as("each announced once").extracting(r -> body(r).get("type") + "/"
                    + data(body(r)).getOrDefault("recovered_from", "")).containsExactlyInAnyOrder("webhook.lagging/",
                            "webhook.recovered/failing", "webhook.recovered/lagging");
        }
    }

    @Test
    void operationalWebhooksAreTheirOwnList() {
        HubClient env = newEnvironment();
        var op = env.post("/v1/operational-webhooks", HubClient.json(Map.of("url", "https://ops.example.com/hub",
                "event_types", List.of("delivery.dead"), "description", "pager")));
        assertThat(op.status()).as(op.body()).isEqualTo(201);
        String id = (String) op.json().get("id");
        String webhook = (String) subscribe(env, "https://example.com/w", List.of("connection.sync_failed")).get("id");

        assertThat(env.get("/v1/operational-webhooks").body()).contains(id).doesNotContain(webhook);
        assertThat(env.get("/v1/webhooks").body()).contains(webhook).doesNotContain(id);
        assertThat(env.get("/v1/webhooks/" + id).status()).isEqualTo(404);
        assertThat(env.get("/v1/operational-webhooks/" + webhook).status()).isEqualTo(404);
        assertThat(env.delete("/v1/webhooks/" + id).status()).isEqualTo(404);
        var read = env.get("/v1/operational-webhooks/" + id);
        assertThat(read.json()).containsEntry("description", "pager").containsEntry("event_types", List.of("delivery.dead"))
                .doesNotContainKey("secret");
        assertThat(env.get("/v1/operational-webhooks/" + id + "/secret").json().get("secret")).isEqualTo(op.json().get("secret"));
        var changed = env.patch("/v1/operational-webhooks/" + id, "{\"event_types\": [\"webhook.disabled\"], \"is_active\": false}");
        assertThat(changed.json()).containsEntry("event_types", List.of("webhook.disabled")).containsEntry("is_active", false);

        for (String bad : List.of("{\"url\": \"https://ops.example.com\", \"event_types\": [\"connection.sync_failed\"]}",
                "{\"url\": \"ftp://ops.example.com\"}", "{}")) {
            var refused = env.post("/v1/operational-webhooks", bad);
            assertThat(refused.status()).as(bad + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.contentType()).contains("problem+json");
        }
        var sourcesEvent = env.post("/v1/webhooks", HubClient.json(Map.of("url", "https://example.com/x",
                "events", List.of("webhook.failing"))));
        assertThat(sourcesEvent.status()).as("the hub's types are not a webhook's").isEqualTo(400);
        assertThat(env.delete("/v1/operational-webhooks/" + id).status()).isEqualTo(204);
        assertThat(env.get("/v1/operational-webhooks/" + id).status()).isEqualTo(404);
    }

    /**
     * The published contract of each operational type: its envelope_schema in GET /v1/event-types, which must be the
     * payload of its message in GET /v1/asyncapi's hub channel.
     */
    private static Map<String, JsonSchema> publishedSchemas(HubClient env) {
        JsonNode asyncApi = JSON.valueToTree(env.get("/v1/asyncapi").json());
        var factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        var config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        Map<String, JsonSchema> schemas = new HashMap<>();
        for (JsonNode type : JSON.valueToTree(env.get("/v1/event-types").json()).path("operational_event_types")) {
            String name = type.path("type").asText();
            assertThat(asyncApi.at("/components/messages/hub." + name + "/payload")).isEqualTo(type.path("envelope_schema"));
            JsonSchema schema = factory.getSchema(type.path("envelope_schema"), config);
            assertThat(schema.validate(type.path("example"))).as("the example of %s", name).isEmpty();
            schemas.put(name, schema);
        }
        assertThat(schemas).containsOnlyKeys("webhook.failing", "webhook.recovered", "webhook.disabled", "webhook.lagging",
                "delivery.dead");
        return schemas;
    }

    /** Waits for the operational event of that type about that webhook, and returns its body. */
    private Map<String, Object> awaitAnnounced(TestReceiver ops, String type, String webhookId) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> ops.received().stream()
                .map(OperationalWebhooksTest::body)
                .anyMatch(b -> type.equals(b.get("type")) && webhookId.equals(data(b).get("webhook_id"))));
        return ops.received().stream().map(OperationalWebhooksTest::body)
                .filter(b -> type.equals(b.get("type")) && webhookId.equals(data(b).get("webhook_id")))
                .findFirst().orElseThrow();
    }

    private static Map<String, Object> body(TestReceiver.Received received) {
        try {
            return JSON.readValue(received.body(), new TypeReference<>() {
            });
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + received.body(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(Map<String, Object> body) {
        Object data = body.get("data");
        return data instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
