package dev.webhookhub.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.webhookhub.HubProperties;

/** Request and raw-event keys already ingested, and the event ids each produced, kept for the retention window. */
@Repository
public class IdempotencyRepository {

    private static final TypeReference<List<String>> IDS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonColumns json;
    private final Duration retention;

    public IdempotencyRepository(JdbcClient jdbc, JsonColumns json, HubProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.retention = properties.ingest().idempotencyRetention();
    }

    /** The event ids a key produced within the retention window. */
    public Optional<List<String>> find(String environmentId, String source, String key) {
        Instant oldest = Timestamps.now().minus(retention);
        return jdbc.sql("SELECT event_ids FROM idempotency_keys WHERE environment_id = ? AND source = ? AND idem_key = ? AND created_at >= ?")
                .params(environmentId, source, key, Timestamps.column(oldest))
                .query(String.class)
                .optional()
                .map(text -> json.read(text, IDS));
    }

    /**
     * Remembers a key; a key whose window has passed is replaced. Two requests racing with one key collide on
     * the primary key, and the loser is answered from the winner's row (see IngestController).
     */
    public void remember(String environmentId, String source, String key, List<String> eventIds) {
        Instant oldest = Timestamps.now().minus(retention);
        jdbc.sql("DELETE FROM idempotency_keys WHERE environment_id = ? AND source = ? AND idem_key = ? AND created_at < ?")
                .params(environmentId, source, key, Timestamps.column(oldest))
                .update();
        jdbc.sql("INSERT INTO idempotency_keys (environment_id, source, idem_key, event_ids, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(environmentId, source, key, json.write(eventIds), Timestamps.column(Timestamps.now()))
                .update();
    }
}
