package dev.webhookhub.delivery;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.webhookhub.HubProperties;
import dev.webhookhub.ingest.CommitGroup;
import dev.webhookhub.ingest.IngestBatch;
import dev.webhookhub.security.SecretBox;
import dev.webhookhub.store.JsonColumns;
import dev.webhookhub.store.StoreDialect;
import dev.webhookhub.store.TimeOrderedIds;
import dev.webhookhub.store.Timestamps;
import dev.webhookhub.subscription.RetrySchedules;

/**
 * Delivery rows and their attempt log. A delivery is claimed by moving {@code next_attempt_at} one lease into the
 * future: if the claiming instance dies, the row simply becomes due again and another instance takes it.
 */
@Repository
public class DeliveryRepository {

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";
    public static final String DEAD = "dead";

    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };
    private static final String JOB_QUERY = """
            SELECT d.id, d.environment_id, d.event_id, d.attempts, e.type, e.source, e.envelope, e.created_at AS event_created_at,
                   e.traceparent,
                   s.id AS subscription_id, s.target_url, s.is_active, s.format, s.secret, s.previous_secret, s.previous_secret_expires_at,
                   s.timeout_ms, s.retry_schedule, s.rate_limit, s.headers, s.sensitive_headers, s.paused, s.operational, d.ordering_key
            FROM deliveries d
            JOIN events e ON e.id = d.event_id
            JOIN subscriptions s ON s.id = d.subscription_id
            WHERE d.id IN (:ids) AND d.status IN ('pending', 'failed')""";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final NamedParameterJdbcTemplate named;
    private final ApplicationEventPublisher events;
    private final Duration lease;
    private final String instanceId;
    /**
     * H2 checks and locks every due row before it applies FETCH FIRST (a claim took seconds with a backlog of
     * 100,000 and never finished a drain of 1,000,000: docs/BENCHMARKS.md); there the oldest due rows are picked
     * without a lock, then locked by primary key. H2 runs in one process, so nobody else picks in between.
     */
    private final boolean lockAfterPicking;
    private final SecretBox secrets;
    private final JsonColumns json;

    public DeliveryRepository(JdbcClient jdbc, JdbcTemplate template, ApplicationEventPublisher events,
            HubProperties properties, InstanceId instanceId, SecretBox secrets, StoreDialect dialect, JsonColumns json) {
        this.secrets = secrets;
        this.json = json;
        this.jdbc = jdbc;
        this.template = template;
        this.named = new NamedParameterJdbcTemplate(template);
        this.events = events;
        this.lease = properties.delivery().lease();
        this.instanceId = instanceId.value();
        this.lockAfterPicking = dialect.isH2();
    }

    /**
     * Commit step: one pending row per routed delivery of every member, already leased to this instance so that it
     * can send at once after commit without another instance racing for it.
     */
    public CommitGroup schedule(CommitGroup group) {
        schedule(group.members().stream().flatMap(batch -> batch.deliveries().stream()).toList());
        return group;
    }

    /**
     * In the caller's transaction: a pending row per delivery, leased to this instance and sent once the transaction
     * commits. An ordered delivery whose key already has one waiting is stored without a next attempt instead: it is
     * released when the one before it is delivered or dead ({@link #releaseNextOrdered}).
     */
    public void schedule(List<DeliveryJob> routed) {
        if (routed.isEmpty()) {
            return;
        }
        Set<String> waiting = waitingBehindOthers(routed);
        var now = Timestamps.now();
        var leaseEnd = Timestamps.column(now.plus(lease));
        var created = Timestamps.column(now);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < routed.size(); i++) {
            DeliveryJob d = routed.get(i);
            boolean held = waiting.contains(d.deliveryId());
            rows.add(new Object[] {d.deliveryId(), d.environmentId(), d.eventId(), d.subscriptionId(), PENDING, 0,
                    held ? null : leaseEnd, held ? null : instanceId, created, created, d.orderingKey(), d.deliveryId()});
        }
        // a delivery routed twice (an event read again from Kafka) is stored once
        int[] inserted = template.batchUpdate("""
                INSERT INTO deliveries (id, environment_id, event_id, subscription_id, status, attempts, next_attempt_at,
                                        lease_owner, created_at, updated_at, ordering_key)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE id = ?)""", rows);
        // only what this call stored goes out on the fast path: a delivery stored before is someone else's to send
        // (it may have just been delivered, its mark still in the outcome writer)
        List<DeliveryJob> stored = new ArrayList<>();
        List<Object[]> queued = new ArrayList<>();
        for (int i = 0; i < inserted.length; i++) {
            DeliveryJob d = routed.get(i);
            if (inserted[i] == 0) {
                continue;
            }
            if (d.orderingKey() != null) {
                queued.add(new Object[] {d.deliveryId(), d.subscriptionId(), d.orderingKey(), d.eventId()});
            }
            if (!waiting.contains(d.deliveryId())) {
                stored.add(d);
            }
        }
        if (!queued.isEmpty()) {
            template.batchUpdate("INSERT INTO ordered_deliveries (delivery_id, subscription_id, ordering_key, order_seq)"
                    + " SELECT ?, ?, ?, seq FROM events WHERE id = ?", queued);
        }
        events.publishEvent(new DeliveriesScheduled(stored));
    }

    /**
     * The ordered deliveries among these that must wait: their key has a delivery waiting already, or an earlier one
     * of this same call. Their webhooks are locked first (in id order, as {@link #releaseNextOrdered} locks them),
     * so that a delivery finishing meanwhile either is seen still waiting here, or releases what this stores.
     */
    private Set<String> waitingBehindOthers(List<DeliveryJob> routed) {
        List<DeliveryJob> ordered = routed.stream().filter(d -> d.orderingKey() != null).toList();
        if (ordered.isEmpty()) {
            return Set.of();
        }
        lockWebhooks(ordered.stream().map(DeliveryJob::subscriptionId).toList());
        Set<String> busy = new HashSet<>();
        jdbc.sql("SELECT DISTINCT subscription_id, ordering_key FROM ordered_deliveries WHERE subscription_id IN (:webhooks)"
                + " AND ordering_key IN (:keys)")
                .param("webhooks", ordered.stream().map(DeliveryJob::subscriptionId).distinct().toList())
                .param("keys", ordered.stream().map(DeliveryJob::orderingKey).distinct().toList())
                .query(rs -> {
                    busy.add(rs.getString("subscription_id") + "\n" + rs.getString("ordering_key"));
                });
        Set<String> waiting = new HashSet<>();
        for (DeliveryJob d : ordered) {
            if (!busy.add(d.subscriptionId() + "\n" + d.orderingKey())) {
                waiting.add(d.deliveryId());
            }
        }
        return waiting;
    }

    private void lockWebhooks(Collection<String> subscriptionIds) {
        jdbc.sql("SELECT id FROM subscriptions WHERE id IN (:ids) ORDER BY id FOR UPDATE")
                .param("ids", new TreeSet<>(subscriptionIds)).query(String.class).list();
    }

    /** An ordered delivery that was delivered or is dead: its key's next one may go. */
    record OrderedDone(String deliveryId, String subscriptionId, String orderingKey) {
    }

    /**
     * Outcome writer step, after the marks: takes the finished ordered deliveries out of their keys' queues and makes
     * the next one of each key due now.
     */
    void releaseNextOrdered(List<OrderedDone> done) {
        if (done.isEmpty()) {
            return;
        }
        lockWebhooks(done.stream().map(OrderedDone::subscriptionId).toList());
        jdbc.sql("DELETE FROM ordered_deliveries WHERE delivery_id IN (:ids)")
                .param("ids", done.stream().map(OrderedDone::deliveryId).toList()).update();
        var now = Timestamps.column(Timestamps.now());
        template.batchUpdate("""
                UPDATE deliveries SET next_attempt_at = ? WHERE next_attempt_at IS NULL AND status IN ('pending', 'failed')
                  AND id = (SELECT delivery_id FROM ordered_deliveries WHERE subscription_id = ? AND ordering_key = ?
                            ORDER BY order_seq FETCH FIRST 1 ROWS ONLY)""",
                done.stream().map(d -> List.of(d.subscriptionId(), d.orderingKey())).distinct()
                        .map(key -> new Object[] {now, key.get(0), key.get(1)}).toList());
    }

    /** Kafka mode's dispatcher step: the deliveries of one event read from the events topic. */
    public IngestBatch scheduleOne(IngestBatch batch) {
        schedule(CommitGroup.of(batch));
        return batch;
    }

    /** Claims up to {@code limit} due deliveries for this instance; instances never claim the same row. */
    @Transactional
    public List<String> claimDue(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        var now = Timestamps.now();
        List<String> ids = lockAfterPicking ? pickThenLock(now, limit) : jdbc.sql("""
                SELECT id FROM deliveries WHERE next_attempt_at <= ? ORDER BY next_attempt_at
                FETCH FIRST ? ROWS ONLY FOR UPDATE SKIP LOCKED""").params(Timestamps.column(now), limit).query(String.class).list();
        if (!ids.isEmpty()) {
            named.update("UPDATE deliveries SET next_attempt_at = :leaseEnd, lease_owner = :owner WHERE id IN (:ids)",
                    new MapSqlParameterSource()
                            .addValue("leaseEnd", Timestamps.column(now.plus(lease)))
                            .addValue("owner", instanceId)
                            .addValue("ids", ids));
        }
        return ids;
    }

    private List<String> pickThenLock(Instant now, int limit) {
        List<String> picked = jdbc.sql("SELECT id FROM deliveries WHERE next_attempt_at <= ? ORDER BY next_attempt_at FETCH FIRST ? ROWS ONLY")
                .params(Timestamps.column(now), limit).query(String.class).list();
        if (picked.isEmpty()) {
            return picked;
        }
        return named.queryForList("SELECT id FROM deliveries WHERE id IN (:ids) AND next_attempt_at <= :now FOR UPDATE",
                new MapSqlParameterSource().addValue("ids", picked).addValue("now", Timestamps.column(now)), String.class);
    }

    /**
     * Holds a claimed delivery of a paused webhook without an attempt: not due until the webhook is resumed
     * ({@link dev.webhookhub.subscription.SubscriptionRepository#releaseHeld}). Resumed meanwhile: due now instead.
     */
    void hold(String deliveryId, String subscriptionId) {
        int held = jdbc.sql("UPDATE deliveries SET next_attempt_at = NULL, lease_owner = NULL WHERE id = ?"
                + " AND status IN ('pending', 'failed')"
                + " AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = ? AND s.paused = TRUE)")
                .params(deliveryId, subscriptionId).update();
        if (held == 0) {
            jdbc.sql("UPDATE deliveries SET next_attempt_at = ?, lease_owner = NULL WHERE id = ? AND status IN ('pending', 'failed')")
                    .params(Timestamps.column(Timestamps.now()), deliveryId).update();
        }
    }

    /**
     * Puts claimed deliveries back without an attempt: their endpoint is busy, rate limited or behind an open
     * circuit, so the try would say nothing about the endpoint and must not cost one of its retries.
     */
    void defer(List<DeliveryOutcomeWriter.Deferred> deferred) {
        template.batchUpdate("UPDATE deliveries SET next_attempt_at = ?, lease_owner = NULL WHERE id = ? AND status IN ('pending', 'failed')",
                deferred.stream().map(d -> new Object[] {Timestamps.column(d.until()), d.deliveryId()}).toList());
    }

    /** Makes leased deliveries due now, for any instance to claim. */
    public void releaseLease(List<String> ids) {
        named.update("UPDATE deliveries SET next_attempt_at = :now, lease_owner = NULL WHERE id IN (:ids) AND status IN ('pending', 'failed')",
                new MapSqlParameterSource().addValue("now", Timestamps.column(Timestamps.now())).addValue("ids", ids));
    }

    /** The jobs for claimed ids that still wait for delivery. */
    public List<DeliveryJob> jobs(List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return named.query(JOB_QUERY, Collections.singletonMap("ids", ids), this::job);
    }

    void recordAttempts(List<DeliveryOutcomeWriter.Attempt> attempts) {
        template.batchUpdate("""
                INSERT INTO delivery_attempts (delivery_id, attempted_at, status_code, latency_ms, error, note, response_body)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", attempts.stream().map(a -> new Object[] {a.deliveryId(),
                Timestamps.column(a.at()), a.statusCode(), a.latencyMs(), truncate(a.error(), 1000), truncate(a.note(), 200),
                a.responseBody()}).toList());
    }

    void markDelivered(List<DeliveryOutcomeWriter.Delivered> delivered) {
        template.batchUpdate("""
                UPDATE deliveries SET status = 'delivered', attempts = ?, next_attempt_at = NULL, last_status_code = ?,
                  last_error = NULL, updated_at = ?, delivered_at = ? WHERE id = ?""", delivered.stream().map(d -> new Object[] {
                d.attempts(), d.statusCode(), Timestamps.column(d.at()), Timestamps.column(d.at()), d.deliveryId()}).toList());
    }

    void markForRetry(List<DeliveryOutcomeWriter.Retrying> retrying) {
        template.batchUpdate("""
                UPDATE deliveries SET status = 'failed', attempts = ?, next_attempt_at = ?, lease_owner = NULL,
                  last_status_code = ?, last_error = ?, updated_at = ? WHERE id = ?""", retrying.stream().map(r -> new Object[] {
                r.attempts(), Timestamps.column(r.nextAttemptAt()), r.statusCode(), truncate(r.error(), 1000),
                Timestamps.column(r.at()), r.deliveryId()}).toList());
    }

    void markDead(List<DeliveryOutcomeWriter.Dead> dead) {
        template.batchUpdate("""
                UPDATE deliveries SET status = 'dead', attempts = ?, next_attempt_at = NULL, lease_owner = NULL,
                  last_status_code = ?, last_error = ?, updated_at = ? WHERE id = ?""", dead.stream().map(d -> new Object[] {
                d.attempts(), d.statusCode(), truncate(d.error(), 1000), Timestamps.column(d.at()), d.deliveryId()}).toList());
    }

    /** A delivery as the API shows it. */
    public record DeliveryView(String id, String eventId, String eventType, String subscriptionId, String status,
            int attempts, Instant nextAttemptAt, Integer lastStatusCode, String lastError, Instant createdAt,
            Instant updatedAt, Instant deliveredAt) {
    }

    /** One HTTP attempt of a delivery. */
    public record Attempt(Instant attemptedAt, Integer statusCode, long latencyMs, String error, String note,
            String responseBody) {
    }

    private static final String VIEW_COLUMNS = "d.id, d.event_id, e.type, d.subscription_id, d.status, d.attempts,"
            + " d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, d.updated_at, d.delivered_at";

    /** How many deliveries of the environment are in each status. */
    public Map<String, Long> countByStatus(String environmentId) {
        Map<String, Long> counts = new TreeMap<>();
        jdbc.sql("SELECT status, COUNT(*) FROM deliveries WHERE environment_id = ? GROUP BY status")
                .param(environmentId)
                .query((rs, n) -> counts.put(rs.getString(1), rs.getLong(2)))
                .list();
        return counts;
    }

    /** Newest first; {@code after} is the id of the last delivery of the previous page. */
    public List<DeliveryView> page(String environmentId, String subscriptionId, String status, String after, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + VIEW_COLUMNS
                + " FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.environment_id = ?");
        List<Object> params = new ArrayList<>(List.of(environmentId));
        if (subscriptionId != null) {
            sql.append(" AND d.subscription_id = ?");
            params.add(subscriptionId);
        }
        if (status != null) {
            sql.append(" AND d.status = ?");
            params.add(status);
        }
        if (after != null) {
            sql.append(" AND (d.created_at < (SELECT created_at FROM deliveries WHERE id = ?)"
                    + " OR (d.created_at = (SELECT created_at FROM deliveries WHERE id = ?) AND d.id < ?))");
            params.addAll(List.of(after, after, after));
        }
        sql.append(" ORDER BY d.created_at DESC, d.id DESC FETCH FIRST ? ROWS ONLY");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(DeliveryRepository::view).list();
    }

    public java.util.Optional<DeliveryView> find(String environmentId, String id) {
        return jdbc.sql("SELECT " + VIEW_COLUMNS + " FROM deliveries d JOIN events e ON e.id = d.event_id"
                + " WHERE d.id = ? AND d.environment_id = ?")
                .params(id, environmentId)
                .query(DeliveryRepository::view)
                .optional();
    }

    /**
     * The attempts of one webhook since {@code since}, in one aggregate; attempts of deliveries made more than two
     * days before the window (retries of a long custom schedule) are left out, so the index by webhook and creation
     * time bounds what is read.
     */
    WebhookStats.Window window(String subscriptionId, Instant since) {
        return jdbc.sql("""
                SELECT COUNT(*) AS attempts, COALESCE(SUM(CASE WHEN a.error IS NULL THEN 1 ELSE 0 END), 0) AS succeeded,
                       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY a.latency_ms) AS p50,
                       PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY a.latency_ms) AS p99
                FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                WHERE d.subscription_id = ? AND d.created_at >= ? AND a.attempted_at >= ?""")
                .params(subscriptionId, Timestamps.column(since.minus(Duration.ofDays(2))), Timestamps.column(since))
                .query((rs, i) -> {
                    long attempts = rs.getLong("attempts");
                    long succeeded = rs.getLong("succeeded");
                    Number p50 = (Number) rs.getObject("p50");
                    Number p99 = (Number) rs.getObject("p99");
                    return new WebhookStats.Window(attempts, succeeded,
                            attempts == 0 ? null : Math.round(1000.0 * succeeded / attempts) / 1000.0,
                            p50 == null ? null : Math.round(p50.doubleValue()), p99 == null ? null : Math.round(p99.doubleValue()));
                })
                .single();
    }

    /**
     * The webhook's attempts since {@code since}, by hour (hours since the epoch, oldest first), with the same bounds
     * on what is read as {@link #window}.
     */
    Map<Long, WebhookStats.Window> hourly(String subscriptionId, Instant since) {
        Map<Long, WebhookStats.Window> hours = new TreeMap<>();
        jdbc.sql("""
                SELECT FLOOR(EXTRACT(EPOCH FROM a.attempted_at) / 3600) AS bucket, COUNT(*) AS attempts,
                       COALESCE(SUM(CASE WHEN a.error IS NULL THEN 1 ELSE 0 END), 0) AS succeeded,
                       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY a.latency_ms) AS p50,
                       PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY a.latency_ms) AS p99
                FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
                WHERE d.subscription_id = ? AND d.created_at >= ? AND a.attempted_at >= ?
                GROUP BY FLOOR(EXTRACT(EPOCH FROM a.attempted_at) / 3600)""")
                .params(subscriptionId, Timestamps.column(since.minus(Duration.ofDays(2))), Timestamps.column(since))
                .query(rs -> {
                    Number p50 = (Number) rs.getObject("p50");
                    Number p99 = (Number) rs.getObject("p99");
                    hours.put(rs.getLong("bucket"), new WebhookStats.Window(rs.getLong("attempts"), rs.getLong("succeeded"), null,
                            p50 == null ? null : Math.round(p50.doubleValue()), p99 == null ? null : Math.round(p99.doubleValue())));
                });
        return hours;
    }

    /** How many of a webhook's deliveries wait (pending, failed and due again, held), and the oldest one's creation. */
    public record Waiting(long count, Instant oldest) {
    }

    /**
     * What waits, by webhook, in one environment: read through the index by environment, status and creation, so
     * delivered and dead rows are never read.
     */
    public Map<String, Waiting> waitingByWebhook(String environmentId) {
        Map<String, Waiting> waiting = new HashMap<>();
        jdbc.sql("SELECT subscription_id, COUNT(*) AS waiting, MIN(created_at) AS oldest FROM deliveries"
                + " WHERE environment_id = ? AND status IN ('pending', 'failed') GROUP BY subscription_id")
                .param(environmentId)
                .query(rs -> {
                    waiting.put(rs.getString("subscription_id"),
                            new Waiting(rs.getLong("waiting"), Timestamps.read(rs, "oldest")));
                });
        return waiting;
    }

    Waiting waiting(String subscriptionId) {
        return jdbc.sql("SELECT COUNT(*) AS waiting, MIN(created_at) AS oldest FROM deliveries"
                + " WHERE subscription_id = ? AND status IN ('pending', 'failed')")
                .param(subscriptionId)
                .query((rs, i) -> new Waiting(rs.getLong("waiting"), Timestamps.read(rs, "oldest")))
                .single();
    }

    public List<Attempt> attempts(String deliveryId) {
        return jdbc.sql("SELECT attempted_at, status_code, latency_ms, error, note, response_body FROM delivery_attempts"
                + " WHERE delivery_id = ? ORDER BY id")
                .param(deliveryId)
                .query((rs, i) -> new Attempt(Timestamps.read(rs, "attempted_at"), (Integer) rs.getObject("status_code"),
                        rs.getLong("latency_ms"), rs.getString("error"), rs.getString("note"), rs.getString("response_body")))
                .list();
    }

    /** Sends a delivery again from the start of its schedule, whatever became of it. */
    public boolean retryNow(String environmentId, String id) {
        var now = Timestamps.column(Timestamps.now());
        return jdbc.sql("""
                UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, lease_owner = NULL, updated_at = ?
                WHERE id = ? AND environment_id = ?""")
                .params(now, now, id, environmentId)
                .update() == 1;
    }

    /** New deliveries, due at once, for the poller to pick up (replays). */
    public void insertDue(String environmentId, String subscriptionId, List<String> eventIds) {
        var now = Timestamps.column(Timestamps.now());
        List<Object[]> rows = new ArrayList<>();
        for (String eventId : eventIds) {
            rows.add(new Object[] {TimeOrderedIds.uuid(), environmentId, eventId, subscriptionId, PENDING,
                    0, now, now, now});
        }
        template.batchUpdate("""
                INSERT INTO deliveries (id, environment_id, event_id, subscription_id, status, attempts, next_attempt_at,
                                        created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows);
    }

    private static DeliveryView view(ResultSet rs, int row) throws SQLException {
        return new DeliveryView(rs.getString("id"), rs.getString("event_id"), rs.getString("type"),
                rs.getString("subscription_id"), rs.getString("status"), rs.getInt("attempts"),
                Timestamps.read(rs, "next_attempt_at"), (Integer) rs.getObject("last_status_code"), rs.getString("last_error"),
                Timestamps.read(rs, "created_at"), Timestamps.read(rs, "updated_at"), Timestamps.read(rs, "delivered_at"));
    }

    private DeliveryJob job(ResultSet rs, int row) throws SQLException {
        return new DeliveryJob(rs.getString("id"), rs.getString("environment_id"), rs.getString("event_id"),
                rs.getString("type"), rs.getString("source"), rs.getString("envelope"), Timestamps.read(rs, "event_created_at"),
                rs.getInt("attempts"), rs.getString("subscription_id"), rs.getString("target_url"),
                rs.getBoolean("is_active"), rs.getString("format"), secrets.open(rs.getString("secret")),
                secrets.open(rs.getString("previous_secret")),
                Timestamps.read(rs, "previous_secret_expires_at"), (Integer) rs.getObject("timeout_ms"),
                RetrySchedules.parse(rs.getString("retry_schedule")), (Integer) rs.getObject("rate_limit"),
                DeliveryJob.headers(json.read(rs.getString("headers"), HEADERS),
                        json.read(secrets.open(rs.getString("sensitive_headers")), HEADERS)), rs.getBoolean("paused"),
                rs.getBoolean("operational"), rs.getString("ordering_key"), rs.getString("traceparent"));
    }

    static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
