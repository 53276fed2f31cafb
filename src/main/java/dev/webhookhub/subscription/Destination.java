package dev.webhookhub.subscription;

/**
 * Where a webhook's deliveries go: an HTTP endpoint, or a Kafka topic or AMQP queue on the operator's brokers
 * ({@code hub.destinations.*}). Stored as the webhook's target: the URL itself, or {@code kafka:<topic>} and
 * {@code amqp:<queue>}, which no URL the API accepts can look like (only http and https are).
 */
public sealed interface Destination {

    /** The stored target. */
    String target();

    /** "http", "kafka" or "amqp". */
    String type();

    record Http(String url) implements Destination {
        @Override
        public String target() {
            return url;
        }

        @Override
        public String type() {
            return "http";
        }
    }

    record KafkaTopic(String topic) implements Destination {
        @Override
        public String target() {
            return "kafka:" + topic;
        }

        @Override
        public String type() {
            return "kafka";
        }
    }

    record AmqpQueue(String queue) implements Destination {
        @Override
        public String target() {
            return "amqp:" + queue;
        }

        @Override
        public String type() {
            return "amqp";
        }
    }

    static Destination of(String target) {
        if (target.startsWith("kafka:")) {
            return new KafkaTopic(target.substring(6));
        }
        if (target.startsWith("amqp:")) {
            return new AmqpQueue(target.substring(5));
        }
        return new Http(target);
    }
}
