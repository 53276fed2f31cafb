package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;

/** An endpoint failing for longer than hub.delivery.disable-after is disabled; one success resets the clock. */
@TestPropertySource(properties = {"hub.delivery.disable-after=3s", "hub.delivery.circuit-failure-threshold=1000"})
class AutoDisableTest extends HubTest {

    @Test
    void anEndpointFailingContinuouslyIsDisabled() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start().byDefault(Reply.status(500))) {
            var webhook = env.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/failing"),
                    "events", List.of("connection.sync_failed"), "retry_schedule", List.of("1s", "1s", "1s", "1s", "1s", "1s")))).json();
            String id = (String) webhook.get("id");
            ingest(env, "configly", "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"e\"}}");

            await().atMost(Duration.ofSeconds(3)).until(() -> env.get("/v1/webhooks/" + id).json().containsKey("failing_since"));
            await().atMost(Duration.ofSeconds(15)).until(() -> Boolean.FALSE.equals(env.get("/v1/webhooks/" + id).json().get("is_active")));
            assertThat((String) env.get("/v1/webhooks/" + id).json().get("disabled_reason")).contains("failing continuously since");
        }
    }

    @Test
    void aSuccessResetsTheClock() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start().thenReply(Reply.status(500), Reply.status(500), Reply.status(500))) {
            String id = (String) env.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/recovers"),
                    "events", List.of("connection.sync_failed")))).json().get("id");
            ingest(env, "configly", "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"e\"}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 4);
            await().atMost(Duration.ofSeconds(5)).until(() -> !env.get("/v1/webhooks/" + id).json().containsKey("failing_since"));
            assertThat(env.get("/v1/webhooks/" + id).json().get("is_active")).isEqualTo(true);
        }
    }
}
