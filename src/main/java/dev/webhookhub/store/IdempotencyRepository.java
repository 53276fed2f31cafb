package dev.webhookhub.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.webhookhub.HubProperties;
import dev.webhookhub.ingest.CommitGroup;

/**
 * Request and raw-event keys already ingested, and the event ids each produced, kept for the retention window. A
 * {@link KnownKeys} filter in front answers most lookups of new keys without the store: their random-order index
 * descent was the largest single cost of an ingest request (docs/BENCHMARKS.md, profile 11).
 */
@Repository
public class IdempotencyRepository {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyRepository.class);
    private static final int LOAD_FETCH_SIZE = 10_000;

    private static final TypeReference<List<String>> IDS = new TypeReference<>() {
    };

    /** A key to remember for a member of a commit group, with the event ids to answer it with. */
    public record Claim(int member, String environmentId, String source, String key, List<String> eventIds) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final JsonColumns json;
    private final StoreDialect dialect;
    private final Duration retention;
    private final String insertIfAbsent;
    private final KnownKeys known;
    private final TransactionTemplate readOnly;

    public IdempotencyRepository(JdbcClient jdbc, JdbcTemplate template, JsonColumns json, StoreDialect dialect,
            HubProperties properties, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.template = template;
        this.known = new KnownKeys(properties.ingest().idempotencyFilterKeys());
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true);
        this.json = json;
        this.dialect = dialect;
        this.retention = properties.ingest().idempotencyRetention();
        this.insertIfAbsent = dialect.insertIfAbsent("idempotency_keys",
                List.of("environment_id", "source", "idem_key", "event_ids", "created_at"),
                List.of("environment_id", "source", "idem_key"));
    }

    /** The event ids a key produced within the retention window; a key older than that is as good as unknown. */
    public Optional<List<String>> find(String environmentId, String source, String key) {
        if (!known.mightHold(environmentId, source, key)) {
            return Optional.empty();
        }
        record Row(String eventIds, Instant createdAt) {
        }
        return jdbc.sql("SELECT event_ids, created_at FROM idempotency_keys WHERE environment_id = ? AND source = ? AND idem_key = ?")
                .params(environmentId, source, key)
                .query((rs, n) -> new Row(rs.getString("event_ids"), Timestamps.read(rs, "created_at")))
                .optional()
                .filter(row -> !row.createdAt().isBefore(Timestamps.now().minus(retention)))
                .map(row -> json.read(row.eventIds(), IDS));
    }

    /**
     * Commit step: remembers each claim's key, unless another request remembered it since its member looked
     * ({@link #find}). An expired row of the key is replaced; that DELETE names the whole primary key, and runs only
     * when the insert found a row: a DELETE by age alone on every ingest once walked every key of the window on the
     * created_at index (60 % of ingest CPU on H2, docs/BENCHMARKS.md item 1). Every key claimed joins the filter,
     * taken or not: a member set aside for a key it did not look up finds it when it is mapped again.
     *
     * @throws CommitGroup.MembersSetAside naming the members whose key was taken meanwhile
     */
    public void claim(List<Claim> claims) {
        if (claims.isEmpty()) {
            return;
        }
        claims.forEach(c -> known.add(c.environmentId(), c.source(), c.key()));
        var now = Timestamps.column(Timestamps.now());
        int[] inserted = template.batchUpdate(insertIfAbsent, claims.stream().map(c -> row(c, now)).toList());
        Set<Integer> taken = new TreeSet<>();
        List<Claim> retry = new ArrayList<>();
        for (int i = 0; i < inserted.length; i++) {
            if (inserted[i] == 0) {
                retry.add(claims.get(i));
            }
        }
        var expired = Timestamps.column(Timestamps.now().minus(retention));
        for (Claim claim : retry) {
            int replaced = jdbc.sql("DELETE FROM idempotency_keys WHERE environment_id = ? AND source = ? AND idem_key = ?"
                            + " AND created_at < ?")
                    .params(claim.environmentId(), claim.source(), claim.key(), expired).update();
            if (replaced == 0 || template.update(insertIfAbsent, row(claim, now)) == 0) {
                taken.add(claim.member());
            }
        }
        if (!taken.isEmpty()) {
            throw new CommitGroup.MembersSetAside(taken, "an idempotency key was ingested meanwhile");
        }
    }

    private Object[] row(Claim claim, Object now) {
        return dialect.insertIfAbsentParameters(
                new Object[] {claim.environmentId(), claim.source(), claim.key(), json.write(claim.eventIds()), now},
                new Object[] {claim.environmentId(), claim.source(), claim.key()});
    }

    /** Once the hub is up, reads the newest keys of the window into the filter, off the start's critical path. */
    @EventListener(ApplicationReadyEvent.class)
    public void loadKnownKeysInBackground() {
        if (known.capacity() > 0) {
            Thread.ofPlatform().name("idempotency-keys-load").daemon().start(this::loadKnownKeys);
        }
    }

    /**
     * Reads the newest keys of the retention window into the filter (as many as one generation holds) and from then
     * on lets it answer "new" without the store; until then, and if this fails, every key is looked up.
     */
    public void loadKnownKeys() {
        long started = System.nanoTime();
        int[] read = {0};
        JdbcTemplate streaming = new JdbcTemplate(template.getDataSource());
        // PostgreSQL streams a result in pages only inside a transaction with a fetch size; all at once would not fit
        streaming.setFetchSize(LOAD_FETCH_SIZE);
        streaming.setMaxRows(known.capacity());
        try {
            readOnly.executeWithoutResult(status -> streaming.query(
                    "SELECT environment_id, source, idem_key FROM idempotency_keys WHERE created_at >= ?"
                            + " ORDER BY created_at DESC",
                    (RowCallbackHandler) rs -> {
                        known.add(rs.getString(1), rs.getString(2), rs.getString(3));
                        read[0]++;
                    },
                    Timestamps.column(Timestamps.now().minus(retention))));
        } catch (RuntimeException e) {
            log.warn("could not read the idempotency keys into the in-memory filter ({}); every key is looked up in "
                    + "the store before its commit, as without the filter", e.toString());
            return;
        }
        known.loaded();
        log.info("read {} idempotency keys into the in-memory filter in {} ms; a new key is no longer looked up "
                + "before its commit", read[0], (System.nanoTime() - started) / 1_000_000);
    }

    /** Forgets keys older than the retention window; called by routes/maintenance.yaml. */
    public int purgeExpired() {
        return jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < ?")
                .params(Timestamps.column(Timestamps.now().minus(retention)))
                .update();
    }
}
