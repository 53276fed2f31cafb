package dev.webhookhub.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubProcess;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/**
 * The hub on H2 in a file is killed with SIGKILL three times while producers keep ingesting; after each restart it
 * carries on. Every event it acknowledged with a 202 reaches the endpoint at least once: with the default URL, and
 * with an operator's own plain URL (no {@code WRITE_DELAY=0}), which lost acknowledged events before the hub took
 * the write delay into its own hands.
 */
class CrashTest {

    @ParameterizedTest(name = "{0} H2 URL")
    @ValueSource(strings = {"default", "plain"})
    void killedThreeTimesUnderLoadItLosesNoAcknowledgedEvent(String url) throws Exception {
        Duration between = Reliability.choose(Duration.ofSeconds(4), Duration.ofSeconds(30));
        String name = "crash-" + UUID.randomUUID();
        List<String> settings = new java.util.ArrayList<>(Reliability.SETTINGS);
        if (url.equals("plain")) {
            settings.add("spring.datasource.url=jdbc:h2:file:" + java.nio.file.Path.of("target/test-data", name, "hub")
                    .toAbsolutePath());
        }
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        List<String> jvm = List.of("-Xmx512m");
        try (var receiver = TestReceiver.start()) {
            HubProcess hub = HubProcess.start(name, null, jvm, settings, port);
            var created = new HubClient(port, HubTest.API_KEY).post("/v1/webhooks", HubClient.json(Map.of(
                    "url", receiver.url("/crash"), "events", List.of("connection.sync_failed"))));
            assertThat(created.status()).as(created.body()).isEqualTo(201);

            SustainedLoad load = new SustainedLoad(port, HubTest.API_KEY, 8, Duration.ZERO);
            try {
                for (int kill = 1; kill <= 3; kill++) {
                    Thread.sleep(between.toMillis());
                    hub.kill();
                    hub = HubProcess.start(name, null, jvm, settings, port);
                }
                Thread.sleep(between.toMillis());
            } finally {
                load.close();
            }

            List<String> acknowledged = load.acknowledged();
            try {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                        .until(() -> Reliability.lost(acknowledged, Reliability.deliveredPerEvent(receiver)) == 0);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // fall through to the report and the assertion, which say how many are missing
            } finally {
                hub.close();
            }
            Map<String, Long> delivered = Reliability.deliveredPerEvent(receiver);
            long lost = Reliability.lost(acknowledged, delivered);
            long duplicates = Reliability.duplicates(delivered);
            Reliability.report(url.equals("plain") ? "crash-plain-url" : "crash", url + " H2 URL, 3 x kill -9 under load, " + between.toSeconds() + " s apart; " + acknowledged.size()
                    + " events acknowledged, " + lost + " lost, " + duplicates + " duplicate deliveries; ingest answers "
                    + load.answers() + " (-1: no answer while the hub was down)");

            assertThat(acknowledged).as("the load reached the hub").hasSizeGreaterThan(100);
            assertThat(lost).as("acknowledged events never delivered").isZero();
            assertThat(load.answers().keySet()).as("while the hub restarts it answers 202, 503 or not at all")
                    .allMatch(status -> status == 202 || status == 503 || status == SustainedLoad.NO_ANSWER);
        }
    }
}
