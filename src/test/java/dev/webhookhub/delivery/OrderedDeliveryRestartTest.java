package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

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
class OrderedDeliveryRestartTest {

    private static final List<String> SETTINGS = Stream.concat(OrderedDeliveryTest.PROCESS_SETTINGS.stream(),
            Stream.of("hub.delivery.lease=3s")).toList();
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
                OrderedDeliveryTest.createOrderedWebhook(client, receiver.url("/ordered"));
                PerKeyOrder order = new PerKeyOrder(OrderedDeliveryTest::nameIn);
                receiver.replyBy(order.failingAsPlanned(Reply.slow(204, Duration.ofMillis(20))));

                int n = 0;
                for (int i = 0; i < PER_KEY; i++) {
                    for (int k = 0; k < KEYS; k++) {
                        String key = "restart-conn-" + k;
                        String event = "restart-" + k + "-" + i;
                        // two rounds fail: durable retries are pending at the kill
                        order.expect(key, event, n % 6 == 2 ? 2 : 0);
                        var response = client.post("/v1/ingest/configly",
                                OrderedDeliveryTest.FAILED.formatted(key, event));
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
