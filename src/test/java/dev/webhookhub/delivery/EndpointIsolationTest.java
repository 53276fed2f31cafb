package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;

/** One endpoint's trouble stays its own: concurrency cap, rate limit, circuit breaker. */
@ExtendWith(OutputCaptureExtension.class)
class EndpointIsolationTest extends HubTest {

    private static final List<String> FAILED = List.of("connection.sync_failed");

    @Autowired
    LoggingSystem loggingSystem;

    @Test
    void aHangingEndpointHoldsOnlyItsOwnSlotsWhileAHealthyOneGetsEverything() throws Exception {
        HubClient env = newEnvironment();
        try (var hanging = TestReceiver.start().byDefault(Reply.slow(204, Duration.ofSeconds(30)));
                var healthy = TestReceiver.start()) {
            // a timeout longer than the test: a request the hub gave up on would still count at the receiver, beside
            // the hub's next one
            assertThat(env.post("/v1/webhooks", HubClient.json(Map.of("url", hanging.url("/hang"), "events", FAILED,
                    "timeout_seconds", 60))).status()).isEqualTo(201);
            subscribe(env, healthy.url("/ok"), FAILED);

            long started = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                ingest(env, "configly", syncFailed("hang-" + i));
            }
            awaitReceived(healthy, 40);
            Duration healthyTook = Duration.ofNanos(System.nanoTime() - started);

            assertThat(healthyTook).as("the healthy endpoint does not wait for the hanging one")
                    .isLessThan(Duration.ofSeconds(10));
            assertThat(hanging.maxConcurrent()).as("hub.delivery.max-concurrency-per-endpoint").isBetween(1, 10);
        }
    }

    @Test
    void aBusyEndpointsDeliveriesWaitInMemoryForASlotNotInTheStore(CapturedOutput log) throws Exception {
        HubClient env = newEnvironment();
        // the dispatcher says at debug level why a delivery went back to the store, with its webhook (the format
        // is checked by whatABusyEndpointHasNoRoomForWaitsInTheStoreAndComesBackAtItsPace)
        loggingSystem.setLogLevel(Dispatcher.class.getName(), LogLevel.DEBUG);
        try (var busy = TestReceiver.start().byDefault(Reply.slow(204, Duration.ofMillis(250)))) {
            String webhookId = (String) subscribe(env, busy.url("/busy"), FAILED).get("id");
            // 80 deliveries, 10 at a time, 250 ms each: the last ones wait about 2 s for a slot
            ingestBatch(env, "busy-", 80);

            awaitReceived(busy, 80);
            assertThat(busy.maxConcurrent()).as("hub.delivery.max-concurrency-per-endpoint").isBetween(1, 10);
            assertThat(log.getOut()).as("none went back to the store to wait").doesNotContain("webhook " + webhookId + " deferred");
            assertThat(busy.received()).as("each sent once").hasSize(80);
        } finally {
            loggingSystem.setLogLevel(Dispatcher.class.getName(), null);
        }
    }

    @Test
    void whatABusyEndpointHasNoRoomForWaitsInTheStoreAndComesBackAtItsPace(CapturedOutput log) throws Exception {
        HubClient env = newEnvironment();
        loggingSystem.setLogLevel(Dispatcher.class.getName(), LogLevel.DEBUG);
        try (var busy = TestReceiver.start().byDefault(Reply.slow(204, Duration.ofMillis(100)))) {
            String webhookId = (String) subscribe(env, busy.url("/full"), FAILED).get("id");
            // 10 slots and 100 waiting: of 200 at once, up to 90 go back to the store
            for (int round = 0; round < 2; round++) {
                ingestBatch(env, "full-" + round + "-", 100);
            }

            awaitReceived(busy, 200);
            assertThat(busy.maxConcurrent()).as("hub.delivery.max-concurrency-per-endpoint").isBetween(1, 10);
            assertThat(busy.received()).as("each sent once").hasSize(200);
            var sentBack = log.getOut().lines().filter(line -> line.contains("webhook " + webhookId + " deferred for ")).toList();
            var deferrals = sentBack.stream().filter(line -> line.endsWith(": endpoint busy")).toList();
            // how many depends on how many of the first batch are done when the second comes in
            assertThat(deferrals).as("those the lane had no room for").isNotEmpty();
            // a lane of 10 slots at 100 ms an answer takes one every 10 ms: those sent back once its pace is known
            // come back one after the other, not all after the same delay
            var delays = deferrals.stream().map(line -> line.replaceAll(".* deferred for (\\d+) ms.*", "$1"))
                    .map(Long::parseLong).distinct().count();
            assertThat(delays).as("different delays, by place in the queue").isGreaterThan(10);
            assertThat(sentBack.size()).as("few go back more than once").isLessThan(200);
        } finally {
            loggingSystem.setLogLevel(Dispatcher.class.getName(), null);
        }
    }

    @Test
    void aRateLimitSpreadsDeliveriesOut() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            env.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/limited"), "events", FAILED, "rate_limit", 5)));
            ingestBatch(env, "rate-", 20);

            var received = awaitReceived(receiver, 20);
            Duration spread = Duration.ofNanos(received.get(19).receivedAtNanos() - received.get(0).receivedAtNanos());
            assertThat(spread).as("20 deliveries at 5 per second").isGreaterThanOrEqualTo(Duration.ofMillis(2500));
            await().atMost(Duration.ofSeconds(5)).until(() -> count("deliveries d JOIN subscriptions s ON s.id = d.subscription_id"
                    + " WHERE s.target_url = '" + receiver.url("/limited") + "' AND d.status = 'delivered' AND d.attempts = 1") == 20);
        }
    }

    @Test
    void theCircuitOpensAfterConsecutiveFailuresAndAProbeClosesIt(CapturedOutput log) throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start().byDefault(Reply.status(500))) {
            var webhook = env.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/flaky"), "events", FAILED,
                    "retry_schedule", List.of("10s")))).json();
            String webhookId = (String) webhook.get("id");
            for (int i = 0; i < 5; i++) {
                ingest(env, "configly", syncFailed("cb-" + i));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> "open".equals(env.get("/v1/webhooks/" + webhookId + "/deliveries").json().get("circuit")));
            int seen = receiver.received().size();
            assertThat(seen).as("5 failed attempts of 3 tries each").isEqualTo(15);

            String waiting = ingest(env, "configly", syncFailed("cb-waiting")).get(0);
            Thread.sleep(500);
            assertThat(receiver.received()).as("nothing is sent while the circuit is open").hasSize(seen);
            long attempts = jdbc.sql("SELECT attempts FROM deliveries WHERE event_id = ?").param(waiting).query(Long.class).single();
            assertThat(attempts).as("a deferred delivery does not use up a retry").isZero();

            receiver.byDefault(Reply.status(204));
            await().atMost(Duration.ofSeconds(10)).until(() -> "delivered".equals(
                    jdbc.sql("SELECT status FROM deliveries WHERE event_id = ?").param(waiting).query(String.class).single()));
            assertThat(env.get("/v1/webhooks/" + webhookId + "/deliveries").json().get("circuit")).isEqualTo("closed");
            assertThat(log.getOut()).as("the log says when the circuit opened and closed")
                    .contains("circuit of webhook " + webhookId + " opened after 5 failed attempts in a row")
                    .contains("circuit of webhook " + webhookId + " closed: the probe went through");
        }
    }

    private static String syncFailed(String run) {
        return "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"" + run + "\",\"status\":\"failed\",\"error\":\"e\"}}";
    }

    /** {@code count} configly events in one batch, with run ids {@code prefix0, prefix1, ...}. */
    private static void ingestBatch(HubClient env, String prefix, int count) {
        var batch = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            batch.append(i == 0 ? "" : ",").append(syncFailed(prefix + i));
        }
        assertThat(env.post("/v1/ingest/configly/batch", batch + "]").status()).isEqualTo(202);
    }
}
