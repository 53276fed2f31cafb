package dev.webhookhub.store;

import java.util.HashMap;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.webhookhub.mapping.MappingState;

/** Mapping state rows, read and written inside the ingest transaction of the raw event that uses them. */
@Repository
public class MappingStateRepository {

    private final JdbcClient jdbc;
    private static final TypeReference<Object> VALUE = new TypeReference<>() {
    };

    private final JsonColumns json;

    public MappingStateRepository(JdbcClient jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * State of one environment and source for the current transaction: rows are locked when read, so two
     * concurrent raw events for the same key are mapped one after the other.
     */
    public MappingState forUpdate(String environmentId, String source) {
        return new TransactionState(environmentId, source, " FOR UPDATE", true);
    }

    public MappingState readOnly(String environmentId, String source) {
        return new TransactionState(environmentId, source, "", false);
    }

    private final class TransactionState implements MappingState {
        private final String environmentId;
        private final String source;
        private final String lock;
        private final boolean writable;
        /** Later raw events of the same batch see what earlier ones saved. */
        private final Map<String, Object> seen = new HashMap<>();

        TransactionState(String environmentId, String source, String lock, boolean writable) {
            this.environmentId = environmentId;
            this.source = source;
            this.lock = lock;
            this.writable = writable;
        }

        @Override
        public Object load(String key) {
            if (seen.containsKey(key)) {
                return seen.get(key);
            }
            var row = jdbc.sql("SELECT state_value FROM mapping_state WHERE environment_id = ? AND source = ? AND state_key = ?" + lock)
                    .params(environmentId, source, key)
                    .query(String.class)
                    .optional();
            if (row.isEmpty() && writable) {
                // claim the key now, not at save: the new row stays locked until this transaction ends, so a
                // concurrent first event for the key fails on the primary key (and is retried) instead of
                // reading "no previous state" as well
                jdbc.sql("INSERT INTO mapping_state (environment_id, source, state_key, state_value, updated_at) VALUES (?, ?, ?, 'null', ?)")
                        .params(environmentId, source, key, Timestamps.column(Timestamps.now()))
                        .update();
            }
            Object value = row.map(text -> json.read(text, VALUE)).orElse(null);
            seen.put(key, value);
            return value;
        }

        @Override
        public void save(String key, Object value) {
            if (!writable) {
                throw new IllegalStateException("read-only mapping state");
            }
            String text = json.write(value);
            var now = Timestamps.column(Timestamps.now());
            int updated = jdbc.sql("UPDATE mapping_state SET state_value = ?, updated_at = ? WHERE environment_id = ? AND source = ? AND state_key = ?")
                    .params(text, now, environmentId, source, key)
                    .update();
            if (updated == 0) {
                jdbc.sql("INSERT INTO mapping_state (environment_id, source, state_key, state_value, updated_at) VALUES (?, ?, ?, ?, ?)")
                        .params(environmentId, source, key, text, now)
                        .update();
            }
            seen.put(key, value);
        }
    }
}
