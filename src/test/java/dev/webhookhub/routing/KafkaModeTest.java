package dev.webhookhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import com.zaxxer.hikari.HikariDataSource;

import dev.webhookhub.HubApplication;
import dev.webhookhub.store.Timestamps;
import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestKafka;
import dev.webhookhub.support.TestReceiver;

/**
 * hub.queue=kafka against a real broker: ingest appends events to the events topic, the dispatcher group routes
 * them; a dispatcher stopped mid-stream loses nothing, and a record read twice makes one delivery.
 */
@TestPropertySource(properties = {"hub.queue=kafka", "hub.kafka.events-topic=hub.events.kafka-mode-test"})
class KafkaModeTest extends HubTest {

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        TestKafka.register(registry);
    }

    @Autowired
    CamelContext camel;

    @Autowired
    ProducerTemplate producer;

    @Autowired
    HikariDataSource dataSource;

    @Autowired
    dev.webhookhub.security.DataDirectory dataDirectory;

    @Test
    void eventsGoThroughTheTopicAndARestartedDispatcherLosesNothing() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            subscribe(env, receiver.url("/kafka-mode"), List.of("connection.sync_failed"));
            List<String> first = ingestMany(env, "first", 20);
            awaitReceived(receiver, 20);

            camel.getRouteController().stopRoute("event-queue");
            List<String> second = ingestMany(env, "second", 30);
            Thread.sleep(500);
            assertThat(receiver.received()).as("nothing is routed while the dispatcher is stopped").hasSize(20);
            camel.getRouteController().startRoute("event-queue");
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= 50);
            Thread.sleep(300);

            Map<String, Long> perEvent = receiver.received().stream()
                    .collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
            List<String> all = new ArrayList<>(first);
            all.addAll(second);
            assertThat(perEvent.keySet()).containsExactlyInAnyOrderElementsOf(all);
            assertThat(perEvent.values()).containsOnly(1L);
        }
    }

    @Test
    void aRecordRoutedTwiceStoresOneDelivery() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            subscribe(env, receiver.url("/twice"), List.of("connection.sync_failed"));
            String eventId = ingestMany(env, "twice", 1).get(0);
            awaitReceived(receiver, 1);
            // the record as the ingest wrote it to the topic, read a second time
            String record = jdbc.sql("SELECT environment_id, source, type, envelope, created_at FROM events WHERE id = ?")
                    .param(eventId)
                    .query((rs, i) -> "{\"environmentId\":\"" + rs.getString(1) + "\",\"id\":\"" + eventId + "\",\"source\":\""
                            + rs.getString(2) + "\",\"type\":\"" + rs.getString(3) + "\",\"createdAt\":\""
                            + Timestamps.iso(Timestamps.read(rs, "created_at")) + "\",\"envelope\":" + rs.getString(4) + "}")
                    .single();

            producer.sendBody("direct:route-queued-event", record);
            Thread.sleep(300);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM deliveries WHERE event_id = ?").param(eventId).query(Long.class).single())
                    .isEqualTo(1);
            assertThat(receiver.received()).hasSize(1);
        }
    }

    @Test
    void aSecondDispatcherJoiningAndLeavingTheGroupLosesNothing() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            subscribe(env, receiver.url("/rebalance"), List.of("connection.sync_failed"));
            List<String> all = new ArrayList<>(ingestMany(env, "before", 50));
            try (var second = new SpringApplicationBuilder(HubApplication.class).run(
                    "--server.port=0",
                    "--spring.datasource.url=" + dataSource.getJdbcUrl(),
                    "--spring.datasource.username=" + dataSource.getUsername(),
                    "--spring.datasource.password=" + (dataSource.getPassword() == null ? "" : dataSource.getPassword()),
                    // the first hub's data directory: its secret-key file, as every instance on one store needs the same key
                    "--hub.data-dir=" + dataDirectory.path().toAbsolutePath(),
                    "--hub.admin-token=" + ADMIN_TOKEN,
                    "--hub.queue=kafka",
                    "--hub.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                    "--hub.kafka.events-topic=hub.events.kafka-mode-test",
                    "--hub.delivery.allow-private-targets=true",
                    "--hub.delivery.poll-interval=100ms")) {
                all.addAll(ingestMany(env, "joined", 50));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= 100);
            }
            all.addAll(ingestMany(env, "left", 50));
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().stream()
                    .map(r -> r.header("webhook-id")).collect(Collectors.toSet()).containsAll(all));
            long duplicates = receiver.received().size() - all.size();
            System.out.printf("kafka rebalance: %d events delivered, %d duplicates%n", all.size(), duplicates);
            assertThat(duplicates).isBetween(0L, 10L);
        }
    }

    @Test
    void theFirstAttemptCarriesTheStoredEnvelopeAndTheProducersTrace() throws Exception {
        HubClient env = newEnvironment();
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        try (var receiver = TestReceiver.start()) {
            subscribe(env, receiver.url("/kafka-traced"), List.of("connection.sync_failed"));
            var accepted = env.post("/v1/ingest/configly", "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":"
                    + "{\"id\":\"traced\",\"status\":\"failed\",\"error\":\"e\"}}",
                    Map.of("traceparent", "00-" + trace + "-00f067aa0ba902b7-01"));
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
            @SuppressWarnings("unchecked")
            String eventId = ((List<String>) accepted.json().get("event_ids")).get(0);

            var first = awaitReceived(receiver, 1).get(0);
            assertThat(first.header("traceparent")).as("routed from the topic, still in the ingest's trace")
                    .startsWith("00-" + trace + "-");
            assertThat(first.body()).as("the bytes the store holds, not the topic's copy written again")
                    .isEqualTo(jdbc.sql("SELECT envelope FROM events WHERE id = ?").param(eventId).query(String.class).single());
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> ingestMany(HubClient env, String run, int count) {
        var batch = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"")
                    .append(run).append(i).append("\",\"status\":\"failed\",\"error\":\"e\"}}");
        }
        var response = env.post("/v1/ingest/configly/batch", batch + "]");
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return (List<String>) response.json().get("event_ids");
    }
}
