package dev.webhookhub.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestKafka;
import dev.webhookhub.support.TestReceiver;

/**
 * The Kafka inbound routes of routes/kafka-inbound.yaml against a real (embedded, KRaft) broker: raw events on
 * raw.configly are delivered; a poison message goes to the dead-letter topic with the reason and the route goes
 * on; offsets are committed; a route stopped mid-stream picks up where it was.
 */
@TestPropertySource(properties = "hub.inbound.kafka.enabled=true")
class KafkaInboundTest extends HubTest {

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        TestKafka.register(registry);
    }

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    @Autowired
    CamelContext camel;

    @Test
    void rawEventsOnKafkaAreDeliveredAndPoisonGoesToTheDeadLetterTopic() throws Exception {
        try (var receiver = TestReceiver.start(); var producer = producer()) {
            subscribe(hub(), receiver.url("/kafka"), List.of("config.applied"));
            // a producer's trace context as a record header: the delivery continues its trace
            producer.send(new ProducerRecord<>("raw.configly", null, "c", apply("op-k1"), List.of(new RecordHeader("traceparent",
                    ("00-" + TRACE_ID + "-00f067aa0ba902b7-01").getBytes(StandardCharsets.UTF_8))))).get();
            producer.send(new ProducerRecord<>("raw.configly", "c", "{\"kind\": broken")).get();
            producer.send(new ProducerRecord<>("raw.configly", "c", "{\"kind\":\"unknown\",\"connection\":\"c\"}")).get();
            producer.send(new ProducerRecord<>("raw.configly", "c", apply("op-k2"))).get();

            var received = awaitReceived(receiver, 2);
            assertThat(received).extracting(r -> r.body().contains("op-k1") || r.body().contains("op-k2")).containsOnly(true);
            assertThat(received.stream().filter(r -> r.body().contains("op-k1")).findFirst().orElseThrow().header("traceparent"))
                    .startsWith("00-" + TRACE_ID + "-");
            assertThat(received.stream().filter(r -> r.body().contains("op-k2")).findFirst().orElseThrow().header("traceparent"))
                    .as("no context on the record: a trace of its own").doesNotContain(TRACE_ID);

            var deadLetters = TestKafka.read(TestKafka.bootstrapServers(), "raw.dead-letter", 2, Duration.ZERO);
            assertThat(deadLetters).extracting(ConsumerRecord::value).containsExactly("{\"kind\": broken",
                    "{\"kind\":\"unknown\",\"connection\":\"c\"}");
            assertThat(TestKafka.header(deadLetters.get(0), "hub-error")).contains("not JSON");
            assertThat(TestKafka.header(deadLetters.get(1), "hub-error")).contains("rawSchema");
            assertThat(TestKafka.header(deadLetters.get(1), "hub-source")).isEqualTo("configly");

            await().atMost(Duration.ofSeconds(10)).until(() -> committed("raw.configly") == 4);

            // stopped mid-stream: what arrives meanwhile is read when it starts again
            camel.getRouteController().stopRoute("kafka-inbound");
            producer.send(new ProducerRecord<>("raw.configly", "c", apply("op-k3"))).get();
            Thread.sleep(500);
            assertThat(receiver.received()).hasSize(2);
            camel.getRouteController().startRoute("kafka-inbound");
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 3);
            assertThat(receiver.received().get(2).body()).contains("op-k3");
        }
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(p);
    }

    private static long committed(String topic) throws Exception {
        try (var admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
            var offsets = admin.listConsumerGroupOffsets("webhook-hub-inbound").partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic))
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    private static String apply(String operation) {
        return "{\"kind\":\"apply\",\"connection\":\"c\",\"operation\":{\"id\":\"" + operation + "\",\"reason\":\"r\","
                + "\"preSnapshot\":\"1\",\"postSnapshot\":\"2\",\"changes\":[{\"target\":\"t\",\"ok\":true}]}}";
    }

}
