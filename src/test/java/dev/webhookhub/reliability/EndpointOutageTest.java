package dev.webhookhub.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubProcess;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/**
 * The endpoint goes away (connection refused) for a while under a steady load and comes back on the same address:
 * the compressed retry schedule and the circuit breaker carry every event through; nothing dies.
 */
class EndpointOutageTest {

    @Test
    void everythingIsDeliveredAfterTheEndpointComesBackAndNothingIsDead() throws Exception {
        Duration outage = Reliability.choose(Duration.ofSeconds(20), Duration.ofMinutes(2));
        int receiverPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            receiverPort = socket.getLocalPort();
        }
        try (HubProcess hub = HubProcess.start("outage-" + UUID.randomUUID(), null, Reliability.SETTINGS)) {
            HubClient api = new HubClient(hub.port(), HubTest.API_KEY);
            TestReceiver receiver = TestReceiver.startOn(receiverPort);
            String url = receiver.url("/outage");
            assertThat(api.post("/v1/webhooks", HubClient.json(Map.of("url", url, "events", List.of("connection.sync_failed"))))
                    .status()).isEqualTo(201);

            // about 100 events/s throughout: before, during and after the outage
            List<String> acknowledged;
            Map<String, Long> before;
            try (var load = new SustainedLoad(hub.port(), HubTest.API_KEY, 4, Duration.ofMillis(40))) {
                Thread.sleep(3000);
                receiver.close();
                before = Reliability.deliveredPerEvent(receiver);
                Thread.sleep(outage.toMillis());
                receiver = TestReceiver.startOn(receiverPort);
                Thread.sleep(3000);
                load.close();
                acknowledged = load.acknowledged();
            }
            TestReceiver after = receiver;
            try {
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
                        Reliability.lost(acknowledged, merged(before, Reliability.deliveredPerEvent(after))) == 0);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // the report and the assertions below say what is missing
            } finally {
                after.close();
            }
            Map<String, Long> delivered = merged(before, Reliability.deliveredPerEvent(after));
            long lost = Reliability.lost(acknowledged, delivered);
            long dead = api.get("/v1/deliveries?status=dead&limit=100").json().get("data") instanceof List<?> list ? list.size() : -1;
            Reliability.report("endpoint-outage", "endpoint refused connections for " + outage.toSeconds() + " s under ~100 events/s; "
                    + acknowledged.size() + " events acknowledged, " + lost + " not delivered, " + dead + " dead, "
                    + Reliability.duplicates(delivered) + " duplicate deliveries");

            assertThat(acknowledged.size()).as("load kept coming during the outage").isGreaterThan((int) outage.toSeconds() * 50);
            assertThat(lost).as("acknowledged events not delivered").isZero();
            assertThat(dead).as("dead deliveries").isZero();
        }
    }

    private static Map<String, Long> merged(Map<String, Long> a, Map<String, Long> b) {
        var all = new java.util.HashMap<>(a);
        b.forEach((k, v) -> all.merge(k, v, Long::sum));
        return all;
    }
}
