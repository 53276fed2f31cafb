package dev.webhookhub.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubProcess;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * PostgreSQL stops (fast shutdown: every connection is cut) under a steady load and starts again on the same port
 * and data: meanwhile ingest answers 503, never 500 and never a 202 it cannot keep; afterwards the hub carries on
 * by itself and every acknowledged event is delivered.
 */
class DatabaseRestartTest {

    @Test
    void theHubAnswers503WhileTheDatabaseIsAwayAndRecoversByItself() throws Exception {
        Duration away = Reliability.choose(Duration.ofSeconds(10), Duration.ofSeconds(60));
        int pgPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            pgPort = socket.getLocalPort();
        }
        Path data = Files.createDirectories(Path.of("target", "test-data", "pg-restart-" + UUID.randomUUID())).toAbsolutePath();
        EmbeddedPostgres postgres = postgres(pgPort, data);
        try (var receiver = TestReceiver.start();
                HubProcess hub = HubProcess.start("pg-restart-" + UUID.randomUUID(), postgres.getJdbcUrl("postgres", "postgres"),
                        Reliability.SETTINGS)) {
            HubClient api = new HubClient(hub.port(), HubTest.API_KEY);
            assertThat(api.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/pg"),
                    "events", List.of("connection.sync_failed")))).status()).isEqualTo(201);

            List<String> acknowledged;
            Map<Integer, Long> answers;
            Map<Integer, Long> whileAway;
            try (var load = new SustainedLoad(hub.port(), HubTest.API_KEY, 4, Duration.ofMillis(40))) {
                Thread.sleep(3000);
                postgres.close();
                Map<Integer, Long> beforeOutage = load.answers();
                Thread.sleep(away.toMillis());
                whileAway = minus(load.answers(), beforeOutage);
                postgres = postgres(pgPort, data);
                long acceptedBefore = load.acknowledged().size();
                await().atMost(Duration.ofSeconds(60)).until(() -> load.acknowledged().size() > acceptedBefore + 100);
                load.close();
                acknowledged = load.acknowledged();
                answers = load.answers();
            }
            try {
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .until(() -> Reliability.lost(acknowledged, Reliability.deliveredPerEvent(receiver)) == 0);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // reported and asserted below
            }
            Map<String, Long> delivered = Reliability.deliveredPerEvent(receiver);
            long lost = Reliability.lost(acknowledged, delivered);
            Reliability.report("database-restart", "PostgreSQL away for " + away.toSeconds() + " s under ~100 events/s; answers while away "
                    + whileAway + ", all answers " + answers + "; " + acknowledged.size() + " acknowledged, " + lost
                    + " not delivered, " + Reliability.duplicates(delivered) + " duplicate deliveries");

            assertThat(whileAway.getOrDefault(503, 0L)).as("503 while the database is away").isPositive();
            assertThat(answers.keySet()).as("only 202 and 503, never a 500").containsOnly(202, 503);
            assertThat(lost).as("acknowledged events not delivered").isZero();
        } finally {
            postgres.close();
        }
    }

    private static EmbeddedPostgres postgres(int port, Path data) throws java.io.IOException {
        return EmbeddedPostgres.builder().setPort(port).setDataDirectory(data).setCleanDataDirectory(false).start();
    }

    private static Map<Integer, Long> minus(Map<Integer, Long> now, Map<Integer, Long> then) {
        var diff = new java.util.TreeMap<Integer, Long>();
        now.forEach((status, n) -> {
            long d = n - then.getOrDefault(status, 0L);
            if (d > 0) {
                diff.put(status, d);
            }
        });
        return diff;
    }
}
