package dev.webhookhub.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Subscription filters written to hurt: endless tail recursion, deep recursion, a range of ten million, a string of a
 * hundred million characters. Unconditionally hostile ones are refused when saved (they are tried on the example
 * envelopes of their types); ones that turn hostile only on some events are saved, stopped at their bounds when
 * such an event comes, and then run on a tenth of their time for a while. Either way the event is accepted (202),
 * the webhook just does not get it, the skip shows on the webhook, and another tenant's ingest never waits for it.
 */
@TestPropertySource(properties = "hub.jsonata.filter.timeout=1s")
class HostileFiltersTest extends HubTest {

    private static final List<String> HOSTILE = List.of(
            "($f:=function($n){$f($n+1)};$f(0))",
            "($f:=function($n){$n=0?0:1+$f($n-1)};$f(100000)) > 0",
            "$count([1..10000000].($ * 2)) > 0",
            "$length($pad('', 100000000)) > 0");

    @Autowired
    MeterRegistry meters;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void aFilterThatCannotFinishOnItsOwnTypesIsRefusedWhenSaved(int which) {
        HubClient env = newEnvironment();
        var response = env.post("/v1/webhooks", HubClient.json(Map.of("url", "http://127.0.0.1:9/x",
                "events", List.of("connection.sync_failed"), "filter", HOSTILE.get(which))));
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat((String) response.json().get("detail")).contains("JSONata evaluation stopped").contains("example envelope");
    }

    @Test
    void aFilterThatTurnsHostileOnSomeEventsSkipsItsWebhookForThemAndDelaysNobodyElse() throws Exception {
        HubClient evil = newEnvironment();
        HubClient other = newEnvironment();
        try (var evilReceiver = TestReceiver.start(); var otherReceiver = TestReceiver.start();
                var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            List<String> webhooks = new ArrayList<>();
            for (String hostile : HOSTILE) {
                var created = evil.post("/v1/webhooks", HubClient.json(Map.of("url", evilReceiver.url("/evil"),
                        "events", List.of("connection.sync_failed"),
                        "filter", "connectionId = 'trigger' ? " + hostile + " : true")));
                assertThat(created.status()).as(created.body()).isEqualTo(201);
                webhooks.add((String) created.json().get("id"));
            }
            subscribe(other, otherReceiver.url("/other"), List.of("connection.sync_failed"));
            double stoppedBefore = filterErrors("bounds");
            for (int i = 0; i < 20; i++) {
                ingest(other, "configly", syncFailed("warm-up"));
            }

            long[] evilDoneAt = new long[1];
            var triggered = CompletableFuture.supplyAsync(() -> {
                var response = evil.post("/v1/ingest/configly", syncFailed("trigger"));
                evilDoneAt[0] = System.nanoTime();
                return response;
            }, senders);
            Thread.sleep(20);
            List<CompletableFuture<Long>> others = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                String raw = syncFailed("c" + i);
                others.add(CompletableFuture.supplyAsync(() -> {
                    assertThat(other.post("/v1/ingest/configly", raw).status()).isEqualTo(202);
                    return System.nanoTime();
                }, senders));
            }
            List<Long> otherDone = others.stream().map(CompletableFuture::join).sorted().toList();
            var first = triggered.get();
            long evilDone = evilDoneAt[0];
            assertThat(first.status()).as(first.body()).isEqualTo(202);
            assertThat(otherDone).as("the other tenant's requests never waited for the hostile filters").allSatisfy(
                    done -> assertThat(done).isLessThan(evilDone));

            // on probation: the same event again is stopped sooner, and one the filters decide on at once goes through
            long started = System.nanoTime();
            assertThat(evil.post("/v1/ingest/configly", syncFailed("trigger")).status()).isEqualTo(202);
            long probationMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(evil.post("/v1/ingest/configly", syncFailed("harmless")).status()).isEqualTo(202);

            awaitReceived(otherReceiver, 30);
            await().atMost(Duration.ofSeconds(10)).until(() -> evilReceiver.received().size() >= HOSTILE.size());
            Thread.sleep(300);
            assertThat(evilReceiver.received()).as("only the harmless event, once per webhook").hasSize(HOSTILE.size())
                    .allSatisfy(r -> assertThat(r.body()).contains("\"connectionId\":\"harmless\""));
            assertThat(filterErrors("bounds") - stoppedBefore).isEqualTo(2 * HOSTILE.size());

            await().atMost(Duration.ofSeconds(15)).until(() -> webhooks.stream()
                    .allMatch(id -> Long.valueOf(2).equals(errors(evil, id))));
            for (String id : webhooks) {
                var webhook = evil.get("/v1/webhooks/" + id).json();
                assertThat((String) webhook.get("last_filter_error")).startsWith("on probation (a tenth of its time): ")
                        .containsAnyOf("ran longer than", "nested deeper than", "more than");
                assertThat((String) webhook.get("last_filter_error_at")).endsWith("Z");
            }
            System.out.printf("hostile filters: the other tenant's 10 requests were done %d ms before the first triggering"
                    + " one; triggering again on probation took %d ms%n", (evilDone - otherDone.getLast()) / 1_000_000,
                    probationMillis);
        }
    }

    private static Long errors(HubClient env, String webhookId) {
        Object count = env.get("/v1/webhooks/" + webhookId).json().get("filter_errors");
        return count == null ? null : ((Number) count).longValue();
    }

    private double filterErrors(String reason) {
        var counter = meters.find("hub.filter.errors").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A distinct run each time: the same one twice is deduplicated by the mapping's dedupKey. */
    private static String syncFailed(String connection) {
        return "{\"kind\":\"sync_run\",\"connection\":\"" + connection + "\",\"run\":{\"id\":\"" + java.util.UUID.randomUUID()
                + "\",\"status\":\"failed\",\"error\":\"e\"}}";
    }
}
