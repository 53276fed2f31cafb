package dev.webhookhub.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubProcess;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;

/**
 * SIGTERM while an attempt hangs on an endpoint that takes minutes to answer: the hub still exits within its
 * shutdown bound (docs/RELIABILITY.md), and the delivery it was making is made after the restart.
 */
class GracefulStopTest {

    /** spring.lifecycle.timeout-per-shutdown-phase and camel.main.shutdown-timeout, with room for the JVM's own exit. */
    private static final Duration SHUTDOWN_BOUND = Duration.ofSeconds(30);

    @Test
    void sigtermWithAnAttemptInFlightExitsWithinTheBoundAndLosesNothing() throws Exception {
        String name = "graceful-" + UUID.randomUUID();
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        List<String> settings = new ArrayList<>(Reliability.SETTINGS.stream().filter(s -> !s.startsWith("hub.delivery.lease=")).toList());
        settings.add("hub.delivery.lease=5s");
        try (var receiver = TestReceiver.start().thenReply(Reply.slow(200, Duration.ofMinutes(5)))) {
            HubProcess hub = HubProcess.start(name, null, List.of(), settings, port);
            var client = new HubClient(port, HubTest.API_KEY);
            var created = client.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/hangs"),
                    "events", List.of("connection.sync_failed"), "timeout_seconds", 120)));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            var accepted = client.post("/v1/ingest/configly",
                    "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"e\"}}");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() == 1);

            Duration stopped = hub.terminate();
            System.out.println("graceful stop with an attempt hanging: exited " + stopped.toMillis() + " ms after SIGTERM");
            assertThat(stopped).isLessThan(SHUTDOWN_BOUND);

            hub = HubProcess.start(name, null, List.of(), settings, port);
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() >= 2);
                var attempts = receiver.received();
                assertThat(attempts.get(1).header("webhook-id")).isEqualTo(attempts.get(0).header("webhook-id"));
            } finally {
                hub.close();
            }
        }
    }
}
