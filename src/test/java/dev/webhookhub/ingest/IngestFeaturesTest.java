package dev.webhookhub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.webhookhub.store.IdempotencyRepository;
import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import io.micrometer.core.instrument.MeterRegistry;

/** Preview, batches, Idempotency-Key and dedupKey through the HTTP API. */
class IngestFeaturesTest extends HubTest {

    private static final String REPORT = """
            {"kind":"health_report","connection":"%s","report":{"id":"%s","score":%d,"findings":[]}}""";

    @Autowired
    MeterRegistry registry;

    @Autowired
    IdempotencyRepository idempotency;

    @Autowired
    IngestAdmission admission;

    @Autowired
    dev.webhookhub.HubProperties properties;

    @Test
    void aHubWorkingOnAllTheRequestsItTakesAnswers503WithRetryAfterAndStoresNothing() throws Exception {
        HubClient env = newEnvironment();
        String raw = "{\"kind\":\"sync_run\",\"connection\":\"adm\",\"run\":{\"id\":\"adm-1\",\"status\":\"failed\",\"error\":\"e\"}}";
        int permits = properties.ingest().admission().maxRequests();
        var release = new java.util.concurrent.CountDownLatch(1);
        var held = new java.util.concurrent.CountDownLatch(permits);
        long events = count("events");
        try (var holders = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            // every permit taken by a request that does not finish, as a hub busy with slow commits would be
            for (int i = 0; i < permits; i++) {
                holders.execute(() -> admission.admitted(() -> {
                    held.countDown();
                    try {
                        return release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            held.await();
            var refused = env.post("/v1/ingest/configly", raw);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.contentType()).isEqualTo("application/problem+json");
            assertThat((String) refused.json().get("detail")).contains("hub.ingest.admission.max-requests");
            assertThat(refused.headers().entrySet()).anySatisfy(h -> {
                assertThat(h.getKey()).isEqualToIgnoringCase("Retry-After");
                assertThat(h.getValue()).containsExactly("1");
            });
            assertThat(count("events")).as("nothing stored").isEqualTo(events);
            release.countDown();
        }
        assertThat(ingest(env, "configly", raw)).as("admitted again once the permits are back").hasSize(1);
    }

    @Test
    void previewShowsTheEnvelopesAndStoresNothing() {
        HubClient env = newEnvironment();
        long events = count("events");
        long state = count("mapping_state");

        var preview = env.post("/v1/sources/configly/preview", REPORT.formatted("p1", "rep_1", 50));

        assertThat(preview.status()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        var envelopes = (List<Map<String, Object>>) preview.json().get("events");
        assertThat(envelopes).extracting(e -> e.get("type")).containsExactly("health_check.completed");
        assertThat(envelopes.get(0).get("connectionId")).isEqualTo("p1");
        assertThat(count("events")).isEqualTo(events);
        assertThat(count("mapping_state")).isEqualTo(state);
        // nothing was saved: the real first report still has no previous score
        assertThat(ingest(env, "configly", REPORT.formatted("p1", "rep_2", 60))).hasSize(1);

        var refused = env.post("/v1/sources/configly/preview", "{\"kind\":\"sync_run\",\"connection\":\"p1\",\"run\":{\"id\":\"r\","
                + "\"status\":\"completed\",\"snapshot\":\"x\",\"total\":1,\"ok\":1,\"failed\":0,"
                + "\"startedAt\":\"2026-01-01T00:00:00Z\",\"finishedAt\":\"2026-01-01T00:00:01Z\"}}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.json().get("rule")).isEqualTo("events[connection.sync_completed].schema");
        assertThat(String.valueOf(refused.json().get("errors"))).contains("$.snapshotVersion");
        assertThat(env.post("/v1/sources/nope/preview", "{}").status()).isEqualTo(404);
    }

    @Test
    void aBatchIsMappedInOrderWithStateCarriedBetweenItsItems() {
        HubClient env = newEnvironment();
        var response = env.post("/v1/ingest/configly/batch", "[" + REPORT.formatted("b1", "rep_1", 50) + ","
                + REPORT.formatted("b1", "rep_2", 70) + "]");
        assertThat(response.status()).isEqualTo(202);
        assertThat((List<?>) response.json().get("event_ids")).as("completed; completed + score_changed").hasSize(3);
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheOriginalIdsAndCreatesNothing() {
        HubClient env = newEnvironment();
        var first = env.post("/v1/ingest/configly", REPORT.formatted("i1", "rep_1", 50), Map.of("Idempotency-Key", "k-1"));
        long events = count("events");
        var again = env.post("/v1/ingest/configly", REPORT.formatted("i1", "rep_9", 99), Map.of("Idempotency-Key", "k-1"));

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("event_ids")).isEqualTo(first.json().get("event_ids"));
        assertThat(count("events")).isEqualTo(events);
        // another environment's identical key is its own
        var elsewhere = newEnvironment().post("/v1/ingest/configly", REPORT.formatted("i1", "rep_1", 50),
                Map.of("Idempotency-Key", "k-1"));
        assertThat(elsewhere.json().get("event_ids")).isNotEqualTo(first.json().get("event_ids"));
    }

    @Test
    void theMappingsDedupKeyMakesARepeatedRawEventANoOp() {
        HubClient env = newEnvironment();
        var first = ingest(env, "configly", REPORT.formatted("d1", "rep_1", 50));
        long events = count("events");

        var repeated = ingest(env, "configly", REPORT.formatted("d1", "rep_1", 50));
        assertThat(repeated).isEqualTo(first);
        assertThat(count("events")).isEqualTo(events);

        var batch = env.post("/v1/ingest/configly/batch", "[" + REPORT.formatted("d1", "rep_2", 60) + ","
                + REPORT.formatted("d1", "rep_2", 60) + "]").json();
        @SuppressWarnings("unchecked")
        var ids = (List<String>) batch.get("event_ids");
        assertThat(ids).as("completed + score_changed, then the same two again").hasSize(4);
        assertThat(ids.subList(2, 4)).isEqualTo(ids.subList(0, 2));
        assertThat(count("events")).isEqualTo(events + 2);
    }

    @Test
    void anExpiredKeyIsIngestedAgainAndThenRemembered() {
        HubClient env = newEnvironment();
        var first = env.post("/v1/ingest/configly", REPORT.formatted("exp-1", "rep_1", 50), Map.of("Idempotency-Key", "k-expired"));
        List<String> dedupFirst = ingest(env, "configly", REPORT.formatted("exp-2", "rep_1", 50));
        // both keys now older than hub.ingest.idempotency-retention (24 h)
        jdbc.sql("UPDATE idempotency_keys SET created_at = ? WHERE idem_key IN ('request:k-expired', ?)")
                .params(java.sql.Timestamp.from(java.time.Instant.now().minus(java.time.Duration.ofHours(25))),
                        "raw:health_report/exp-2/rep_1")
                .update();
        long events = count("events");

        var second = env.post("/v1/ingest/configly", REPORT.formatted("exp-1", "rep_2", 60), Map.of("Idempotency-Key", "k-expired"));
        List<String> dedupSecond = ingest(env, "configly", REPORT.formatted("exp-2", "rep_1", 50));

        assertThat(second.status()).isEqualTo(202);
        assertThat(second.json().get("event_ids")).isNotEqualTo(first.json().get("event_ids"));
        assertThat(dedupSecond).isNotEmpty().doesNotContainAnyElementsOf(dedupFirst);
        assertThat(count("events")).isGreaterThan(events);
        // the keys are remembered again, with the new ids
        var third = env.post("/v1/ingest/configly", REPORT.formatted("exp-1", "rep_9", 99), Map.of("Idempotency-Key", "k-expired"));
        assertThat(third.json().get("event_ids")).isEqualTo(second.json().get("event_ids"));
        assertThat(ingest(env, "configly", REPORT.formatted("exp-2", "rep_1", 50))).isEqualTo(dedupSecond);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key IN ('request:k-expired', 'raw:health_report/exp-2/rep_1')")
                .query(Long.class).single()).isEqualTo(2);
    }

    @Test
    void aDedupKeyAnotherHubStoredIsAnsweredWithItsIdsThoughThisHubsFilterNeverSawIt() {
        HubClient env = newEnvironment();
        List<String> original = ingest(env, "configly", REPORT.formatted("o1", "rep_1", 50));
        String environmentId = environmentOf(original.getFirst());
        idempotency.loadKnownKeys();
        // what a second hub on the same store leaves behind: the key of a raw event this hub has not ingested
        storeKey(environmentId, "raw:health_report/o1/rep_2", original);
        long events = count("events");
        double mappedAgain = mappedAgain();

        assertThat(ingest(env, "configly", REPORT.formatted("o1", "rep_2", 70))).isEqualTo(original);
        assertThat(count("events")).isEqualTo(events);
        assertThat(mappedAgain()).as("the commit found the key taken; mapped again, it was looked up")
                .isEqualTo(mappedAgain + 1);

        // the claim taught the filter the key: the next repeat is looked up at once
        assertThat(ingest(env, "configly", REPORT.formatted("o1", "rep_2", 70))).isEqualTo(original);
        assertThat(mappedAgain()).isEqualTo(mappedAgain + 1);
        // the raw event set aside did not move the state: a next report of rep_1's score 50 changes no score
        assertThat(ingest(env, "configly", REPORT.formatted("o1", "rep_3", 50))).as("completed only").hasSize(1);
    }

    @Test
    void keysInTheStoreWhenTheFilterIsReadAreLookedUpBeforeTheCommit() {
        HubClient env = newEnvironment();
        List<String> original = ingest(env, "configly", REPORT.formatted("l1", "rep_1", 50));
        storeKey(environmentOf(original.getFirst()), "request:loaded-key", original);
        idempotency.loadKnownKeys();
        double mappedAgain = mappedAgain();

        var again = env.post("/v1/ingest/configly", REPORT.formatted("l1", "rep_2", 60),
                Map.of("Idempotency-Key", "loaded-key"));

        assertThat(again.json().get("event_ids")).isEqualTo(original);
        assertThat(mappedAgain()).isEqualTo(mappedAgain);
    }

    private String environmentOf(String eventId) {
        return jdbc.sql("SELECT environment_id FROM events WHERE id = ?").param(eventId).query(String.class).single();
    }

    private void storeKey(String environmentId, String key, List<String> eventIds) {
        jdbc.sql("INSERT INTO idempotency_keys (environment_id, source, idem_key, event_ids, created_at)"
                        + " VALUES (?, 'configly', ?, ?, ?)")
                .params(environmentId, key, HubClient.json(eventIds), java.sql.Timestamp.from(java.time.Instant.now()))
                .update();
    }

    private double mappedAgain() {
        return registry.counter("hub.ingest.mapped.again").count();
    }
}
