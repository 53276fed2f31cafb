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
 * reports of a connection both reading "no previous report") would show fewer. Under this much contention a
 * request may also be refused with a retryable 503 (a lock wait ran out; nothing stored): the count is then
 * taken over the accepted reports.
 */
class ConcurrentStateTest extends HubTest {

    @Test
    void concurrentRawEventsForOneKeyAreMappedOneAfterTheOther() throws Exception {
        HubClient env = newEnvironment();
        int connections = 10;
        int reports = 120;
        List<Callable<Integer>> pushes = new ArrayList<>();
        List<Integer> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < reports; i++) {
            String raw = "{\"kind\":\"health_report\",\"connection\":\"contended-" + (i % connections)
                    + "\",\"report\":{\"id\":\"rep_" + i + "\",\"score\":" + i + ",\"findings\":[]}}";
            int connection = i % connections;
            pushes.add(() -> {
                int status = env.post("/v1/ingest/configly", raw).status();
                if (status == 202) {
                    accepted.add(connection);
                }
                return status;
            });
        }
        try (var pool = Executors.newFixedThreadPool(16)) {
            for (var result : pool.invokeAll(pushes)) {
                assertThat(result.get()).isIn(202, 503);
            }
        }
        assertThat(accepted.size()).as("accepted reports").isGreaterThanOrEqualTo(reports * 3 / 4);
        long connectionsWithReports = accepted.stream().distinct().count();
        var environmentId = jdbc.sql("SELECT DISTINCT environment_id FROM events WHERE envelope LIKE '%\"connectionId\":\"contended-%'")
                .query(String.class).list();
        assertThat(environmentId).hasSize(1);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM events WHERE environment_id = ? AND type = 'health_check.completed'")
                .param(environmentId.get(0)).query(Long.class).single()).isEqualTo(accepted.size());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM events WHERE environment_id = ? AND type = 'health_check.score_changed'")
                .param(environmentId.get(0)).query(Long.class).single()).isEqualTo(accepted.size() - connectionsWithReports);
    }
}
