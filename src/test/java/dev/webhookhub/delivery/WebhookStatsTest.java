package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/** {@code GET /v1/webhooks/{id}/stats} from real attempts: counts, success rate, latency, and the lag of a backlog. */
class WebhookStatsTest extends HubTest {

    private static final String SYNC_FAILED = "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"%s\",\"status\":\"failed\",\"error\":\"e\"}}";

    @Test
    @SuppressWarnings("unchecked")
    void attemptsSuccessRateAndLatencyOverTheLastHourAndDay() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            receiver.thenReply(TestReceiver.Reply.status(500));
            String id = (String) subscribe(env, receiver.url("/stats"), List.of("connection.sync_failed")).get("id");
            var empty = env.get("/v1/webhooks/" + id + "/stats").json();
            assertThat((Map<String, Object>) ((Map<String, Object>) empty.get("windows")).get("1h"))
                    .containsEntry("attempts", 0).containsEntry("success_rate", null);

            ingest(env, "configly", SYNC_FAILED.formatted("s-1"));
            ingest(env, "configly", SYNC_FAILED.formatted("s-2"));
            // one 500, retried in-process, then two 2xx
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 3
                    && ((Map<String, Object>) ((Map<String, Object>) env.get("/v1/webhooks/" + id + "/stats").json()
                            .get("windows")).get("1h")).get("attempts").equals(3));
            var stats = env.get("/v1/webhooks/" + id + "/stats").json();
            for (String window : List.of("1h", "24h")) {
                var w = (Map<String, Object>) ((Map<String, Object>) stats.get("windows")).get(window);
                assertThat(w).containsEntry("attempts", 3).containsEntry("succeeded", 2).containsEntry("success_rate", 0.667);
                assertThat(((Number) w.get("latency_p99_ms")).longValue()).isGreaterThanOrEqualTo(((Number) w.get("latency_p50_ms")).longValue());
            }
            assertThat(stats).containsEntry("lag_seconds", 0).containsEntry("waiting", 0);
            var hourly = (List<Map<String, Object>>) stats.get("hourly");
            assertThat(hourly).hasSize(24);
            // in the last hour or two (an hour may have begun meanwhile)
            assertThat(hourly.stream().mapToInt(h -> (Integer) h.get("attempts")).sum()).isEqualTo(3);
            assertThat(hourly.stream().mapToInt(h -> (Integer) h.get("succeeded")).sum()).isEqualTo(2);
            assertThat(hourly.subList(0, 22)).allSatisfy(h -> assertThat(h).containsEntry("attempts", 0));
            assertThat(java.time.Instant.parse((String) hourly.getLast().get("start")))
                    .isBeforeOrEqualTo(java.time.Instant.now()).isAfter(java.time.Instant.now().minusSeconds(3600));
        }
    }

    @Test
    void lagIsTheAgeOfTheOldestDeliveryNotYetMade() {
        HubClient env = newEnvironment();
        String id = (String) subscribe(env, "http://127.0.0.1:9/never", List.of("connection.sync_failed")).get("id");
        env.patch("/v1/webhooks/" + id, "{\"paused\": true}");
        ingest(env, "configly", SYNC_FAILED.formatted("lag-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> env.get("/v1/webhooks/" + id + "/stats").json().get("waiting").equals(1));
        jdbc.sql("UPDATE deliveries SET created_at = ? WHERE subscription_id = ?")
                .params(java.sql.Timestamp.from(java.time.Instant.now().minusSeconds(600)), id).update();
        var stats = env.get("/v1/webhooks/" + id + "/stats").json();
        assertThat(((Number) stats.get("lag_seconds")).longValue()).isBetween(600L, 700L);
        assertThat(env.as("cly_nobody").get("/v1/webhooks/" + id + "/stats").status()).isEqualTo(401);
        assertThat(newEnvironment().get("/v1/webhooks/" + id + "/stats").status()).isEqualTo(404);
    }
}
