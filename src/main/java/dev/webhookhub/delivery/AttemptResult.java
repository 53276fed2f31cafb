package dev.webhookhub.delivery;

import java.time.Duration;

/**
 * What one HTTP attempt came to on the wire. {@link OutcomePolicy} decides what it means for the delivery.
 */
public sealed interface AttemptResult {

    Duration took();

    /** What the attempt log says of it: "HTTP 500", "deadline of 5 s exceeded", ... (null for a 2xx). */
    String error();

    /**
     * The endpoint answered with a status line.
     *
     * @param retryAfter its {@code Retry-After} header, or null
     * @param body       at most {@code hub.delivery.max-response-bytes} of its body, as text, or null
     * @param note       what else the log should say (the body was cut, or its reading ran out of time), or null
     */
    record Answered(int status, String retryAfter, String body, String note, Duration took) implements AttemptResult {

        public boolean successful() {
            return status / 100 == 2;
        }

        @Override
        public String error() {
            return successful() ? null : "HTTP " + status;
        }
    }

    /** A broker (Kafka, AMQP) acknowledged the message: delivered. */
    record Published(String destination, Duration took) implements AttemptResult {

        @Override
        public String error() {
            return null;
        }
    }

    /** No status came back: the connection was refused or reset, the deadline passed, the answer was not HTTP. */
    record NoAnswer(String error, Duration took) implements AttemptResult {
    }
}
