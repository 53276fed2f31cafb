package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import com.standardwebhooks.Webhook;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestBroker;
import dev.webhookhub.support.TestKafka;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;

/**
 * Webhooks whose destination is a Kafka topic (embedded KRaft broker) or an AMQP queue (embedded Artemis): the same
 * signed envelope with the Standard Webhooks headers as message headers, the attempt log, retries while the broker is
 * away and then delivered; what a tenant may not name is refused with 400.
 */
@TestPropertySource(properties = {
        "hub.destinations.kafka.enabled=true",
        "hub.destinations.kafka.names=orders\\..*",
        "hub.destinations.amqp.enabled=true",
        "hub.delivery.retry-schedule=2s,2s,2s,2s,2s,2s"})
class BrokerDestinationsTest extends HubTest {

    private static final String SYNC_FAILED = "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"%s\",\"status\":\"failed\",\"error\":\"boom\"}}";
    private static TestBroker broker;

    @DynamicPropertySource
    static void brokers(DynamicPropertyRegistry registry) {
        TestKafka.register(registry);
        broker = TestBroker.start();
        registry.add("hub.amqp.url", broker::url);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void aKafkaTopicGetsTheSignedEnvelopeWithStandardWebhooksHeaders() throws Exception {
        HubClient env = newEnvironment();
        var created = env.post("/v1/webhooks", HubClient.json(Map.of("events", List.of("connection.sync_failed"),
                "destination", Map.of("type", "kafka", "topic", "orders.events"))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json()).doesNotContainKey("target_url")
                .containsEntry("destination", Map.of("type", "kafka", "topic", "orders.events"));
        String secret = (String) created.json().get("secret");

        String eventId = ingest(env, "configly", SYNC_FAILED.formatted("kafka-1")).getFirst();
        List<ConsumerRecord<String, String>> records = TestKafka.read(TestKafka.bootstrapServers(), "orders.events", 1, Duration.ZERO);
        assertThat(records).as("a record on orders.events").isNotEmpty();
        ConsumerRecord<String, String> record = records.getFirst();
        assertThat(record.key()).isEqualTo(eventId);
        assertThat(record.value()).contains(eventId, "connection.sync_failed");
        assertThat(TestKafka.header(record, "webhook-id")).isEqualTo(eventId);
        assertThat(TestKafka.header(record, "content-type")).isEqualTo("application/json");
        verify(secret, record.value(), name -> TestKafka.header(record, name));

        var delivery = awaitDelivery(env, (String) created.json().get("id"), "delivered");
        var attempts = attemptLog(env, (String) delivery.get("id"));
        assertThat(attempts).hasSize(1);
        assertThat(attempts.getFirst()).containsEntry("note", "published to kafka:orders.events").containsEntry("error", null);
    }

    @Test
    void anAmqpQueueThatIsAwayForAWhileGetsItAfterRetries() throws Exception {
        HubClient env = newEnvironment();
        var created = env.post("/v1/webhooks", HubClient.json(Map.of("events", List.of("connection.sync_failed"),
                "destination", Map.of("type", "amqp", "queue", "customer.webhooks"))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String webhook = (String) created.json().get("id");
        String secret = (String) created.json().get("secret");

        broker.stop();
        String eventId;
        try {
            eventId = ingest(env, "configly", SYNC_FAILED.formatted("amqp-1")).getFirst();
            var failing = awaitDelivery(env, webhook, "failed");
            assertThat((String) failing.get("last_error")).isNotBlank();
        } finally {
            broker.startAgain();
        }
        var delivery = awaitDelivery(env, webhook, "delivered");
        var attempts = attemptLog(env, (String) delivery.get("id"));
        assertThat(attempts.size()).isGreaterThan(1);
        assertThat(attempts.getLast()).containsEntry("note", "published to amqp:customer.webhooks");

        var factory = new JmsConnectionFactory(broker.url());
        // the property names are the Standard Webhooks header names, which JMS would not allow as identifiers
        factory.setValidatePropertyNames(false);
        try (var connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Message message = session.createConsumer(session.createQueue("customer.webhooks")).receive(20_000);
            assertThat(message).isNotNull();
            String body = message.getBody(String.class);
            assertThat(body).contains(eventId);
            assertThat(message.getStringProperty("webhook-id")).as("properties %s",
                    java.util.Collections.list(message.getPropertyNames())).isEqualTo(eventId);
            verify(secret, body, name -> {
                try {
                    return message.getStringProperty(name);
                } catch (JMSException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    @Test
    void whatATenantMayNotNameIsRefused() {
        HubClient env = newEnvironment();
        for (Object destination : List.of(Map.of("type", "file", "topic", "x"), Map.of("type", "exec"),
                Map.of("type", "kafka", "topic", "orders.x?brokers=evil:9092"), Map.of("type", "kafka", "topic", "payments"),
                Map.of("type", "kafka"), Map.of("type", "amqp", "queue", "q&selector=x"))) {
            var response = env.post("/v1/webhooks", HubClient.json(Map.of("events", List.of("connection.sync_failed"),
                    "destination", destination)));
            assertThat(response.status()).as(destination + ": " + response.body()).isEqualTo(400);
            assertThat(response.contentType()).contains("problem+json");
        }
        for (String url : List.of("file:///etc/passwd", "kafka:orders.events", "amqp:customer.webhooks", "exec:rm",
                "sql:DELETE FROM subscriptions")) {
            var response = env.post("/v1/webhooks", HubClient.json(Map.of("url", url, "events", List.of("connection.sync_failed"))));
            assertThat(response.status()).as(url + ": " + response.body()).isEqualTo(400);
        }
        var both = env.post("/v1/webhooks", HubClient.json(Map.of("url", "https://example.com/x",
                "destination", Map.of("type", "kafka", "topic", "orders.y"))));
        assertThat(both.status()).isEqualTo(400);
    }

    /** Checks the Standard Webhooks signature with the reference library, the headers read by {@code header}. */
    private static void verify(String secret, String body, Function<String, String> header) throws Exception {
        Map<String, List<String>> headers = new HashMap<>();
        for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
            headers.put(name, List.of(header.apply(name)));
        }
        new Webhook(secret).verify(body, HttpHeaders.of(headers, (a, b) -> true));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> awaitDelivery(HubClient env, String webhook, String status) {
        List<Map<String, Object>>[] found = new List[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            found[0] = (List<Map<String, Object>>) env.get("/v1/webhooks/" + webhook + "/deliveries").json().get("data");
            return found[0].stream().anyMatch(d -> status.equals(d.get("status")));
        });
        return found[0].stream().filter(d -> status.equals(d.get("status"))).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> attemptLog(HubClient env, String delivery) {
        return (List<Map<String, Object>>) env.get("/v1/deliveries/" + delivery).json().get("attempt_log");
    }
}
