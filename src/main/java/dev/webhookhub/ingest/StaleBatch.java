package dev.webhookhub.ingest;

/**
 * A batch was mapped against data that changed before its commit: a mapping state key it read moved, or another
 * request took one of its idempotency keys. Nothing of it was stored; {@link IngestService} maps it again.
 */
public class StaleBatch extends RuntimeException {

    StaleBatch(String why) {
        super(why, null, false, false);
    }
}
