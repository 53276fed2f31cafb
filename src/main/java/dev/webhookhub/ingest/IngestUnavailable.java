package dev.webhookhub.ingest;

/**
 * {@code direct:hub-ingest} could not store the raw event now (the store is away, the hub is taking in more than it
 * commits, or it is stopping); nothing was stored. Retryable: an inbound route reads the message or row again later.
 */
public class IngestUnavailable extends RuntimeException {

    IngestUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
