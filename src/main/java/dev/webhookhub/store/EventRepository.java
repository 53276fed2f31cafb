package dev.webhookhub.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.webhookhub.ingest.CommitGroup;
import dev.webhookhub.ingest.IngestBatch;
import dev.webhookhub.mapping.NormalizedEvent;

/** Stored events: the exact envelope each subscriber receives. */
@Repository
public class EventRepository {

    public record StoredEvent(long seq, String id, String environmentId, String source, String type, String envelope,
            Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final ApplicationEventPublisher publisher;

    public EventRepository(JdbcClient jdbc, JdbcTemplate template, ApplicationEventPublisher publisher) {
        this.jdbc = jdbc;
        this.template = template;
        this.publisher = publisher;
    }

    /** Commit step: appends the events of every member. */
    public CommitGroup append(CommitGroup group) {
        List<Object[]> rows = new ArrayList<>();
        List<NormalizedEvent> stored = new ArrayList<>();
        for (IngestBatch batch : group.members()) {
            for (NormalizedEvent e : batch.events()) {
                rows.add(new Object[] {e.id(), batch.environmentId(), e.source(), e.type(), e.envelopeJson(),
                        Timestamps.column(e.createdAt()), batch.traceparent()});
                stored.add(e);
            }
        }
        if (!rows.isEmpty()) {
            template.batchUpdate("INSERT INTO events (id, environment_id, source, type, envelope, created_at, traceparent)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?)", rows);
            publisher.publishEvent(new EventsStored(stored));
        }
        return group;
    }

    /** One event the hub makes itself (an operational event), in the caller's transaction. */
    public void insert(String id, String environmentId, String source, String type, String envelope, Instant createdAt) {
        jdbc.sql("INSERT INTO events (id, environment_id, source, type, envelope, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .params(id, environmentId, source, type, envelope, Timestamps.column(createdAt)).update();
    }

    public Optional<StoredEvent> find(String environmentId, String id) {
        return jdbc.sql("SELECT seq, id, environment_id, source, type, envelope, created_at FROM events WHERE id = ? AND environment_id = ?")
                .params(id, environmentId)
                .query(EventRepository::map)
                .optional();
    }

    /** Events stored since {@code since}, counted among the newest {@code upTo} only (a bounded index walk). */
    public long countSince(String environmentId, Instant since, int upTo) {
        return jdbc.sql("SELECT COUNT(*) FROM (SELECT created_at FROM events WHERE environment_id = ? ORDER BY seq DESC"
                        + " FETCH FIRST ? ROWS ONLY) newest WHERE created_at >= ?")
                .params(environmentId, upTo, Timestamps.column(since))
                .query(Long.class).single();
    }

    /** Newest first, optionally filtered; {@code beforeSeq} is the cursor. */
    public List<StoredEvent> page(String environmentId, String type, String source, Instant since, Long beforeSeq, int limit) {
        StringBuilder sql = new StringBuilder(
                "SELECT seq, id, environment_id, source, type, envelope, created_at FROM events WHERE environment_id = ?");
        List<Object> params = new ArrayList<>(List.of(environmentId));
        if (type != null) {
            sql.append(" AND type = ?");
            params.add(type);
        }
        if (source != null) {
            sql.append(" AND source = ?");
            params.add(source);
        }
        if (since != null) {
            sql.append(" AND created_at >= ?");
            params.add(Timestamps.column(since));
        }
        if (beforeSeq != null) {
            sql.append(" AND seq < ?");
            params.add(beforeSeq);
        }
        sql.append(" ORDER BY seq DESC FETCH FIRST ? ROWS ONLY");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(EventRepository::map).list();
    }

    /** Events of an environment created since {@code since}, oldest first, after {@code afterSeq}. */
    public List<StoredEvent> since(String environmentId, Instant since, long afterSeq, int limit) {
        return jdbc.sql("SELECT seq, id, environment_id, source, type, envelope, created_at FROM events"
                + " WHERE environment_id = ? AND created_at >= ? AND seq > ? ORDER BY seq FETCH FIRST ? ROWS ONLY")
                .params(environmentId, Timestamps.column(since), afterSeq, limit)
                .query(EventRepository::map)
                .list();
    }

    private static StoredEvent map(ResultSet rs, int row) throws SQLException {
        return new StoredEvent(rs.getLong("seq"), rs.getString("id"), rs.getString("environment_id"), rs.getString("source"),
                rs.getString("type"), rs.getString("envelope"), Timestamps.read(rs, "created_at"));
    }
}
