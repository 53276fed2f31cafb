package dev.webhookhub.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/**
 * The SQL outbox route of routes/outbox.yaml against a producer's outbox table: rows become events and
 * deliveries, each marked processed in the same transaction; rows that do not map are marked failed with the
 * reason and polling goes on; a row read again makes nothing new.
 */
class OutboxRouteTest extends HubTest {

    @Autowired
    CamelContext camel;

    @AfterEach
    void stopRoute() throws Exception {
        camel.getRouteController().stopRoute("sql-outbox");
    }

    @Test
    void outboxRowsAreIngestedAndMarked() throws Exception {
        jdbc.sql("""
                CREATE TABLE IF NOT EXISTS hub_outbox (
                    id BIGINT PRIMARY KEY, source VARCHAR(100) NOT NULL, payload VARCHAR(100000) NOT NULL,
                    processed_at TIMESTAMP WITH TIME ZONE, failed_at TIMESTAMP WITH TIME ZONE, error VARCHAR(1000))""").update();
        try (var receiver = TestReceiver.start()) {
            subscribe(hub(), receiver.url("/outbox"), List.of("config.applied"));
            insert(1, "configly", apply("op-outbox-1"));
            insert(2, "configly", "{\"kind\":\"apply\"");
            insert(3, "configly", "{\"kind\":\"unknown\",\"connection\":\"c\"}");
            insert(4, "no-such-source", apply("op-outbox-4"));
            insert(5, "configly", apply("op-outbox-5"));

            camel.getRouteController().startRoute("sql-outbox");

            var received = awaitReceived(receiver, 2);
            assertThat(received).extracting(r -> r.body().contains("op-outbox-1") || r.body().contains("op-outbox-5")).containsOnly(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> count("hub_outbox WHERE processed_at IS NOT NULL OR failed_at IS NOT NULL") == 5);
            assertThat(jdbc.sql("SELECT id FROM hub_outbox WHERE processed_at IS NOT NULL ORDER BY id").query(Long.class).list())
                    .containsExactly(1L, 5L);
            assertThat(error(2)).contains("not JSON");
            assertThat(error(3)).contains("rawSchema");
            assertThat(error(4)).contains("no-such-source");

            // a row read again (e.g. marked back by hand) replays its event ids and creates nothing
            long events = count("events");
            jdbc.sql("UPDATE hub_outbox SET processed_at = NULL WHERE id = 1").update();
            await().atMost(Duration.ofSeconds(10)).until(() -> count("hub_outbox WHERE id = 1 AND processed_at IS NOT NULL") == 1);
            assertThat(count("events")).isEqualTo(events);
        }
    }

    private void insert(long id, String source, String payload) {
        jdbc.sql("INSERT INTO hub_outbox (id, source, payload) VALUES (?, ?, ?)").params(id, source, payload).update();
    }

    private String error(long id) {
        return jdbc.sql("SELECT error FROM hub_outbox WHERE id = ?").param(id).query(String.class).single();
    }

    private static String apply(String operation) {
        return "{\"kind\":\"apply\",\"connection\":\"c\",\"operation\":{\"id\":\"" + operation + "\",\"reason\":\"r\","
                + "\"preSnapshot\":\"1\",\"postSnapshot\":\"2\",\"changes\":[{\"target\":\"t\",\"ok\":true}]}}";
    }
}
