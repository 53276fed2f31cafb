package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;

/**
 * The delivery routes against a scriptable receiver: in-process redelivery for blips, the durable schedule
 * after it, dead when it runs out, and 410 Gone disabling the webhook. Every attempt is in the attempt log.
 */
class DeliveryRouteTest extends HubTest {

    @Autowired
    CamelContext camel;

    @Test
    void blipsAreRedeliveredInProcessWithTheSameWebhookId() throws Exception {
        var env = newEnvironment();
        try (var receiver = TestReceiver.start().thenReply(Reply.status(500), Reply.status(502))) {
            String secret = (String) subscribe(env, receiver.url("/flaky"), List.of("connection.sync_failed")).get("secret");
            NotifyBuilder oneDelivery = new NotifyBuilder(camel).fromRoute("deliver").whenDone(1).create();

            String eventId = ingest(env, "configly", syncFailed("blip")).get(0);

            assertThat(oneDelivery.matches(20, TimeUnit.SECONDS)).isTrue();
            var received = awaitReceived(receiver, 3);
            assertThat(received).hasSize(3).allSatisfy(r -> assertThat(r.header("webhook-id")).isEqualTo(eventId));
            received.get(2).verify(secret);
            // the receiver counts a request before it answers, and outcomes are written a few ms after the answer
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(status(eventId)).isEqualTo("delivered"));
            assertThat(attemptCodes(eventId)).containsExactly(500, 502, 204);
            assertThat(jdbc.sql("SELECT attempts FROM deliveries WHERE event_id = ?").param(eventId).query(Integer.class).single())
                    .as("one durable attempt, three HTTP tries").isEqualTo(1);
        }
    }

    @Test
    void anEndpointThatKeepsFailingGoesThroughTheDurableScheduleToDead() throws Exception {
        var env = newEnvironment();
        try (var receiver = TestReceiver.start().byDefault(Reply.status(500))) {
            subscribe(env, receiver.url("/down"), List.of("connection.sync_failed"));
            String eventId = ingest(env, "configly", syncFailed("dead")).get(0);

            // schedule 1s,1s: three durable attempts of three HTTP tries each
            await().atMost(Duration.ofSeconds(20)).until(() -> "dead".equals(status(eventId)));
            assertThat(attemptCodes(eventId)).hasSize(9).containsOnly(500);
            assertThat(receiver.received()).hasSize(9).extracting(r -> r.header("webhook-id")).containsOnly(eventId);
        }
    }

    @Test
    void goneDisablesTheWebhookAndRateLimitsAreNotRetriedInProcess() throws Exception {
        var env = newEnvironment();
        try (var gone = TestReceiver.start().byDefault(Reply.status(410));
                var limited = TestReceiver.start().thenReply(new Reply(429, Duration.ZERO, Map.of("Retry-After", "1")))) {
            String goneId = (String) subscribe(env, gone.url("/gone"), List.of("connection.sync_failed")).get("id");
            subscribe(env, limited.url("/limited"), List.of("connection.sync_failed"));

            String eventId = ingest(env, "configly", syncFailed("gone")).get(0);

            await().atMost(Duration.ofSeconds(20)).until(() -> limited.received().size() >= 2);
            var webhook = env.get("/v1/webhooks/" + goneId).json();
            assertThat(webhook.get("is_active")).isEqualTo(false);
            assertThat((String) webhook.get("disabled_reason")).contains("410");
            assertThat(gone.received()).as("410 is final: no redelivery").hasSize(1);
            var retried = limited.received();
            assertThat(Duration.ofNanos(retried.get(1).receivedAtNanos() - retried.get(0).receivedAtNanos()))
                    .as("429 waits for Retry-After instead of the 20 ms redelivery").isGreaterThanOrEqualTo(Duration.ofMillis(900));
            await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.sql(
                    "SELECT COUNT(*) FROM deliveries WHERE event_id = ? AND status = 'delivered'").param(eventId).query(Long.class).single() == 1);
        }
    }

    private String status(String eventId) {
        return jdbc.sql("SELECT status FROM deliveries WHERE event_id = ?").param(eventId).query(String.class).single();
    }

    private List<Integer> attemptCodes(String eventId) {
        return jdbc.sql("""
                SELECT a.status_code FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                WHERE d.event_id = ? ORDER BY a.id""").param(eventId).query(Integer.class).list();
    }

    private static String syncFailed(String connection) {
        return "{\"kind\":\"sync_run\",\"connection\":\"" + connection + "\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"e\"}}";
    }
}
