package dev.webhookhub.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;

/** One real Kafka broker (KRaft, no ZooKeeper) per test JVM, on loopback, started on first use. */
public final class TestKafka {

    private static EmbeddedKafkaKraftBroker broker;

    private TestKafka() {
    }

    /** Points a hub under test at the broker. */
    public static void register(DynamicPropertyRegistry registry) {
        registry.add("hub.kafka.bootstrap-servers", TestKafka::bootstrapServers);
    }

    /**
     * The records of {@code topic} from its start: at least {@code count} (waiting up to 30 s for them), and whatever
     * else comes within {@code quiet} after the first one, so that a test can tell one record from two.
     */
    public static List<ConsumerRecord<String, String>> read(String bootstrapServers, String topic, int count, Duration quiet) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(p)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < deadline && (records.size() < count || System.nanoTime() < quietUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (!records.isEmpty() && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + quiet.toNanos();
                }
            }
        }
        return records;
    }

    /** The value of a record's header as text, or null. */
    public static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            broker = new EmbeddedKafkaKraftBroker(1, 2);
            broker.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
        }
        return broker.getBrokersAsString();
    }
}
