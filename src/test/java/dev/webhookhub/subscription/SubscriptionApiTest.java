package dev.webhookhub.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/** The subscription API in both documented dialects, and its lifecycle. */
class SubscriptionApiTest extends HubTest {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final String ISO_MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    @Test
    void seed001BodyOnTheSeedPathAnswersInTheSeedShape() {
        HubClient env = newEnvironment();
        var response = env.post("/webhook", """
                {"target_url":"https://example.com/webhook","is_active":true,
                 "event_types":["connection.sync_completed","config.applied"]}""");

        assertThat(response.status()).isEqualTo(201);
        var body = response.json();
        assertThat(body.keySet()).containsExactly("id", "target_url", "is_active", "environment_id", "event_types",
                "created_at", "updated_at", "secret");
        assertThat((String) body.get("id")).matches(UUID);
        assertThat(body.get("target_url")).isEqualTo("https://example.com/webhook");
        assertThat(body.get("is_active")).isEqualTo(true);
        assertThat((String) body.get("environment_id")).matches(UUID);
        assertThat(body.get("event_types")).isEqualTo(List.of("connection.sync_completed", "config.applied"));
        assertThat((String) body.get("created_at")).matches(ISO_MILLIS);
        assertThat(body.get("updated_at")).isEqualTo(body.get("created_at"));
        assertThat((String) body.get("secret")).matches("whsec_[A-Za-z0-9+/]{43}=");
    }

    @Test
    void configlyBodyWorksUnmodifiedAndOmittedTypesMeanAll() {
        HubClient env = newEnvironment();
        var configly = env.post("/v1/webhooks", """
                {"url":"https://example.com/webhook","events":["connection.sync_completed","health_check.completed",
                 "health_check.score_changed","config.applied"]}""");
        assertThat(configly.status()).isEqualTo(201);
        assertThat(configly.json().get("target_url")).isEqualTo("https://example.com/webhook");
        assertThat((List<?>) configly.json().get("event_types")).hasSize(4);

        var all = env.post("/v1/webhooks", "{\"target_url\":\"https://example.com/all\"}").json();
        // seed 001: "the list of event types that the webhook is subscribed to": all of them, and it says so
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sources = (List<Map<String, Object>>) env.get("/v1/event-types").json().get("sources");
        @SuppressWarnings("unchecked")
        List<String> catalog = sources.stream().flatMap(source -> ((List<Map<String, Object>>) source.get("event_types"))
                .stream()).map(type -> (String) type.get("type")).distinct().sorted().toList();
        assertThat(all.get("event_types")).isEqualTo(catalog);
        assertThat(all.get("all_event_types")).isEqualTo(true);
        assertThat(configly.json()).doesNotContainKey("all_event_types");
        assertThat(all.get("is_active")).isEqualTo(true);
    }

    @Test
    void listPagesWithACursorAndPatchAndDeleteWork() {
        HubClient env = newEnvironment();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add((String) env.post("/v1/webhooks", "{\"url\":\"https://example.com/" + i + "\"}").json().get("id"));
        }
        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            var page = env.get("/v1/webhooks?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            ((List<?>) page.get("data")).forEach(w -> listed.add((String) ((Map<?, ?>) w).get("id")));
            cursor = (String) page.get("next_cursor");
        } while (cursor != null);
        assertThat(listed).containsExactlyElementsOf(created);

        var patched = env.patch("/v1/webhooks/" + created.get(0), "{\"is_active\":false,\"events\":[\"config.applied\"]}");
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.json().get("is_active")).isEqualTo(false);
        assertThat(patched.json().get("event_types")).isEqualTo(List.of("config.applied"));
        assertThat(patched.json().get("target_url")).isEqualTo("https://example.com/0");
        assertThat(env.get("/v1/webhooks/" + created.get(0)).json().get("is_active")).isEqualTo(false);

        assertThat(env.delete("/v1/webhooks/" + created.get(1)).status()).isEqualTo(204);
        assertThat(env.get("/v1/webhooks/" + created.get(1)).status()).isEqualTo(404);
    }

    @Test
    void inactiveSubscriptionsReceiveNothing() throws Exception {
        HubClient env = newEnvironment();
        try (var active = TestReceiver.start(); var inactive = TestReceiver.start()) {
            subscribe(env, active.url("/on"), List.of("connection.sync_failed"));
            var off = env.post("/v1/webhooks", HubClient.json(Map.of("target_url", inactive.url("/off"), "is_active", false,
                    "event_types", List.of("connection.sync_failed"))));
            assertThat(off.json().get("is_active")).isEqualTo(false);

            ingest(env, "configly", "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"x\"}}");
            awaitReceived(active, 1);
            Thread.sleep(300);
            assertThat(inactive.received()).isEmpty();
        }
    }
}
