package dev.webhookhub.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.webhookhub.store.JsonColumns;
import dev.webhookhub.store.Timestamps;

/** Jobs, and the deliveries a recovery job re-sends. */
@Repository
public class JobRepository {

    private static final String COLUMNS = "id, environment_id, kind, subscription_id, params, status, total, processed,"
            + " error, created_at, updated_at, finished_at";
    private static final TypeReference<Map<String, Object>> PARAMS = new TypeReference<>() {
    };

    /** Where a running job got to: the (created_at, id) of the last delivery it did. */
    record Cursor(Instant at, String id) {
    }

    /** One page of a recovery: how many deliveries it made due, and the last one it looked at (null: none left). */
    record Page(int recovered, Cursor last) {
    }

    /** A job claimed to run on this instance, from its cursor. */
    record Claimed(Job job, Cursor cursor) {
    }

    private final JdbcClient jdbc;
    private final JsonColumns json;

    public JobRepository(JdbcClient jdbc, JsonColumns json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(Job job) {
        jdbc.sql("INSERT INTO jobs (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(job.id(), job.environmentId(), job.kind(), job.webhookId(), json.write(params(job.filter())),
                        job.status(), job.total(), job.processed(), job.error(), Timestamps.column(job.createdAt()),
                        Timestamps.column(job.updatedAt()), Timestamps.column(job.finishedAt()))
                .update();
    }

    Optional<Job> find(String environmentId, String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM jobs WHERE id = ? AND environment_id = ?").params(id, environmentId)
                .query(this::map).optional();
    }

    /** The newest first. */
    List<Job> recent(String environmentId, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM jobs WHERE environment_id = ? ORDER BY created_at DESC FETCH FIRST ? ROWS ONLY")
                .params(environmentId, limit).query(this::map).list();
    }

    long unfinished(String environmentId) {
        return jdbc.sql("SELECT COUNT(*) FROM jobs WHERE environment_id = ? AND status IN ('queued', 'running')")
                .param(environmentId).query(Long.class).single();
    }

    /**
     * Takes a queued job, or a running one whose instance stopped renewing its lease, for this instance.
     * Of several instances only one wins a job: the update names the status and lease it read.
     */
    Optional<Claimed> claim(String owner, Instant now, Instant leaseUntil) {
        Optional<String> candidate = jdbc.sql("SELECT id FROM jobs WHERE status = 'queued'"
                + " OR (status = 'running' AND lease_until < ?) ORDER BY created_at FETCH FIRST 1 ROWS ONLY")
                .param(Timestamps.column(now)).query(String.class).optional();
        if (candidate.isEmpty()) {
            return Optional.empty();
        }
        int taken = jdbc.sql("UPDATE jobs SET status = 'running', lease_owner = ?, lease_until = ?, updated_at = ?"
                + " WHERE id = ? AND (status = 'queued' OR (status = 'running' AND lease_until < ?))")
                .params(owner, Timestamps.column(leaseUntil), Timestamps.column(now), candidate.get(), Timestamps.column(now))
                .update();
        if (taken == 0) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT " + COLUMNS + ", cursor_at, cursor_id FROM jobs WHERE id = ?").param(candidate.get())
                .query((rs, i) -> new Claimed(map(rs, i), new Cursor(Timestamps.read(rs, "cursor_at"), rs.getString("cursor_id"))))
                .optional();
    }

    /**
     * Records a page's progress while this instance still holds the job.
     * @return false when it does not: cancelled, or taken over after a lost lease
     */
    boolean advance(String id, String owner, int done, Cursor cursor, Instant now, Instant leaseUntil) {
        return jdbc.sql("UPDATE jobs SET processed = processed + ?, cursor_at = ?, cursor_id = ?, lease_until = ?, updated_at = ?"
                + " WHERE id = ? AND status = 'running' AND lease_owner = ?")
                .params(done, Timestamps.column(cursor.at()), cursor.id(), Timestamps.column(leaseUntil), Timestamps.column(now),
                        id, owner)
                .update() == 1;
    }

    void finish(String id, String owner, String status, String error, Instant now) {
        jdbc.sql("UPDATE jobs SET status = ?, error = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?, finished_at = ?"
                + " WHERE id = ? AND status = 'running' AND lease_owner = ?")
                .params(status, error, Timestamps.column(now), Timestamps.column(now), id, owner).update();
    }

    /** @return false when it had finished already */
    boolean cancel(String environmentId, String id, Instant now) {
        return jdbc.sql("UPDATE jobs SET status = 'cancelled', lease_owner = NULL, lease_until = NULL, updated_at = ?,"
                + " finished_at = ? WHERE id = ? AND environment_id = ? AND status IN ('queued', 'running')")
                .params(Timestamps.column(now), Timestamps.column(now), id, environmentId).update() == 1;
    }

    /** How many of the webhook's deliveries the filter matches now. */
    long countMatching(String subscriptionId, RecoveryFilter filter) {
        var sql = jdbc.sql("SELECT COUNT(*) FROM deliveries d" + matching(filter))
                .param("subscription", subscriptionId).param("statuses", filter.statuses())
                .param("since", Timestamps.column(filter.since())).param("until", Timestamps.column(filter.until()))
                .param("afterAt", Timestamps.column(filter.since())).param("afterId", "");
        if (filter.eventTypes() != null) {
            sql = sql.param("types", filter.eventTypes());
        }
        return sql.query(Long.class).single();
    }

    /**
     * One page of a recovery, in the caller's transaction: the next matching deliveries after the cursor are made
     * due now from the start of their schedule.
     */
    Page recoverPage(String subscriptionId, RecoveryFilter filter, Cursor after, int pageSize, Instant now) {
        Cursor from = after.at() == null ? new Cursor(filter.since(), "") : after;
        var select = jdbc.sql("SELECT d.id, d.created_at FROM deliveries d" + matching(filter)
                + " ORDER BY d.created_at, d.id FETCH FIRST :page ROWS ONLY")
                .param("subscription", subscriptionId).param("statuses", filter.statuses())
                .param("since", Timestamps.column(filter.since())).param("until", Timestamps.column(filter.until()))
                .param("afterAt", Timestamps.column(from.at())).param("afterId", from.id()).param("page", pageSize);
        if (filter.eventTypes() != null) {
            select = select.param("types", filter.eventTypes());
        }
        List<Cursor> page = select.query((rs, i) -> new Cursor(Timestamps.read(rs, "created_at"), rs.getString("id"))).list();
        if (page.isEmpty()) {
            return new Page(0, null);
        }
        int recovered = jdbc.sql("UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = :now, lease_owner = NULL,"
                + " updated_at = :now WHERE id IN (:ids) AND status IN (:statuses)")
                .param("now", Timestamps.column(now)).param("ids", page.stream().map(Cursor::id).toList())
                .param("statuses", filter.statuses()).update();
        return new Page(recovered, page.getLast());
    }

    /** After the cursor in (created_at, id) order, through the index by webhook and creation time. */
    private static String matching(RecoveryFilter filter) {
        return (filter.eventTypes() == null ? "" : " JOIN events e ON e.id = d.event_id")
                + " WHERE d.subscription_id = :subscription AND d.status IN (:statuses)"
                + " AND d.created_at >= :since AND d.created_at < :until"
                + " AND (d.created_at > :afterAt OR (d.created_at = :afterAt AND d.id > :afterId))"
                + (filter.eventTypes() == null ? "" : " AND e.type IN (:types)");
    }

    private static Map<String, Object> params(RecoveryFilter f) {
        var params = new java.util.LinkedHashMap<String, Object>();
        params.put("since", Timestamps.iso(f.since()));
        params.put("until", Timestamps.iso(f.until()));
        params.put("statuses", f.statuses());
        params.put("event_types", f.eventTypes());
        return params;
    }

    @SuppressWarnings("unchecked")
    private Job map(ResultSet rs, int row) throws SQLException {
        Map<String, Object> p = json.read(rs.getString("params"), PARAMS);
        var filter = new RecoveryFilter(Instant.parse((String) p.get("since")), Instant.parse((String) p.get("until")),
                (List<String>) p.get("statuses"), (List<String>) p.get("event_types"));
        return new Job(rs.getString("id"), rs.getString("environment_id"), rs.getString("kind"),
                rs.getString("subscription_id"), filter, rs.getString("status"), rs.getLong("total"), rs.getLong("processed"),
                rs.getString("error"), Timestamps.read(rs, "created_at"), Timestamps.read(rs, "updated_at"),
                Timestamps.read(rs, "finished_at"));
    }
}
