package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;

/** What each answer of an endpoint leads to, the attempt log that shows it, and the ways to recover. */
class DeliveryOutcomesTest extends HubTest {

    private static final List<String> FAILED = List.of("connection.sync_failed");

    @Test
    void redirectsAreNotFollowed() throws Exception {
        HubClient env = newEnvironment();
        try (var elsewhere = TestReceiver.start();
                var redirecting = TestReceiver.start()) {
            redirecting.byDefault(new Reply(302, Duration.ZERO, Map.of("Location", elsewhere.url("/moved"))));
            subscribe(env, redirecting.url("/old"), FAILED);
            String eventId = ingest(env, "configly", syncFailed("redirect")).get(0);

            var delivery = awaitDelivery(env, eventId, d -> "failed".equals(d.get("status")));
            assertThat((List<?>) delivery.get("attempt_log")).hasSizeGreaterThanOrEqualTo(3);
            assertThat(delivery.get("last_status_code")).isEqualTo(302);
            assertThat(elsewhere.received()).isEmpty();
        }
    }

    @Test
    void unavailableHonoursRetryAfter() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start().thenReply(new Reply(503, Duration.ZERO, Map.of("Retry-After", "2")))) {
            subscribe(env, receiver.url("/busy"), FAILED);
            ingest(env, "configly", syncFailed("busy"));
            var received = awaitReceived(receiver, 2);
            assertThat(Duration.ofNanos(received.get(1).receivedAtNanos() - received.get(0).receivedAtNanos()))
                    .as("waited for Retry-After: 2, not the 1 s schedule nor the 20 ms redelivery")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        }
    }

    @Test
    void aTimeoutIsRetriedAndTheAttemptLogShowsEveryTry() throws Exception {
        HubClient env = newEnvironment();
        String body = "x".repeat(10_000);
        try (var receiver = TestReceiver.start().thenReply(Reply.slow(200, Duration.ofSeconds(3)))
                .byDefault(Reply.status(500).withBody(body))) {
            var webhook = env.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/slow"), "events", FAILED,
                    "timeout_seconds", 1, "retry_schedule", List.of("300ms")))).json();
            assertThat(webhook.get("timeout_seconds")).isEqualTo(1);
            assertThat(webhook.get("retry_schedule")).isEqualTo(List.of("300ms"));
            String eventId = ingest(env, "configly", syncFailed("timeout")).get(0);

            // its own schedule (one retry) instead of the hub's (two): 2 rounds of 3 tries, then dead
            var delivery = awaitDelivery(env, eventId, d -> "dead".equals(d.get("status")));
            assertThat(delivery.get("attempts")).isEqualTo(2);
            var log = attemptLog(delivery);
            assertThat(log).hasSize(6);
            assertThat(log.get(0).get("status_code")).isNull();
            assertThat(log.get(0).get("error")).isEqualTo("deadline of 1 s exceeded");
            assertThat(((Number) log.get(0).get("latency_ms")).longValue()).isBetween(900L, 2900L);
            assertThat(log.get(1).get("status_code")).isEqualTo(500);
            assertThat((String) log.get(1).get("response_body")).hasSize(4096);
            assertThat(log).allSatisfy(a -> assertThat((String) a.get("attempted_at")).endsWith("Z"));
            assertThat(receiver.received()).allSatisfy(r -> assertThat(r.header("Hub-Response-Timeout-Ms")).isNull());

            String webhookId = (String) webhook.get("id");
            assertThat(ids(env.get("/v1/deliveries?status=dead").json())).contains((String) delivery.get("id"));
            assertThat(ids(env.get("/v1/deliveries?status=delivered").json())).doesNotContain((String) delivery.get("id"));
            assertThat(ids(env.get("/v1/webhooks/" + webhookId + "/deliveries").json())).containsExactly((String) delivery.get("id"));
            assertThat(env.get("/v1/deliveries?status=lost").status()).isEqualTo(400);
        }
    }

    @Test
    void deadDeliveriesComeBackByRetryAndByReplay() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start().byDefault(Reply.status(500))) {
            String webhookId = (String) subscribe(env, receiver.url("/down"), FAILED).get("id");
            Instant before = Instant.now().minusSeconds(1);
            String first = ingest(env, "configly", syncFailed("replay-1")).get(0);
            String second = ingest(env, "configly", syncFailed("replay-2")).get(0);
            var dead = awaitDelivery(env, first, d -> "dead".equals(d.get("status")));
            awaitDelivery(env, second, d -> "dead".equals(d.get("status")));

            receiver.byDefault(Reply.status(204));
            int seen = receiver.received().size();
            var retried = env.post("/v1/deliveries/" + dead.get("id") + "/retry", "{}");
            assertThat(retried.status()).isEqualTo(202);
            awaitDelivery(env, first, d -> "delivered".equals(d.get("status")));

            var replay = env.post("/v1/webhooks/" + webhookId + "/replay?since=" + before, "{}");
            assertThat(replay.status()).isEqualTo(202);
            assertThat(replay.json().get("replayed")).isEqualTo(2);
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() >= seen + 3);
            assertThat(receiver.received().subList(seen, seen + 3)).extracting(r -> r.header("webhook-id"))
                    .containsExactlyInAnyOrder(first, first, second);
            assertThat(env.post("/v1/webhooks/" + webhookId + "/replay?since=yesterday", "{}").status()).isEqualTo(400);
        }
    }

    @Test
    void aGoneWebhookCanBeReEnabled() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start().thenReply(Reply.status(410))) {
            String webhookId = (String) subscribe(env, receiver.url("/gone"), FAILED).get("id");
            String gone = ingest(env, "configly", syncFailed("gone-1")).get(0);
            awaitDelivery(env, gone, d -> "dead".equals(d.get("status")));
            assertThat(env.get("/v1/webhooks/" + webhookId).json().get("is_active")).isEqualTo(false);
            assertThat(env.post("/v1/deliveries/" + deliveryOf(env, gone).get("id") + "/retry", "{}").status()).isEqualTo(409);

            var enabled = env.patch("/v1/webhooks/" + webhookId, "{\"is_active\":true}").json();
            assertThat(enabled.get("is_active")).isEqualTo(true);
            assertThat(enabled).doesNotContainKey("disabled_reason");
            String back = ingest(env, "configly", syncFailed("gone-2")).get(0);
            awaitDelivery(env, back, d -> "delivered".equals(d.get("status")));
        }
    }

    @Test
    void aFilterSelectsEnvelopes() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            env.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/low"), "events", List.of("health_check.completed"),
                    "filter", "data.score < 50")));
            ingest(env, "configly", report("f1", 80));
            String low = ingest(env, "configly", report("f2", 20)).get(0);
            awaitReceived(receiver, 1);
            Thread.sleep(300);
            assertThat(receiver.received()).singleElement().satisfies(r -> assertThat(r.header("webhook-id")).isEqualTo(low));
            assertThat(env.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:1/x\",\"filter\":\"data.(\"}").status()).isEqualTo(400);
        }
    }

    @Test
    void prometheusShowsTheHubsMeters() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            subscribe(env, receiver.url("/m"), FAILED);
            ingest(env, "configly", syncFailed("metrics"));
            awaitReceived(receiver, 1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(admin().get("/actuator/prometheus").body())
                    .contains("hub_events_ingested_total{source=\"configly\",type=\"connection.sync_failed\"}")
                    .contains("hub_deliveries_total{outcome=\"delivered\"}")
                    .contains("hub_delivery_attempt_seconds_bucket{result=\"2xx\"")
                    .contains("hub_deliveries_pending ")
                    .contains("hub_deliveries_dead ")
                    .contains("hub_circuits_open "));
        }
    }

    private Map<String, Object> awaitDelivery(HubClient env, String eventId, java.util.function.Predicate<Map<String, Object>> condition) {
        var holder = new Object() {
            Map<String, Object> delivery;
        };
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            var summary = deliveryOf(env, eventId);
            if (summary == null) {
                return false;
            }
            holder.delivery = env.get("/v1/deliveries/" + summary.get("id")).json();
            return condition.test(holder.delivery);
        });
        return holder.delivery;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> deliveryOf(HubClient env, String eventId) {
        var page = (List<Map<String, Object>>) env.get("/v1/deliveries?limit=200").json().get("data");
        return page.stream().filter(d -> eventId.equals(d.get("event_id"))).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> attemptLog(Map<String, Object> delivery) {
        return (List<Map<String, Object>>) delivery.get("attempt_log");
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("data")).stream().map(d -> (String) d.get("id")).toList();
    }

    private static String syncFailed(String run) {
        return "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"" + run + "\",\"status\":\"failed\",\"error\":\"e\"}}";
    }

    private static String report(String id, int score) {
        return "{\"kind\":\"health_report\",\"connection\":\"c\",\"report\":{\"id\":\"" + id + "\",\"score\":" + score + ",\"findings\":[]}}";
    }
}
