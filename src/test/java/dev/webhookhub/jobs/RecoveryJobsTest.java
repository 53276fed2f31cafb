package dev.webhookhub.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;

/**
 * Bulk recovery: a webhook's failed/dead deliveries, by time range, status and event type, sent again by a job with
 * progress, page by page; cancellable, with exactly the pages done before the cancel applied.
 */
class RecoveryJobsTest extends HubTest {

    private static final String FAILED = "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"%s\",\"status\":\"failed\",\"error\":\"e\"}}";
    private static final String COMPLETED = "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"%s\",\"status\":\"completed\","
            + "\"snapshot\":1,\"total\":1,\"ok\":1,\"failed\":0,\"startedAt\":\"2026-04-15T14:30:00.000Z\",\"finishedAt\":\"2026-04-15T14:30:01.000Z\"}}";

    @Autowired
    JdbcTemplate template;

    @Test
    @SuppressWarnings("unchecked")
    void deadDeliveriesOfOneTypeAreSentAgainByAJobWithProgress() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            receiver.byDefault(Reply.status(500));
            String since = Instant.now().minusSeconds(5).toString();
            // one durable retry: each delivery is dead after two rounds (the circuit opens on the way, which delays a few)
            String webhook = (String) env.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/r"),
                    "events", List.of("connection.sync_failed", "connection.sync_completed"), "retry_schedule", List.of("1s"))))
                    .json().get("id");
            for (int i = 0; i < 2; i++) {
                ingest(env, "configly", FAILED.formatted("f-" + i));
            }
            ingest(env, "configly", COMPLETED.formatted("c-0"));
            await().atMost(Duration.ofSeconds(40)).until(() -> ((List<?>) env.get("/v1/webhooks/" + webhook
                    + "/deliveries?status=dead").json().get("data")).size() == 3);

            String body = HubClient.json(Map.of("since", since, "statuses", List.of("dead"),
                    "event_types", List.of("connection.sync_failed")));
            assertThat(env.post("/v1/webhooks/" + webhook + "/recover/preview", body).json()).containsEntry("matched", 2);
            assertThat(env.post("/v1/webhooks/" + webhook + "/recover/preview", HubClient.json(Map.of("since",
                    Instant.now().plusSeconds(-1).toString()))).json()).containsEntry("matched", 0);

            receiver.byDefault(Reply.status(200));
            int before = receiver.received().size();
            var started = env.post("/v1/webhooks/" + webhook + "/recover", body);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            assertThat(started.json()).containsEntry("total", 2);
            String job = (String) started.json().get("job_id");

            await().atMost(Duration.ofSeconds(20)).until(() -> "done".equals(env.get("/v1/jobs/" + job).json().get("status")));
            var done = env.get("/v1/jobs/" + job).json();
            assertThat(done).containsEntry("kind", "recover").containsEntry("webhook_id", webhook)
                    .containsEntry("total", 2).containsEntry("processed", 2).containsKey("finished_at");
            assertThat((Map<String, Object>) done.get("filter")).containsEntry("statuses", List.of("dead"))
                    .containsEntry("event_types", List.of("connection.sync_failed"));
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() >= before + 2);
            await().atMost(Duration.ofSeconds(10)).until(() -> ((List<?>) env.get("/v1/webhooks/" + webhook
                    + "/deliveries?status=delivered").json().get("data")).size() == 2);
            Thread.sleep(300);
            assertThat(receiver.received().subList(before, receiver.received().size()))
                    .allSatisfy(r -> assertThat(r.body()).contains("connection.sync_failed")).hasSize(2);
            var stillDead = (List<Map<String, Object>>) env.get("/v1/webhooks/" + webhook + "/deliveries?status=dead")
                    .json().get("data");
            assertThat(stillDead).hasSize(1).allSatisfy(d -> assertThat(d).containsEntry("event_type", "connection.sync_completed"));
            assertThat(env.post("/v1/jobs/" + job + "/cancel", "").status()).as("finished").isEqualTo(409);
            assertThat(env.get("/v1/jobs").body()).contains(job);
        }
    }

    @Test
    void aCancelledJobStopsAfterThePageUnderWayAndKeepsWhatItDid() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            var created = subscribe(env, receiver.url("/paused"), List.of("connection.sync_failed"));
            String webhook = (String) created.get("id");
            String environment = (String) created.get("environment_id");
            // paused: what the job makes due is held rather than sent, so the count of pending rows is what it did
            env.patch("/v1/webhooks/" + webhook, "{\"paused\": true}");
            int rows = 20_000;
            deadDeliveries(environment, webhook, rows);

            var started = env.post("/v1/webhooks/" + webhook + "/recover",
                    HubClient.json(Map.of("since", Instant.now().minusSeconds(3600).toString())));
            assertThat(started.json()).containsEntry("total", rows);
            String job = (String) started.json().get("job_id");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                    .until(() -> ((Number) env.get("/v1/jobs/" + job).json().get("processed")).intValue() > 0);
            var cancelled = env.post("/v1/jobs/" + job + "/cancel", "");
            assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
            assertThat(cancelled.json()).containsEntry("status", "cancelled");
            Thread.sleep(1500);

            var after = env.get("/v1/jobs/" + job).json();
            long processed = ((Number) after.get("processed")).longValue();
            assertThat(after).containsEntry("status", "cancelled");
            assertThat(processed).isPositive().isLessThan(rows);
            long pending = jdbc.sql("SELECT COUNT(*) FROM deliveries WHERE subscription_id = ? AND status = 'pending'")
                    .param(webhook).query(Long.class).single();
            assertThat(pending).as("every page recorded, none after the cancel").isEqualTo(processed);
        }
    }

    @Test
    void aRecoveryAsksForWhatItNeeds() {
        HubClient env = newEnvironment();
        String webhook = (String) subscribe(env, "https://example.com/r", List.of("connection.sync_failed")).get("id");
        String since = Instant.now().minusSeconds(60).toString();
        for (String bad : List.of("{}", "{\"since\": \"yesterday\"}", "{\"since\": \"" + since + "\", \"statuses\": [\"delivered\"]}",
                "{\"since\": \"" + since + "\", \"event_types\": [\"no.such.type\"]}",
                "{\"since\": \"" + since + "\", \"until\": \"" + Instant.now().minusSeconds(3600) + "\"}")) {
            var refused = env.post("/v1/webhooks/" + webhook + "/recover", bad);
            assertThat(refused.status()).as(bad + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.contentType()).contains("problem+json");
        }
        assertThat(env.post("/v1/webhooks/nope/recover", "{\"since\": \"" + since + "\"}").status()).isEqualTo(404);
        assertThat(env.get("/v1/jobs/nope").status()).isEqualTo(404);
        env.patch("/v1/webhooks/" + webhook, "{\"is_active\": false}");
        assertThat(env.post("/v1/webhooks/" + webhook + "/recover", "{\"since\": \"" + since + "\"}").status()).isEqualTo(409);
    }

    /** Rows straight into the store: thousands of dead deliveries without thousands of failing attempts first. */
    private void deadDeliveries(String environment, String webhook, int count) {
        Instant at = Instant.now().minusSeconds(60);
        List<Object[]> events = new ArrayList<>();
        List<Object[]> deliveries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String event = "evt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            var created = at.plusMillis(i).atOffset(ZoneOffset.UTC);
            events.add(new Object[] {event, environment, "configly", "connection.sync_failed", "{}", created});
            deliveries.add(new Object[] {UUID.randomUUID().toString(), environment, event, webhook, created, created});
        }
        template.batchUpdate("INSERT INTO events (id, environment_id, source, type, envelope, created_at) VALUES (?, ?, ?, ?, ?, ?)", events);
        template.batchUpdate("INSERT INTO deliveries (id, environment_id, event_id, subscription_id, status, attempts, created_at,"
                + " updated_at) VALUES (?, ?, ?, ?, 'dead', 3, ?, ?)", deliveries);
    }
}
