package dev.webhookhub.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.ProjectFiles;
import dev.webhookhub.support.TestReceiver;

/**
 * A hub serving a temporary copy of mappings/: edits, new files, broken files and removals take effect
 * without a restart; a broken file is reported and its previous version keeps serving. Also runs the
 * docs/ADD-A-SOURCE.md example: dropped in as a sixth source, it ingests and delivers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotReloadTest extends HubTest {

    /** Filled before the hub starts, which reads it once at start and then on every change. */
    private static final Path mappings = ProjectFiles.copyOf("mappings");

    @DynamicPropertySource
    static void mappingsDir(DynamicPropertyRegistry registry) {
        registry.add("hub.mappings.dir", mappings::toString);
        registry.add("hub.mappings.reload-interval", () -> "200ms");
    }

    private static final String SYNC_FAILED = "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"%s\",\"status\":\"failed\",\"error\":\"boom\"}}";

    @Test
    @Order(1)
    void anEditedMappingTakesEffectWithoutRestart() throws Exception {
        HubClient env = newEnvironment();
        Path file = mappings.resolve("configly.yaml");
        String original = Files.readString(file);
        try {
            Files.writeString(file, original.replace("{ \"error\": $exists(run.error) ? run.error : error }",
                    "{ \"error\": \"sync failed: \" & run.error }"));
            assertThat(Files.readString(file)).contains("sync failed: ");
            await().atMost(Duration.ofSeconds(10)).until(() -> previewError(env, "r1").equals("sync failed: boom"));
        } finally {
            Files.writeString(file, original);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> previewError(env, "r2").equals("boom"));
    }

    @Test
    @Order(2)
    void aBrokenFileIsReportedAndThePreviousVersionKeepsServing() throws Exception {
        HubClient env = newEnvironment();
        Path file = mappings.resolve("configly.yaml");
        String original = Files.readString(file);
        try {
            Files.writeString(file, original.replace("when: kind = \"sync_run\" and run.status = \"failed\"",
                    "when: kind = \"sync_run\" and (run.status = \"failed\""));
            await().atMost(Duration.ofSeconds(10)).until(() -> !errors(env).isEmpty());
            String reported = errors(env).toString();
            assertThat(reported).contains("configly.yaml:").contains("events.1.when").contains("JSONata syntax error")
                    .as("file names only, not where the server keeps them").doesNotContain(mappings.toString());
            assertThat(previewError(env, "r3")).as("the previous configly mapping still serves").isEqualTo("boom");
            assertThat(ingest(env, "configly", SYNC_FAILED.formatted("r3"))).hasSize(1);
        } finally {
            Files.writeString(file, original);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> errors(env).isEmpty());
    }

    @Test
    @Order(3)
    void theAddASourceExampleIsServedOnceItsFileIsDroppedIn() throws Exception {
        HubClient env = newEnvironment();
        assertThat(env.post("/v1/ingest/payments", "{}").status()).isEqualTo(404);
        ProjectFiles.copyTree(Path.of("docs/examples/mappings"), mappings);
        await().atMost(Duration.ofSeconds(10)).until(() -> env.get("/v1/event-types").body().contains("payment.refunded"));

        try (var receiver = TestReceiver.start()) {
            String secret = (String) subscribe(env, receiver.url("/payments"), List.of("payment.succeeded", "payment.failed")).get("secret");
            var ids = ingest(env, "payments", """
                    {"event":"charge_succeeded","at":"2026-05-02T10:00:00Z","charge":{"id":"ch_1","amount":1999,"currency":"eur","customer":"cus_9"}}""");
            var delivery = awaitReceived(receiver, 1).get(0);
            delivery.verify(secret);
            assertThat(delivery.header("webhook-id")).isEqualTo(ids.get(0));
            assertThat(delivery.body()).isEqualTo("{\"id\":\"" + ids.get(0) + "\",\"type\":\"payment.succeeded\","
                    + "\"created_at\":\"2026-05-02T10:00:00.000Z\",\"data\":{\"charge_id\":\"ch_1\",\"amount\":1999,"
                    + "\"currency\":\"EUR\",\"customer_id\":\"cus_9\"}}");
            assertThat(ingest(env, "payments", """
                    {"event":"charge_succeeded","charge":{"id":"ch_1","amount":1999,"currency":"eur"}}""")).as("dedupKey").isEqualTo(ids);
        }
        GoldenSamplesTest.run(mappings.resolve("payments/samples/charges.yaml"));
        String tutorial = Files.readString(Path.of("docs/ADD-A-SOURCE.md"));
        assertThat(tutorial).as("docs/ADD-A-SOURCE.md shows the example files as they are")
                .contains(Files.readString(Path.of("docs/examples/mappings/payments.yaml")))
                .contains(Files.readString(Path.of("docs/examples/mappings/payments/samples/charges.yaml")));
    }

    @Test
    @Order(4)
    void twoSourcesDeclaringOneTypeAreRefusedNamingBothFiles() throws Exception {
        HubClient env = newEnvironment();
        Path clash = mappings.resolve("zz-clash.yaml");
        Files.writeString(clash, """
                source: zz-clash
                envelope: '{"id": $id}'
                events:
                  - type: ping
                    data: '{}'
                    schema: {type: object}
                """);
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> errors(env).toString().contains("zz-clash.yaml"));
            assertThat(errors(env).toString()).contains("'ping'").contains("synq.yaml");
            assertThat(env.post("/v1/ingest/zz-clash", "{}").status()).isEqualTo(404);
        } finally {
            Files.delete(clash);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> errors(env).isEmpty());
    }

    @Test
    @Order(5)
    void aRemovedMappingStopsServing() throws Exception {
        HubClient env = newEnvironment();
        Path payments = mappings.resolve("payments.yaml");
        if (!Files.exists(payments)) {
            ProjectFiles.copyTree(Path.of("docs/examples/mappings"), mappings);
            await().atMost(Duration.ofSeconds(10)).until(() -> env.get("/v1/event-types").body().contains("payment.failed"));
        }
        Files.delete(payments);
        await().atMost(Duration.ofSeconds(10)).until(() -> env.post("/v1/ingest/payments", "{}").status() == 404);
        assertThat(env.get("/v1/event-types").body()).doesNotContain("payment.failed");
    }

    @Test
    @Order(6)
    void aBreakingSchemaChangeIsRefusedUntilItsVersionIsRaisedAndThenBothVersionsAreListed() throws Exception {
        HubClient env = newEnvironment();
        Path file = mappings.resolve("configly.yaml");
        String original = Files.readString(file);
        String renamed = original.replace("\"durationMs\": $toMillis", "\"durationMillis\": $toMillis")
                .replace("required: [snapshotVersion, totalCount, successCount, failureCount, durationMs]",
                        "required: [snapshotVersion, totalCount, successCount, failureCount, durationMillis]")
                .replace("        durationMs: {type: number}", "        durationMillis: {type: number}");
        assertThat(renamed).isNotEqualTo(original);

        Files.writeString(file, renamed);
        await().atMost(Duration.ofSeconds(10)).until(() -> errors(env).toString().contains("breaking change"));
        assertThat(errors(env).toString()).contains("configly.yaml: connection.sync_completed")
                .contains("required field 'durationMs' removed").contains("version: 2");
        assertThat(previewSyncCompleted(env)).as("the published version keeps serving").containsKey("durationMs");

        Files.writeString(file, renamed.replace("    when: kind = \"sync_run\" and run.status = \"completed\"",
                "    version: 2\n    when: kind = \"sync_run\" and run.status = \"completed\""));
        await().atMost(Duration.ofSeconds(10)).until(() -> errors(env).isEmpty());
        assertThat(previewSyncCompleted(env)).containsKey("durationMillis");
        Map<String, Object> type = catalogType(env, "connection.sync_completed");
        assertThat(type.get("version")).isEqualTo(2);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> versions = (List<Map<String, Object>>) type.get("versions");
        assertThat(versions).extracting(v -> v.get("version"), v -> v.get("current"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, false), org.assertj.core.groups.Tuple.tuple(2, true));
        assertThat(versions.get(0).toString()).contains("durationMs");

        Files.writeString(file, original);
        await().atMost(Duration.ofSeconds(10)).until(() -> errors(env).toString().contains("lower than the published version 2"));
    }

    @Autowired
    dev.webhookhub.HubProperties properties;

    @Autowired
    MappingLoader loader;

    @Autowired
    PublishedSchemas publishedSchemas;

    @Test
    @Order(7)
    void publishedVersionsOutliveARestart() {
        // a registry made afresh on the same store and files, as a restarted hub would make it: configly.yaml (back at
        // version 1 since the last test) is still below the published version 2, and a file refused at start serves
        // nothing until it is fixed
        MappingRegistry restarted = new MappingRegistry(properties, loader, publishedSchemas);
        assertThat(restarted.problems().toString()).contains("connection.sync_completed")
                .contains("lower than the published version 2");
        assertThat(restarted.source("configly")).isEmpty();
        assertThat(restarted.source("synq")).isPresent();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> previewSyncCompleted(HubClient env) {
        var response = env.post("/v1/sources/configly/preview", "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"p\","
                + "\"status\":\"completed\",\"snapshot\":1,\"total\":1,\"ok\":1,\"failed\":0,"
                + "\"startedAt\":\"2026-04-15T14:30:00.000Z\",\"finishedAt\":\"2026-04-15T14:30:01.000Z\"}}");
        var events = (List<Map<String, Map<String, Object>>>) response.json().get("events");
        return events.get(0).get("data");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> catalogType(HubClient env, String name) {
        var sources = (List<Map<String, Object>>) env.get("/v1/event-types").json().get("sources");
        return sources.stream().flatMap(s -> ((List<Map<String, Object>>) s.get("event_types")).stream())
                .filter(t -> name.equals(t.get("type"))).findFirst().orElseThrow();
    }

    private static String previewError(HubClient env, String run) {
        var response = env.post("/v1/sources/configly/preview", SYNC_FAILED.formatted(run));
        @SuppressWarnings("unchecked")
        var events = (List<Map<String, Map<String, Object>>>) response.json().get("events");
        return String.valueOf(events.get(0).get("data").get("error"));
    }

    private static List<?> errors(HubClient env) {
        return (List<?>) env.get("/v1/sources").json().get("errors");
    }
}
