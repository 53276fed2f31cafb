package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;

/**
 * Many slow endpoints together may not take the whole in-flight room: a fast endpoint beside them is served at once,
 * not after their backlog. Small numbers: 24 in flight, 8 of them kept for fast endpoints, 40 endpoints answering
 * after 1 s.
 */
@TestPropertySource(properties = {"hub.delivery.max-in-flight=24", "hub.delivery.reserved-for-fast-endpoints=8",
        "hub.delivery.slow-endpoint-threshold=300ms"})
class SlowEndpointsTest extends HubTest {

    private static final int SLOW_ENDPOINTS = 40;
    private static final int SLOW_LANE = 24 - 8;
    private static final int SLOW_EVENTS = 6;

    @Test
    void aCrowdOfSlowEndpointsLeavesRoomForAFastOne() throws Exception {
        HubClient env = newEnvironment();
        try (var slow = TestReceiver.start().byDefault(Reply.slow(204, Duration.ofSeconds(1)));
                var fast = TestReceiver.start()) {
            for (int i = 0; i < SLOW_ENDPOINTS; i++) {
                subscribe(env, slow.url("/slow/" + i), List.of("connection.sync_failed"));
            }
            subscribe(env, fast.url("/fast"), List.of("connection.sync_completed"));

            // one round so that the hub has seen every slow endpoint answer slowly
            ingest(env, "configly", syncFailed("learn"));
            await().atMost(Duration.ofSeconds(20)).until(() -> delivered(slow) == SLOW_ENDPOINTS);
            slow.resetMaxConcurrent();

            // a backlog: 6 events x 40 endpoints, 16 at a time, 1 s each: about 15 s of work
            for (int i = 0; i < SLOW_EVENTS; i++) {
                ingest(env, "configly", syncFailed("backlog-" + i));
            }
            for (int i = 0; i < 20; i++) {
                ingest(env, "configly", syncCompleted("fast-" + i));
                Thread.sleep(50);
            }
            awaitReceived(fast, 20);
            long slowPending = SLOW_ENDPOINTS * (1 + SLOW_EVENTS) - delivered(slow);
            assertThat(slowPending).as("the fast endpoint got all 20 while the slow backlog was still there")
                    .isGreaterThan(SLOW_ENDPOINTS * SLOW_EVENTS / 2);

            await().atMost(Duration.ofSeconds(60)).until(() -> delivered(slow) == SLOW_ENDPOINTS * (1 + SLOW_EVENTS));
            assertThat(slow.maxConcurrent()).as("slow endpoints never held more than their lane").isLessThanOrEqualTo(SLOW_LANE);
            assertThat(jdbc.sql("SELECT MAX(attempts) FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id"
                    + " WHERE s.target_url LIKE ?").param(slow.url("/slow/%")).query(Long.class).single())
                    .as("waiting for the lane is a deferral, not a failed attempt").isEqualTo(1);
        }
    }

    private long delivered(TestReceiver receiver) {
        return jdbc.sql("SELECT COUNT(*) FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id"
                + " WHERE s.target_url LIKE ? AND d.status = 'delivered'").param(receiver.url("/%")).query(Long.class).single();
    }

    private static String syncFailed(String run) {
        return "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"" + run + "\",\"status\":\"failed\",\"error\":\"e\"}}";
    }

    private static String syncCompleted(String run) {
        return "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"" + run + "\",\"status\":\"completed\",\"snapshot\":1,"
                + "\"total\":1,\"ok\":1,\"failed\":0,\"startedAt\":\"2026-04-15T14:30:00.000Z\",\"finishedAt\":\"2026-04-15T14:30:01.000Z\"}}";
    }
}
