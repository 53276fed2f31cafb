package dev.webhookhub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;

/**
 * Per-key mapping state under concurrency: many health reports for a few connections at once, each score
 * different. Mapped one after the other, every report of a connection but its first sees a previous one with
 * another score, so there must be exactly reports - connections score changes; a lost update (two first
 * reports of a connection both reading "no previous report") would show fewer.
 */
class ConcurrentStateTest extends HubTest {

    @Test
    void concurrentRawEventsForOneKeyAreMappedOneAfterTheOther() throws Exception {
        HubClient env = newEnvironment();
        int connections = 10;
        int reports = 120;
        List<Callable<Integer>> pushes = new ArrayList<>();
        for (int i = 0; i < reports; i++) {
            String raw = "{\"kind\":\"health_report\",\"connection\":\"contended-" + (i % connections)
                    + "\",\"report\":{\"id\":\"rep_" + i + "\",\"score\":" + i + ",\"findings\":[]}}";
            pushes.add(() -> env.post("/v1/ingest/configly", raw).status());
        }
        try (var pool = Executors.newFixedThreadPool(16)) {
            for (var result : pool.invokeAll(pushes)) {
                assertThat(result.get()).isEqualTo(202);
            }
        }
        var environmentId = jdbc.sql("SELECT environment_id FROM events WHERE envelope LIKE '%rep_0%' AND type = 'health_check.completed'")
                .query(String.class).list();
        assertThat(environmentId).hasSize(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM events WHERE environment_id = ? AND type = 'health_check.completed'")
                .param(environmentId.get(0)).query(Long.class).single()).isEqualTo(reports);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM events WHERE environment_id = ? AND type = 'health_check.score_changed'")
                .param(environmentId.get(0)).query(Long.class).single()).isEqualTo(reports - connections);
    }
}
