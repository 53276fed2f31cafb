package dev.webhookhub.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.webhookhub.HubProperties;
import dev.webhookhub.store.Timestamps;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Purges what is older than {@code hub.retention.*}: finished deliveries (delivered or dead) with their attempt
 * logs, then events that no delivery refers to any more. Run by the {@code purge-expired} route, batch by batch,
 * each batch its own short transaction, so that a purge never holds locks that ingest or delivery wait for, and
 * stops after {@code max-run} to go on at the next run. Candidates are found in primary-key order: ids and
 * sequence numbers grow with time, so the oldest rows come first and no index by age is needed (one more index on
 * every ingested row would cost every ingest for the sake of this). Deliveries still waiting are never purged, nor
 * the events they need.
 */
@Component
public class Retention {

    /** What one run purged, and how long it took. */
    public record Purged(int deliveries, int attempts, int events, long millis) {
        public int total() {
            return deliveries + events;
        }
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final HubProperties.Retention settings;
    private final Counter purgedEvents;
    private final Counter purgedDeliveries;
    private final Counter purgedAttempts;
    private final Timer runs;

    public Retention(JdbcClient jdbc, PlatformTransactionManager transactions,
            HubProperties properties, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.settings = properties.retention();
        if (settings.batchSize() < 1) {
            throw new IllegalArgumentException("hub.retention.batch-size must be at least 1");
        }
        this.purgedEvents = purged(registry, "events");
        this.purgedDeliveries = purged(registry, "deliveries");
        this.purgedAttempts = purged(registry, "attempts");
        this.runs = Timer.builder("hub.retention.run").description("time one retention purge took").register(registry);
    }

    private static Counter purged(MeterRegistry registry, String table) {
        return Counter.builder("hub.retention.purged").tag("table", table)
                .description("rows purged because they were older than hub.retention.*").register(registry);
    }

    /** Route step. */
    public Purged purge() {
        long started = System.nanoTime();
        long deadline = started + settings.maxRun().toNanos();
        Instant now = Timestamps.now();
        int deliveries = 0;
        int attempts = 0;
        int events = 0;
        if (keeps(settings.deliveries())) {
            for (int[] batch; System.nanoTime() < deadline;) {
                batch = purgeDeliveries(now.minus(settings.deliveries()));
                deliveries += batch[0];
                attempts += batch[1];
                if (batch[0] < settings.batchSize()) {
                    break;
                }
            }
        }
        if (keeps(settings.events())) {
            for (int batch; System.nanoTime() < deadline;) {
                batch = purgeEvents(now.minus(settings.events()));
                events += batch;
                if (batch < settings.batchSize()) {
                    break;
                }
            }
        }
        long took = System.nanoTime() - started;
        runs.record(Duration.ofNanos(took));
        purgedDeliveries.increment(deliveries);
        purgedAttempts.increment(attempts);
        purgedEvents.increment(events);
        return new Purged(deliveries, attempts, events, Duration.ofNanos(took).toMillis());
    }

    private static boolean keeps(Duration retention) {
        return retention != null && retention.isPositive();
    }

    /** One batch of finished deliveries created before the cutoff: how many, and how many attempts went with them. */
    private int[] purgeDeliveries(Instant cutoff) {
        return transaction.execute(status -> {
            List<String> ids = jdbc.sql("SELECT id FROM deliveries WHERE status IN ('delivered', 'dead') AND created_at < ?"
                    + " ORDER BY id FETCH FIRST ? ROWS ONLY")
                    .params(Timestamps.column(cutoff), settings.batchSize()).query(String.class).list();
            if (ids.isEmpty()) {
                return new int[] {0, 0};
            }
            int attempts = jdbc.sql("DELETE FROM delivery_attempts WHERE delivery_id IN (:ids)").param("ids", ids).update();
            // a delivery retried meanwhile is pending again: it stays
            jdbc.sql("DELETE FROM deliveries WHERE id IN (:ids) AND status IN ('delivered', 'dead')").param("ids", ids).update();
            return new int[] {ids.size(), attempts};
        });
    }

    /** One batch of events created before the cutoff that no delivery refers to. */
    private int purgeEvents(Instant cutoff) {
        return transaction.execute(status -> {
            List<Long> seqs = jdbc.sql("SELECT seq FROM events e WHERE e.created_at < ?"
                    + " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)"
                    + " ORDER BY seq FETCH FIRST ? ROWS ONLY")
                    .params(Timestamps.column(cutoff), settings.batchSize()).query(Long.class).list();
            if (seqs.isEmpty()) {
                return 0;
            }
            return jdbc.sql("DELETE FROM events e WHERE seq IN (:seqs)"
                    + " AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)").param("seqs", seqs).update();
        });
    }
}
