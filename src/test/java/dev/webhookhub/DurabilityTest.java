package dev.webhookhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestPostgres;
import dev.webhookhub.support.TestReceiver;

/** What the hub acknowledged survives a full restart: a delivery whose endpoint was down arrives after it. */
class DurabilityTest {

    @Test
    void aDeliveryWhoseEndpointIsDownSurvivesARestart() throws Exception {
        Path dataDir = Files.createTempDirectory("hub-durability");
        String database = TestPostgres.requested() ? TestPostgres.newDatabase()
                : "jdbc:h2:file:" + dataDir.resolve("hub").toAbsolutePath() + ";LOCK_TIMEOUT=10000";
        int downPort = freePort();
        String eventId;
        String secret;

        try (ConfigurableApplicationContext first = startHub(dataDir, database)) {
            HubClient hub = new HubClient(port(first), HubTest.API_KEY);
            var subscription = hub.post("/v1/webhooks", HubClient.json(Map.of("url", "http://127.0.0.1:" + downPort + "/hook",
                    "events", List.of("connection.sync_failed"))));
            assertThat(subscription.status()).isEqualTo(201);
            secret = (String) subscription.json().get("secret");
            var accepted = hub.post("/v1/ingest/configly",
                    "{\"kind\":\"sync_run\",\"connection\":\"c1\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"down\"}}");
            assertThat(accepted.status()).isEqualTo(202);
            eventId = (String) ((List<?>) accepted.json().get("event_ids")).get(0);

            JdbcClient jdbc = first.getBean(JdbcClient.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> "failed".equals(status(jdbc, eventId)));
            assertThat(jdbc.sql("SELECT COUNT(*) FROM delivery_attempts").query(Long.class).single())
                    .as("first attempt plus two in-process redeliveries, each logged").isEqualTo(3L);
        }

        try (var receiver = TestReceiver.startOn(downPort);
                ConfigurableApplicationContext second = startHub(dataDir, database)) {
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> !receiver.received().isEmpty());
            var delivery = receiver.received().get(0);
            delivery.verify(secret);
            assertThat(delivery.header("webhook-id")).isEqualTo(eventId);
            assertThat(delivery.body()).contains("\"error\":\"down\"");
            await().atMost(Duration.ofSeconds(5)).until(() -> "delivered".equals(status(jdbc, eventId)));
        }
    }

    private static ConfigurableApplicationContext startHub(Path dataDir, String database) {
        return new SpringApplicationBuilder(HubApplication.class).run(
                "--server.port=0",
                "--spring.datasource.url=" + database,
                "--spring.datasource.username=" + (TestPostgres.requested() ? "postgres" : "sa"),
                "--hub.data-dir=" + dataDir,
                "--hub.bootstrap-api-key=" + HubTest.API_KEY,
                "--hub.admin-token=" + HubTest.ADMIN_TOKEN,
                "--hub.delivery.allow-private-targets=true",
                "--hub.delivery.retry-schedule=2s,2s,2s",
                "--hub.delivery.jitter=0",
                "--hub.delivery.poll-interval=100ms",
                "--hub.delivery.redelivery.delay=20");
    }

    private static String status(JdbcClient jdbc, String eventId) {
        return jdbc.sql("SELECT status FROM deliveries WHERE event_id = ?").param(eventId).query(String.class).optional().orElse(null);
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
