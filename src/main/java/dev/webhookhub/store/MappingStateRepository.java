package dev.webhookhub.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.webhookhub.ingest.CommitGroup;
import dev.webhookhub.ingest.IngestBatch;
import dev.webhookhub.mapping.MappingState;
import dev.webhookhub.mapping.StateWrite;

/**
 * Mapping state rows, kept optimistically: a raw event is mapped against the state as read (no lock, outside any
 * transaction), and its commit stores the new state only if each key is still at the version it read
 * ({@link #compareAndSet}). Two raw events for one key are thereby mapped one after the other, on one hub or
 * several: the second to commit finds the key moved and is mapped again on top of the first.
 */
@Repository
public class MappingStateRepository {

    private static final TypeReference<Object> VALUE = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final JsonColumns json;
    private final String insertIfAbsent;
    private final StoreDialect dialect;

    public MappingStateRepository(JdbcClient jdbc, JdbcTemplate template, JsonColumns json, StoreDialect dialect) {
        this.jdbc = jdbc;
        this.template = template;
        this.json = json;
        this.dialect = dialect;
        this.insertIfAbsent = dialect.insertIfAbsent("mapping_state",
                List.of("environment_id", "source", "state_key", "state_value", "version", "updated_at"),
                List.of("environment_id", "source", "state_key"));
    }

    /** The state of one environment and source as it is now; what is saved to it is kept for the commit. */
    public Snapshot snapshot(String environmentId, String source) {
        return new Snapshot(environmentId, source);
    }

    /**
     * Commit step: stores every member's state writes, each only if its key is still at the version the member read.
     *
     * @throws CommitGroup.MembersSetAside naming the members whose state moved meanwhile (the transaction is to be
     *                                     rolled back; they are mapped again)
     */
    public CommitGroup compareAndSet(CommitGroup group) {
        var now = Timestamps.column(Timestamps.now());
        List<Object[]> updates = new ArrayList<>();
        List<Integer> updatedBy = new ArrayList<>();
        List<Object[]> inserts = new ArrayList<>();
        List<Integer> insertedBy = new ArrayList<>();
        for (int i = 0; i < group.members().size(); i++) {
            IngestBatch member = group.members().get(i);
            for (StateWrite write : member.stateWrites()) {
                String value = json.write(write.value());
                if (write.readVersion() != null) {
                    updates.add(new Object[] {value, now, member.environmentId(), member.source(), write.key(), write.readVersion()});
                    updatedBy.add(i);
                } else {
                    inserts.add(dialect.insertIfAbsentParameters(
                            new Object[] {member.environmentId(), member.source(), write.key(), value, 0L, now},
                            new Object[] {member.environmentId(), member.source(), write.key()}));
                    insertedBy.add(i);
                }
            }
        }
        Set<Integer> moved = new TreeSet<>();
        if (!updates.isEmpty()) {
            int[] counts = template.batchUpdate("""
                    UPDATE mapping_state SET state_value = ?, version = version + 1, updated_at = ?
                    WHERE environment_id = ? AND source = ? AND state_key = ? AND version = ?""", updates);
            collectMisses(counts, updatedBy, moved);
        }
        if (!inserts.isEmpty()) {
            collectMisses(template.batchUpdate(insertIfAbsent, inserts), insertedBy, moved);
        }
        if (!moved.isEmpty()) {
            throw new CommitGroup.MembersSetAside(moved, "mapping state changed since it was read");
        }
        return group;
    }

    private static void collectMisses(int[] counts, List<Integer> members, Set<Integer> missed) {
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                missed.add(members.get(i));
            }
        }
    }

    /**
     * The state of one environment and source as a raw event's mapping sees it: read as it is, saves kept here.
     * Later raw events of the same batch see what earlier ones saved.
     */
    public final class Snapshot implements MappingState {
        private record Read(Long version, Object value) {
        }

        private final String environmentId;
        private final String source;
        private final Map<String, Read> read = new LinkedHashMap<>();
        private final Map<String, Object> saved = new LinkedHashMap<>();

        private Snapshot(String environmentId, String source) {
            this.environmentId = environmentId;
            this.source = source;
        }

        @Override
        public Object load(String key) {
            if (saved.containsKey(key)) {
                return saved.get(key);
            }
            return read.computeIfAbsent(key, k -> jdbc.sql(
                            "SELECT state_value, version FROM mapping_state WHERE environment_id = ? AND source = ? AND state_key = ?")
                    .params(environmentId, source, k)
                    .query((rs, n) -> new Read(rs.getLong("version"), json.read(rs.getString("state_value"), VALUE)))
                    .optional()
                    .orElse(new Read(null, null))).value();
        }

        @Override
        public void save(String key, Object value) {
            load(key);
            saved.put(key, value);
        }

        /**
         * Each key this snapshot read, with its version: saved ones with their new value, the others with the value
         * read, so that a change to a key the mapping only read also sends the raw event round again.
         */
        public List<StateWrite> writes() {
            List<StateWrite> writes = new ArrayList<>();
            read.forEach((key, was) -> {
                if (saved.containsKey(key)) {
                    writes.add(new StateWrite(key, was.version(), saved.get(key)));
                } else if (was.version() != null) {
                    writes.add(new StateWrite(key, was.version(), was.value()));
                }
            });
            return writes;
        }
    }
}
