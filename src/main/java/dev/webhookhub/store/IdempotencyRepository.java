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
     * Remembers a key. A row still there for it has expired (the caller found no live one), and is replaced.
     * Two requests racing with one key collide on the primary key, and the loser is answered from the winner's
     * row (see IngestController).
     */
    public void remember(String environmentId, String source, String key, List<String> eventIds) {
        // Look first, by primary key alone: a DELETE that also filters on created_at may be planned on the
        // created_at index, and then walks every key of the window (H2 did: 60 % of ingest CPU, docs/BENCHMARKS.md)
        boolean stale = jdbc.sql("SELECT COUNT(*) FROM idempotency_keys WHERE environment_id = ? AND source = ? AND idem_key = ?")
                .params(environmentId, source, key)
                .query(Integer.class)
                .single() > 0;
        if (stale) {
            jdbc.sql("DELETE FROM idempotency_keys WHERE environment_id = ? AND source = ? AND idem_key = ? AND created_at < ?")
                    .params(environmentId, source, key, Timestamps.column(Timestamps.now().minus(retention)))
                    .update();
        }
        jdbc.sql("INSERT INTO idempotency_keys (environment_id, source, idem_key, event_ids, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(environmentId, source, key, json.write(eventIds), Timestamps.column(Timestamps.now()))
                .update();
    }

    /** Forgets keys older than the retention window; called by routes/maintenance.yaml. */
    public int purgeExpired() {
        return jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < ?")
                .params(Timestamps.column(Timestamps.now().minus(retention)))
                .update();
    }
}
