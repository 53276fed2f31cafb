package dev.webhookhub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import dev.webhookhub.mapping.MappingException;
import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Concurrent ingest requests share one transaction (IngestGroupCommit). The commit route is advised with two
 * test steps: one holds the only committer for a moment so that the requests behind it queue up and go as one
 * group, one fails the groups that hold chosen requests after their events are written. A failing request must not
 * take the others down, nor leave anything of its failed attempt behind: it ends up alone and answers as it would
 * have without company, and the others are still committed together.
 */
@TestPropertySource(properties = {"hub.ingest.group-commit.committers=1", "hub.ingest.group-commit.max-events=64",
        "hub.ingest.group-commit.max-wait=2s"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class IngestGroupCommitTest extends HubTest {

    private static final AtomicBoolean failedOnce = new AtomicBoolean();
    private static volatile long holdMillis;
    private static boolean advised;

    @Autowired
    CamelContext camel;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void adviseIngestRoute() throws Exception {
        if (advised) {
            return;
        }
        advised = true;
        AdviceWith.adviceWith(camel, "commit-ingest", route -> {
            route.weaveByToString(".*method:compareAndSet.*").before().process(IngestGroupCommitTest::holdIfAsked);
            route.weaveByToString(".*method:append.*").after().process(IngestGroupCommitTest::failIfAsked);
        });
    }

    private static void holdIfAsked(Exchange exchange) throws InterruptedException {
        if (raws(exchange).contains("hold-the-committer")) {
            Thread.sleep(holdMillis);
        }
    }

    private static void failIfAsked(Exchange exchange) {
        String raws = raws(exchange);
        if (raws.contains("fails-always")) {
            throw new MappingException("test", "injected failure after the events were written");
        }
        if (raws.contains("fails-once") && failedOnce.compareAndSet(false, true)) {
            throw new IllegalStateException("injected one-off failure after the events were written");
        }
    }

    private static String raws(Exchange exchange) {
        return String.valueOf(exchange.getMessage().getBody(CommitGroup.class).members().stream().map(IngestBatch::raws).toList());
    }

    @Test
    void aRequestThatFailsInASharedTransactionRunsAloneAndTheRestOfTheGroupIsCommitted() throws Exception {
        holdMillis = 700;
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start(); var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            subscribe(env, receiver.url("/hook"), List.of("connection.sync_completed"));
            double groupedBefore = joinedOthers();
            double aloneBefore = ranAlone();

            var held = CompletableFuture.supplyAsync(() -> env.post("/v1/ingest/configly", syncRun("hold-the-committer")), senders);
            Thread.sleep(250);
            List<CompletableFuture<HubClient.Response>> queued = new ArrayList<>();
            List<String> runs = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                runs.add("ok-" + i);
            }
            runs.add(12, "fails-once");
            runs.add(20, "fails-always");
            for (String run : runs) {
                queued.add(CompletableFuture.supplyAsync(() -> env.post("/v1/ingest/configly", syncRun(run)), senders));
            }

            assertThat(held.get().status()).isEqualTo(202);
            Set<String> acceptedIds = new HashSet<>(ids(held.get()));
            for (int i = 0; i < runs.size(); i++) {
                var response = queued.get(i).get();
                if (runs.get(i).equals("fails-always")) {
                    assertThat(response.status()).as(response.body()).isEqualTo(422);
                    assertThat(response.body()).contains("injected failure");
                } else {
                    assertThat(response.status()).as(runs.get(i) + ": " + response.body()).isEqualTo(202);
                    acceptedIds.addAll(ids(response));
                }
            }

            assertThat(acceptedIds).hasSize(32);
            String environmentId = jdbc.sql("SELECT environment_id FROM events WHERE id = ?")
                    .param(acceptedIds.iterator().next()).query(String.class).single();
            assertThat(jdbc.sql("SELECT id FROM events WHERE environment_id = ?").param(environmentId).query(String.class).set())
                    .as("exactly the acknowledged events: nothing of the failed attempts")
                    .isEqualTo(acceptedIds);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM deliveries WHERE environment_id = ?").param(environmentId)
                    .query(Long.class).single()).isEqualTo(32);
            assertThat(joinedOthers() - groupedBefore).as("requests that shared a transaction").isGreaterThanOrEqualTo(20);
            assertThat(ranAlone() - aloneBefore).as("the failing request ended up alone").isGreaterThanOrEqualTo(1);

            awaitReceived(receiver, 32);
            Thread.sleep(500);
            assertThat(receiver.received()).as("one delivery per acknowledged event, none for a rolled-back attempt")
                    .extracting(r -> r.header("webhook-id")).containsExactlyInAnyOrderElementsOf(acceptedIds);
        }
    }

    @Test
    void aRequestThatNoCommitterTakesWithinMaxWaitIsTurnedAwayWithNothingStored() throws Exception {
        holdMillis = 4_000;
        HubClient env = newEnvironment();
        try (var senders = Executors.newVirtualThreadPerTaskExecutor()) {
            double before = meters.find("hub.ingest.group.turned.away").counter().count();
            var held = CompletableFuture.supplyAsync(() -> env.post("/v1/ingest/configly", syncRun("hold-the-committer")), senders);
            Thread.sleep(250);
            List<CompletableFuture<HubClient.Response>> queued = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String run = "waits-" + i;
                queued.add(CompletableFuture.supplyAsync(() -> env.post("/v1/ingest/configly", syncRun(run)), senders));
            }
            for (var response : queued) {
                assertThat(response.get().status()).as(response.get().body()).isEqualTo(503);
                assertThat(response.get().headers().get("retry-after")).containsExactly("1");
                assertThat(response.get().body()).contains("nothing was stored");
            }
            assertThat(held.get().status()).isEqualTo(202);
            String environmentId = jdbc.sql("SELECT environment_id FROM events WHERE id = ?")
                    .param(ids(held.get()).get(0)).query(String.class).single();
            assertThat(jdbc.sql("SELECT COUNT(*) FROM events WHERE environment_id = ?").param(environmentId)
                    .query(Long.class).single()).as("only the held request's event").isEqualTo(1);
            assertThat(meters.find("hub.ingest.group.turned.away").counter().count() - before).isEqualTo(5);
        }
    }

    /** Requests committed in a transaction that another request's commit paid for. */
    private double joinedOthers() {
        var summary = meters.find("hub.ingest.group.requests").summary();
        return summary == null ? 0 : summary.totalAmount() - summary.count();
    }

    private double ranAlone() {
        var counter = meters.find("hub.ingest.group.ran.alone").counter();
        return counter == null ? 0 : counter.count();
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids(HubClient.Response response) {
        return (List<String>) response.json().get("event_ids");
    }

    private static String syncRun(String run) {
        return HubClient.json(Map.of("kind", "sync_run", "connection", "c1", "run", Map.of("id", run, "status", "completed",
                "snapshot", 1, "total", 10, "ok", 10, "failed", 0, "startedAt", "2026-04-15T14:30:00.000Z",
                "finishedAt", "2026-04-15T14:30:04.250Z")));
    }
}
