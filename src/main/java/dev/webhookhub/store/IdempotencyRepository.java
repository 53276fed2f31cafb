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

    /**
     * The event ids a key produced within the retention window. A row for the key that has expired is deleted on
     * the way, in the caller's transaction, so that {@link #remember} can insert the key again without looking.
     * Both statements go by primary key: a DELETE that also filters on created_at may be planned on the created_at
     * index, and then walks every key of the window (H2 did: 60 % of ingest CPU, docs/BENCHMARKS.md item 1).
     */
    public Optional<List<String>> find(String environmentId, String source, String key) {
        record Row(String eventIds, Instant createdAt) {
        }
        Optional<Row> row = jdbc.sql("SELECT event_ids, created_at FROM idempotency_keys WHERE environment_id = ? AND source = ? AND idem_key = ?")
                .params(environmentId, source, key)
                .query((rs, n) -> new Row(rs.getString("event_ids"), Timestamps.read(rs, "created_at")))
                .optional();
        if (row.isEmpty()) {
            return Optional.empty();
        }
        if (row.get().createdAt().isBefore(Timestamps.now().minus(retention))) {
            jdbc.sql("DELETE FROM idempotency_keys WHERE environment_id = ? AND source = ? AND idem_key = ?")
                    .params(environmentId, source, key)
                    .update();
            return Optional.empty();
        }
        return Optional.of(json.read(row.get().eventIds(), IDS));
    }

    /**
     * Remembers a key that {@link #find} did not find in the same transaction. Two requests racing with one key
     * collide on the primary key, and the loser, run again, is answered from the winner's row
     * (IngestGroupCommit).
     */
    public void remember(String environmentId, String source, String key, List<String> eventIds) {
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
