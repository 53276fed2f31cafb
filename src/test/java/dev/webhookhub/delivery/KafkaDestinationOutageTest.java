package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestKafka;

/**
 * A Kafka destination whose brokers are not there yet when the event comes: attempts fail within their time and are
 * retried on the schedule; once a broker listens on that address the delivery is made, once.
 */
@TestPropertySource(properties = {
        "hub.destinations.kafka.enabled=true",
        "hub.delivery.retry-schedule=2s,2s,2s,2s,2s,2s,2s,2s,2s,2s"})
class KafkaDestinationOutageTest extends HubTest {

    private static final int PORT = freePort();
    private static EmbeddedKafkaBroker broker;

    @DynamicPropertySource
    static void brokers(DynamicPropertyRegistry registry) {
        registry.add("hub.kafka.bootstrap-servers", () -> "127.0.0.1:" + PORT);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.destroy();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void deliveriesWaitForTheBrokerAndAreMadeOnceItIsBack() {
        HubClient env = newEnvironment();
        var created = env.post("/v1/webhooks", HubClient.json(Map.of("events", List.of("connection.sync_failed"),
                "destination", Map.of("type", "kafka", "topic", "outage.events"))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String webhook = (String) created.json().get("id");
        String eventId = ingest(env, "configly",
                "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"outage-1\",\"status\":\"failed\",\"error\":\"e\"}}").getFirst();

        await().atMost(Duration.ofSeconds(60)).until(() -> ((List<Map<String, Object>>) env.get("/v1/webhooks/" + webhook
                + "/deliveries").json().get("data")).stream().anyMatch(d -> "failed".equals(d.get("status"))));

        broker = new EmbeddedKafkaKraftBroker(1, 1)
                .brokerProperty("listeners", "EXTERNAL://127.0.0.1:" + PORT + ",CONTROLLER://127.0.0.1:0");
        broker.afterPropertiesSet();

        await().atMost(Duration.ofSeconds(90)).until(() -> ((List<Map<String, Object>>) env.get("/v1/webhooks/" + webhook
                + "/deliveries").json().get("data")).stream().anyMatch(d -> "delivered".equals(d.get("status"))));
        List<ConsumerRecord<String, String>> records = TestKafka.read("127.0.0.1:" + PORT, "outage.events", 1,
                Duration.ofSeconds(5));
        assertThat(records).extracting(ConsumerRecord::key).containsExactly(eventId);
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
