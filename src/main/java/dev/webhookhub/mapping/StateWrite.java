package dev.webhookhub.mapping;

/**
 * A mapping state key as one ingest request left it: the value to store, and the version it was read at (null: the
 * key had no value). It is stored only if the key is still at that version; otherwise the request is mapped again.
 */
public record StateWrite(String key, Long readVersion, Object value) {
}
