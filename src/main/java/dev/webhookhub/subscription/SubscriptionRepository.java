package dev.webhookhub.subscription;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.webhookhub.security.SecretBox;
import dev.webhookhub.store.JsonColumns;
import dev.webhookhub.store.Timestamps;

/** Subscriptions, always read and written within one environment. */
@Repository
public class SubscriptionRepository {

    private static final int MAX_CACHED_ENVIRONMENTS = 10_000;
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, environment_id, target_url, is_active, event_types, sources, filter, format,"
            + " rate_limit, description, secret, previous_secret, previous_secret_expires_at, disabled_reason, timeout_ms,"
            + " retry_schedule, failing_since, created_at, updated_at, headers, sensitive_headers, paused, operational,"
            + " lag_threshold_seconds, ordering_key";
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };
    private static final String READ_COLUMNS = COLUMNS + ", filter_errors, last_filter_error, last_filter_error_at, lagging_since";

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final JsonColumns json;
    /** Signing secrets are stored encrypted. */
    private final SecretBox secrets;
    /** Active subscriptions by environment, with the subscriptions_version they were read at. */
    private final Map<String, Versioned> active = new ConcurrentHashMap<>();

    private record Versioned(long version, List<Subscription> subscriptions) {
    }

    public SubscriptionRepository(JdbcClient jdbc, JdbcTemplate template, JsonColumns json, SecretBox secrets) {
        this.jdbc = jdbc;
        this.template = template;
        this.json = json;
        this.secrets = secrets;
    }

    public void insert(Subscription s) {
        jdbc.sql("INSERT INTO subscriptions (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(s.id(), s.environmentId(), s.targetUrl(), s.active(), write(s.eventTypes()), write(s.sources()),
                        s.filter(), s.format(), s.rateLimit(), s.description(), secrets.seal(s.secret()),
                        secrets.seal(s.previousSecret()),
                        Timestamps.column(s.previousSecretExpiresAt()), s.disabledReason(), s.timeoutMs(),
                        RetrySchedules.format(s.retrySchedule()), Timestamps.column(s.failingSince()),
                        Timestamps.column(s.createdAt()), Timestamps.column(s.updatedAt()), json.write(s.headers()),
                        secrets.seal(json.write(s.sensitiveHeaders())), s.paused(), s.operational(), s.lagThresholdSeconds(),
                        s.orderingKey())
                .update();
        changed(s.environmentId());
    }

    public void update(Subscription s) {
        jdbc.sql("""
                UPDATE subscriptions SET target_url = ?, is_active = ?, event_types = ?, sources = ?, filter = ?, format = ?,
                  rate_limit = ?, description = ?, secret = ?, previous_secret = ?, previous_secret_expires_at = ?,
                  disabled_reason = ?, timeout_ms = ?, retry_schedule = ?, failing_since = ?, updated_at = ?,
                  headers = ?, sensitive_headers = ?, paused = ?, lag_threshold_seconds = ?, ordering_key = ?
                WHERE id = ? AND environment_id = ?""")
                .params(s.targetUrl(), s.active(), write(s.eventTypes()), write(s.sources()), s.filter(), s.format(),
                        s.rateLimit(), s.description(), secrets.seal(s.secret()), secrets.seal(s.previousSecret()),
                        Timestamps.column(s.previousSecretExpiresAt()), s.disabledReason(), s.timeoutMs(),
                        RetrySchedules.format(s.retrySchedule()), Timestamps.column(s.failingSince()),
                        Timestamps.column(s.updatedAt()), json.write(s.headers()),
                        secrets.seal(json.write(s.sensitiveHeaders())), s.paused(), s.lagThresholdSeconds(), s.orderingKey(), s.id(),
                        s.environmentId())
                .update();
        changed(s.environmentId());
    }

    public Optional<Subscription> find(String environmentId, String id) {
        return jdbc.sql("SELECT " + READ_COLUMNS + " FROM subscriptions WHERE id = ? AND environment_id = ?")
                .params(id, environmentId)
                .query(this::map)
                .optional();
    }

    public long count(String environmentId) {
        return jdbc.sql("SELECT COUNT(*) FROM subscriptions WHERE environment_id = ?").param(environmentId)
                .query(Long.class).single();
    }

    /**
     * One page of the webhooks or of the operational webhooks, in creation order, after the subscription
     * {@code afterId} (the cursor), or from the start.
     */
    public List<Subscription> page(String environmentId, boolean operational, String afterId, int limit) {
        return jdbc.sql("SELECT " + READ_COLUMNS + " FROM subscriptions WHERE environment_id = ? AND operational = ?"
                + " AND seq > COALESCE((SELECT seq FROM subscriptions WHERE id = ? AND environment_id = ?), 0)"
                + " ORDER BY seq FETCH FIRST ? ROWS ONLY")
                .params(environmentId, operational, afterId, environmentId, limit)
                .query(this::map)
                .list();
    }

    /**
     * The environment's active subscriptions, for routing. Read again only when its subscriptions_version moved:
     * one primary-key read per call instead of every subscription (13 % of the hub's CPU with 1,001 of them:
     * docs/BENCHMARKS.md). The version is read first, so a list read alongside a change is at worst newer than its
     * version, and the next call reads it again.
     */
    public List<Subscription> active(String environmentId) {
        long version = jdbc.sql("SELECT subscriptions_version FROM environments WHERE id = ?").param(environmentId)
                .query(Long.class).optional().orElse(-1L);
        Versioned cached = active.get(environmentId);
        if (cached != null && cached.version() == version) {
            return cached.subscriptions();
        }
        List<Subscription> subscriptions = List.copyOf(
                jdbc.sql("SELECT " + READ_COLUMNS + " FROM subscriptions WHERE environment_id = ? AND is_active = TRUE")
                        .param(environmentId)
                        .query(this::map)
                        .list());
        if (active.size() >= MAX_CACHED_ENVIRONMENTS) {
            active.clear();
        }
        active.put(environmentId, new Versioned(version, subscriptions));
        return subscriptions;
    }

    /** In the transaction of the change, so that no instance routes by the old subscriptions once it commits. */
    private void changed(String environmentId) {
        jdbc.sql("UPDATE environments SET subscriptions_version = subscriptions_version + 1 WHERE id = ?")
                .param(environmentId).update();
    }

    /**
     * Stops deliveries to an endpoint that is gone or has failed for too long; PATCH is_active=true re-enables.
     * @return whether this call disabled it (false: it was disabled already, or is gone)
     */
    public boolean disable(String environmentId, String id, String reason) {
        boolean disabled = jdbc.sql("UPDATE subscriptions SET is_active = FALSE, disabled_reason = ?, updated_at = ?"
                + " WHERE id = ? AND environment_id = ? AND is_active = TRUE")
                .params(reason, Timestamps.column(Timestamps.now()), id, environmentId)
                .update() == 1;
        changed(environmentId);
        return disabled;
    }

    /** Webhooks that just began to fail, and since when each of the webhooks marked has been failing. */
    public record Failing(Set<String> began, Map<String, Instant> since) {
    }

    /**
     * Tracks continuous failure: the first failure after a success starts the clock, a success stops it
     * ({@link #clearFailing}).
     */
    public Failing markFailing(Collection<String> ids, Instant now) {
        if (ids.isEmpty()) {
            return new Failing(Set.of(), Map.of());
        }
        List<String> ordered = List.copyOf(ids);
        int[] updated = template.batchUpdate("UPDATE subscriptions SET failing_since = ? WHERE id = ? AND failing_since IS NULL",
                ordered.stream().map(id -> new Object[] {Timestamps.column(now), id}).toList());
        Set<String> began = new HashSet<>();
        for (int i = 0; i < updated.length; i++) {
            if (updated[i] > 0) {
                began.add(ordered.get(i));
            }
        }
        Map<String, Instant> since = new HashMap<>();
        jdbc.sql("SELECT id, failing_since FROM subscriptions WHERE id IN (:ids) AND failing_since IS NOT NULL")
                .param("ids", ids)
                .query(rs -> {
                    since.put(rs.getString("id"), Timestamps.read(rs, "failing_since"));
                });
        return new Failing(began, since);
    }

    /**
     * The webhooks just delivered to are not failing (any more).
     * @return those of them that were failing until now
     */
    public Set<String> clearFailing(Collection<String> ids) {
        List<String> ordered = List.copyOf(ids);
        int[] updated = template.batchUpdate("UPDATE subscriptions SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL",
                ordered.stream().map(id -> new Object[] {id}).toList());
        Set<String> recovered = new HashSet<>();
        for (int i = 0; i < updated.length; i++) {
            if (updated[i] > 0) {
                recovered.add(ordered.get(i));
            }
        }
        return recovered;
    }

    /** @return whether this call marked it lagging (false: another instance did, or it is gone) */
    public boolean startLagging(String id, Instant since) {
        return jdbc.sql("UPDATE subscriptions SET lagging_since = ? WHERE id = ? AND lagging_since IS NULL")
                .params(Timestamps.column(since), id).update() == 1;
    }

    /** Webhooks marked lagging, of every environment. */
    public Set<String> lagging() {
        return new HashSet<>(jdbc.sql("SELECT id FROM subscriptions WHERE lagging_since IS NOT NULL").query(String.class).list());
    }

    /** Environments with at least one active webhook that is not operational. */
    public List<String> environmentsWithWebhooks() {
        return jdbc.sql("SELECT DISTINCT environment_id FROM subscriptions WHERE is_active = TRUE AND operational = FALSE")
                .query(String.class).list();
    }

    /** @return whether this call ended its lagging */
    public boolean stopLagging(String id) {
        return jdbc.sql("UPDATE subscriptions SET lagging_since = NULL WHERE id = ? AND lagging_since IS NOT NULL")
                .param(id).update() == 1;
    }

    /** Filter skips of one webhook since they were last written. */
    public record FilterErrors(String subscriptionId, long count, String lastError, Instant lastAt) {
    }

    /** Adds to each webhook's filter error count; a webhook deleted meanwhile is simply not found. */
    public void addFilterErrors(List<FilterErrors> errors) {
        template.batchUpdate("""
                UPDATE subscriptions SET filter_errors = filter_errors + ?, last_filter_error = ?, last_filter_error_at = ?
                WHERE id = ?""", errors.stream().map(e -> new Object[] {e.count(),
                e.lastError() == null || e.lastError().length() <= 500 ? e.lastError() : e.lastError().substring(0, 500),
                Timestamps.column(e.lastAt()), e.subscriptionId()}).toList());
    }

    /**
     * A resumed webhook's held deliveries become due, in the order they were made: their creation time is earlier
     * than anything else due, so they go first and oldest first. Of ordered ones only the first of each key: the
     * others wait for it as before.
     */
    public void releaseHeld(String id) {
        jdbc.sql("""
                UPDATE deliveries SET next_attempt_at = created_at WHERE subscription_id = :id
                  AND status IN ('pending', 'failed') AND next_attempt_at IS NULL
                  AND (ordering_key IS NULL OR id IN (SELECT o.delivery_id FROM ordered_deliveries o WHERE o.subscription_id = :id
                       AND o.order_seq = (SELECT MIN(f.order_seq) FROM ordered_deliveries f
                                          WHERE f.subscription_id = o.subscription_id AND f.ordering_key = o.ordering_key)))""")
                .param("id", id).update();
    }

    /**
     * Its deliveries first, then the webhook: the order in which delivery outcomes lock them (a delivery, then its
     * webhook's failing_since), so that a delete beside a flush of outcomes waits for it instead of deadlocking.
     */
    public boolean delete(String environmentId, String id) {
        jdbc.sql("DELETE FROM deliveries WHERE subscription_id = ? AND EXISTS (SELECT 1 FROM subscriptions s"
                + " WHERE s.id = ? AND s.environment_id = ?)").params(id, id, environmentId).update();
        boolean deleted = jdbc.sql("DELETE FROM subscriptions WHERE id = ? AND environment_id = ?").params(id, environmentId)
                .update() == 1;
        changed(environmentId);
        return deleted;
    }

    private Subscription map(ResultSet rs, int row) throws SQLException {
        Integer rateLimit = (Integer) rs.getObject("rate_limit");
        return new Subscription(rs.getString("id"), rs.getString("environment_id"), rs.getString("target_url"),
                rs.getBoolean("is_active"), read(rs.getString("event_types")), read(rs.getString("sources")),
                rs.getString("filter"), rs.getString("format"), rateLimit, rs.getString("description"),
                secrets.open(rs.getString("secret")), secrets.open(rs.getString("previous_secret")),
                Timestamps.read(rs, "previous_secret_expires_at"),
                rs.getString("disabled_reason"), (Integer) rs.getObject("timeout_ms"),
                RetrySchedules.parse(rs.getString("retry_schedule")), Timestamps.read(rs, "failing_since"),
                Timestamps.read(rs, "created_at"), Timestamps.read(rs, "updated_at"),
                rs.getLong("filter_errors") == 0 ? null : new Subscription.FilterErrors(rs.getLong("filter_errors"),
                        rs.getString("last_filter_error"), Timestamps.read(rs, "last_filter_error_at")),
                headers(rs.getString("headers")), headers(secrets.open(rs.getString("sensitive_headers"))),
                rs.getBoolean("paused"), rs.getBoolean("operational"), (Integer) rs.getObject("lag_threshold_seconds"),
                Timestamps.read(rs, "lagging_since"), rs.getString("ordering_key"));
    }

    /** Headers as stored (JSON), or null. */
    private Map<String, String> headers(String column) {
        return column == null ? null : json.read(column, HEADERS);
    }

    private String write(List<String> values) {
        return json.write(values);
    }

    private List<String> read(String value) {
        return json.read(value, STRINGS);
    }
}
