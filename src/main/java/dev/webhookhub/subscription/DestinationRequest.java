package dev.webhookhub.subscription;

/** {@code {"type": "kafka", "topic": …}} or {@code {"type": "amqp", "queue": …}} in a webhook's create or change. */
public record DestinationRequest(String type, String topic, String queue) {
}
