package dev.webhookhub.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The purge-expired route with the default retention (30 days): events and finished deliveries older than that go,
 * with their attempt logs; a waiting delivery and its event stay however old, and so does everything younger.
 */
class RetentionTest extends HubTest {

    @Autowired
    MeterRegistry registry;

    @Test
    void whatIsOlderThanTheRetentionIsPurgedAndWhatStillWaitsIsKept() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            var webhook = subscribe(env, receiver.url("/r"), List.of("connection.sync_failed"));
            String environment = (String) webhook.get("environment_id");
            String subscription = (String) webhook.get("id");
            Instant old = Instant.now().minus(Duration.ofDays(40));
            Instant recent = Instant.now().minus(Duration.ofDays(10));
            double purgedBefore = purged("events");

            String delivered = event(environment, old);
            String deliveredDelivery = delivery(environment, delivered, subscription, "delivered", old);
            attempt(deliveredDelivery, old);
            attempt(deliveredDelivery, old);
            String dead = event(environment, old);
            String deadDelivery = delivery(environment, dead, subscription, "dead", old);
            attempt(deadDelivery, old);
            String waiting = event(environment, old);
            String waitingDelivery = delivery(environment, waiting, subscription, "pending", old);
            String orphan = event(environment, old);
            String young = event(environment, recent);
            String youngDelivery = delivery(environment, young, subscription, "delivered", recent);
            attempt(youngDelivery, recent);

            await().atMost(Duration.ofSeconds(15)).until(() -> !exists("events", "id", orphan) && !exists("events", "id", dead)
                    && !exists("events", "id", delivered));
            assertThat(exists("deliveries", "id", deliveredDelivery)).isFalse();
            assertThat(exists("deliveries", "id", deadDelivery)).isFalse();
            assertThat(exists("delivery_attempts", "delivery_id", deliveredDelivery)).isFalse();
            assertThat(exists("delivery_attempts", "delivery_id", deadDelivery)).isFalse();
            assertThat(exists("deliveries", "id", waitingDelivery)).as("still to be sent").isTrue();
            assertThat(exists("events", "id", waiting)).as("its delivery needs it").isTrue();
            assertThat(exists("events", "id", young)).isTrue();
            assertThat(exists("deliveries", "id", youngDelivery)).isTrue();
            assertThat(exists("delivery_attempts", "delivery_id", youngDelivery)).isTrue();
            assertThat(purged("events") - purgedBefore).isGreaterThanOrEqualTo(3);
            assertThat(env.get("/v1/events/" + delivered).status()).isEqualTo(404);
        }
    }

    private double purged(String table) {
        var counter = registry.find("hub.retention.purged").tag("table", table).counter();
        return counter == null ? 0 : counter.count();
    }

    private boolean exists(String table, String column, String value) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table + " WHERE " + column + " = ?").param(value).query(Long.class).single() > 0;
    }

    private String event(String environment, Instant at) {
        String id = "evt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        jdbc.sql("INSERT INTO events (id, environment_id, source, type, envelope, created_at) VALUES (?, ?, ?, ?, ?, ?)")
                .params(id, environment, "configly", "connection.sync_failed", "{\"id\":\"" + id + "\"}", utc(at)).update();
        return id;
    }

    /** A pending one is held (no next attempt), so that the dispatcher leaves it alone. */
    private String delivery(String environment, String event, String subscription, String status, Instant at) {
        String id = UUID.randomUUID().toString();
        jdbc.sql("INSERT INTO deliveries (id, environment_id, event_id, subscription_id, status, attempts, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, 1, ?, ?)").params(id, environment, event, subscription, status, utc(at), utc(at)).update();
        return id;
    }

    private void attempt(String delivery, Instant at) {
        jdbc.sql("INSERT INTO delivery_attempts (delivery_id, attempted_at, status_code, latency_ms) VALUES (?, ?, 200, 5)")
                .params(delivery, utc(at)).update();
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
