package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubProcess;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.PerKeyOrder;
import dev.webhookhub.support.TestPostgres;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;

/**
 * Ordered delivery with two hub processes on one PostgreSQL, events ingested through both, failures injected, and
 * one of them killed (SIGKILL) with deliveries in flight and started again: every key still goes strictly in ingest
 * order (a delivery the killed one had made but not recorded is sent again, before the next of its key), and
 * everything is delivered.
 */
class OrderedDeliveryAcrossNodesTest {

    private static final List<String> SETTINGS = Stream.concat(OrderedDeliveryTest.PROCESS_SETTINGS.stream(),
            Stream.of("hub.delivery.lease=5s")).toList();
    private static final int KEYS = 5;
    private static final int PER_KEY = 30;

    @Test
    void eachKeyKeepsItsOrderAcrossInstancesAndAKill() throws Exception {
        String database = TestPostgres.newDatabase();
        try (var receiver = TestReceiver.start();
                HubProcess a = HubProcess.start("ordered-a", database, SETTINGS)) {
            HubProcess b = HubProcess.start("ordered-b", database, SETTINGS);
            HubProcess restarted = null;
            try {
                HubClient viaA = new HubClient(a.port(), HubTest.API_KEY);
                HubClient viaB = new HubClient(b.port(), HubTest.API_KEY);
                OrderedDeliveryTest.createOrderedWebhook(viaA, receiver.url("/ordered"));
                PerKeyOrder order = new PerKeyOrder(OrderedDeliveryTest::nameIn);
                receiver.replyBy(order.failingAsPlanned(Reply.slow(204, Duration.ofMillis(20))));

                int n = 0;
                for (int i = 0; i < PER_KEY; i++) {
                    for (int k = 0; k < KEYS; k++) {
                        String key = "node-conn-" + k;
                        String event = "node-" + k + "-" + i;
                        order.expect(key, event, n % 7 == 3 ? 2 : 0); // two rounds fail
                        boolean throughB = n % 2 == 1 && b.isAlive();
                        var response = (throughB ? viaB : viaA).post("/v1/ingest/configly",
                                OrderedDeliveryTest.FAILED.formatted(key, event));
                        assertThat(response.status()).as(response.body()).isEqualTo(202);
                        n++;
                        if (n == KEYS * PER_KEY / 2) {
                            b.kill();
                        }
                    }
                }
                restarted = HubProcess.start("ordered-b", database, SETTINGS);

                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(order::allDelivered);
                assertThat(order.violations()).as("no event before the ones ahead of it in its key").isEmpty();
                System.out.printf("ordered across nodes: %d events of %d keys delivered in order, %d requests%n",
                        KEYS * PER_KEY, KEYS, receiver.received().size());
            } finally {
                b.close();
                if (restarted != null) {
                    restarted.close();
                }
            }
        }
    }
}
