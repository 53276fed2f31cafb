package dev.webhookhub.support;

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

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            broker = new EmbeddedKafkaKraftBroker(1, 2);
            broker.afterPropertiesSet();
            Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy));
        }
        return broker.getBrokersAsString();
    }
}
