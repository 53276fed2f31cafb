package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubProcess;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.PerKeyOrder;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;

/**
 * Ordered delivery on the default store (H2 in a file) through a SIGKILL: one hub process takes events of several
 * keys with failures injected, is killed with deliveries in flight and retries pending, and is started again on the
 * same data directory. Every key still goes strictly in ingest order (a delivery made but not recorded before the
 * kill is sent again before the next one of its key), and everything acknowledged is delivered.
 */
// Not in the default run yet: on a clean CI clone one run in three did not deliver every key within 120 s after the
// restart (issue 19, item 8 on H2); run it with -Dreliability.full=true while that is diagnosed.
@EnabledIfSystemProperty(named = "reliability.full", matches = "true")
class OrderedDeliveryRestartTest {

    private static final List<String> SETTINGS = List.of(
            "hub.bootstrap-api-key=" + HubTest.API_KEY, "hub.admin-token=" + HubTest.ADMIN_TOKEN,
            "hub.delivery.allow-private-targets=true", "hub.delivery.poll-interval=100ms", "hub.delivery.lease=3s",
            "hub.delivery.retry-schedule=500ms,500ms,500ms,500ms,500ms,500ms", "hub.delivery.jitter=0",
            "hub.mappings.reload-interval=1h");
    private static final String FAILED = "{\"kind\":\"sync_run\",\"connection\":\"%1$s\",\"run\":{\"id\":\"%2$s\",\"status\":\"failed\",\"error\":\"%2$s\"}}";
    private static final int KEYS = 5;
    private static final int PER_KEY = 24;

    @Test
    void eachKeyKeepsItsOrderThroughAKillAndARestart() throws Exception {
        String name = "ordered-restart-" + UUID.randomUUID();
        try (var receiver = TestReceiver.start()) {
            HubProcess hub = HubProcess.start(name, null, SETTINGS);
            int port = hub.port();
            try {
                HubClient client = new HubClient(port, HubTest.API_KEY);
                var created = client.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/ordered"),
                        "events", List.of("connection.sync_failed"), "ordering_key", "connectionId")));
                assertThat(created.status()).as(created.body()).isEqualTo(201);

                PerKeyOrder order = new PerKeyOrder(OrderedDeliveryTest::nameIn);
                Map<String, Integer> failuresLeft = new ConcurrentHashMap<>();
                receiver.replyBy(order.answering(event -> failuresLeft.getOrDefault(event, 0) > 0
                        && failuresLeft.merge(event, -1, Integer::sum) >= 0 ? Reply.status(503)
                        : Reply.slow(204, Duration.ofMillis(20))));

                int n = 0;
                for (int i = 0; i < PER_KEY; i++) {
                    for (int k = 0; k < KEYS; k++) {
                        String key = "restart-conn-" + k;
                        String event = "restart-" + k + "-" + i;
                        order.expect(key, event);
                        if (n % 6 == 2) {
                            failuresLeft.put(event, 2); // two rounds fail: durable retries are pending at the kill
                        }
                        var response = client.post("/v1/ingest/configly", FAILED.formatted(key, event));
                        assertThat(response.status()).as(response.body()).isEqualTo(202);
                        n++;
                    }
                    if (i == PER_KEY / 2) {
                        hub.kill();
                        hub = HubProcess.start(name, null, List.of("-Xmx512m"), SETTINGS, port);
                    }
                }

                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(order::allDelivered);
                assertThat(order.violations()).as("no event before the ones ahead of it in its key").isEmpty();
                System.out.printf("ordered through a restart: %d events of %d keys delivered in order, %d requests%n",
                        KEYS * PER_KEY, KEYS, receiver.received().size());
            } finally {
                hub.close();
            }
        }
    }
}
