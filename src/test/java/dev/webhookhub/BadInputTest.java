package dev.webhookhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;

/** Every kind of bad request gets its 4xx as application/problem+json, never a 500, and stores nothing. */
class BadInputTest extends HubTest {

    private static final String VALID = """
            {"kind":"sync_run","connection":"clx1","run":{"id":"run_1","status":"completed","snapshot":12,"total":100,
             "ok":98,"failed":2,"startedAt":"2026-04-15T14:30:00.000Z","finishedAt":"2026-04-15T14:30:04.250Z"}}""";

    @Test
    void badIngestRequestsAreRefusedWithProblemDetailsAndStoreNothing() {
        long events = count("events");
        long deliveries = count("deliveries");
        long state = count("mapping_state");
        HubClient hub = newEnvironment();

        assertProblem(hub.post("/v1/ingest/configly", "{\"kind\": \"sync_run\","), 400, "malformed JSON");
        assertProblem(hub.post("/v1/ingest/configly", "text/plain", VALID.getBytes(StandardCharsets.UTF_8)), 415, null);
        assertProblem(hub.post("/v1/ingest/configly", null, VALID.getBytes(StandardCharsets.UTF_8)), 415, null);
        assertProblem(hub.post("/v1/ingest/configly", ""), 400, "empty");
        assertProblem(hub.post("/v1/ingest/no-such-source", VALID), 404, "no-such-source");
        assertProblem(hub.as(null).post("/v1/ingest/configly", VALID), 401, null);
        assertProblem(hub.as("cly_wrong").post("/v1/ingest/configly", VALID), 401, null);
        byte[] huge = ("{\"kind\":\"sync_run\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertProblem(hub.post("/v1/ingest/configly", "application/json", huge), 413, "max-bytes");
        // wrong types: caught by the raw schema, and by the payload schema of the event type
        assertProblem(hub.post("/v1/ingest/configly", VALID.replace("\"connection\":\"clx1\"", "\"connection\":7")), 422,
                "not a valid configly event");
        assertProblem(hub.post("/v1/ingest/configly", VALID.replace("\"snapshot\":12", "\"snapshot\":\"12\"")), 422,
                "connection.sync_completed");
        assertProblem(hub.post("/v1/ingest/configly", "{\"kind\":\"unknown\",\"connection\":\"c\"}"), 422, "configly");
        assertProblem(hub.post("/v1/ingest/configly", "[1,2]"), 422, "JSON object");
        assertProblem(hub.post("/v1/ingest/configly/batch", "{}"), 400, "array");
        // a batch is all or nothing: the good first item is not stored either
        assertProblem(hub.post("/v1/ingest/configly/batch", "[" + VALID + ",{\"kind\":\"apply\"}]"), 422, "batch item 1");

        assertThat(count("events")).isEqualTo(events);
        assertThat(count("deliveries")).isEqualTo(deliveries);
        assertThat(count("mapping_state")).isEqualTo(state);
    }

    @Test
    void badSubscriptionRequestsAreRefusedWithProblemDetails() {
        long subscriptions = count("subscriptions");
        HubClient hub = hub();

        assertProblem(hub.post("/v1/webhooks", "{\"url\":"), 400, "malformed JSON");
        assertProblem(hub.post("/v1/webhooks", "{\"events\":[\"config.applied\"]}"), 400, "target_url");
        var unknown = hub.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:1/x\",\"events\":[\"config.applied\",\"nope\"]}");
        assertProblem(unknown, 400, "nope");
        assertThat(String.valueOf(unknown.json().get("valid_event_types"))).contains("config.applied", "health_check.completed",
                "config.changed", "snapshot.completed");
        assertProblem(hub.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:1/x\",\"is_active\":\"maybe\"}"), 400, "is_active");
        assertProblem(hub.post("/v1/webhooks", "{\"url\":\"http://127.0.0.1:1/x\",\"events\":\"config.applied\"}"), 400, "event_types");
        assertProblem(hub.post("/v1/webhooks", "{\"url\":\"ftp://127.0.0.1/x\"}"), 400, "http or https");
        assertProblem(hub.post("/v1/webhooks", "{\"url\":\"not a url\"}"), 400, "target_url");
        assertProblem(hub.post("/v1/webhooks", "text/plain", "{}".getBytes(StandardCharsets.UTF_8)), 415, null);
        assertProblem(hub.get("/v1/webhooks/00000000-0000-0000-0000-000000000000"), 404, "does not exist");
        assertProblem(hub.patch("/v1/webhooks/nope", "{}"), 404, "does not exist");
        assertProblem(hub.delete("/v1/webhooks/nope"), 404, "does not exist");
        assertProblem(hub.get("/v1/webhooks?limit=0"), 400, "limit");
        assertProblem(hub.get("/v1/webhooks?limit=abc"), 400, null);
        assertProblem(hub.get("/v1/no-such-endpoint"), 404, null);
        assertProblem(hub.as(null).get("/v1/webhooks"), 401, null);
        assertProblem(admin().get("/v1/webhooks"), 401, null);
        assertProblem(hub.get("/v1/environments"), 401, "admin token");

        assertThat(count("subscriptions")).isEqualTo(subscriptions);
    }

    @Test
    void reservedTypesAreSubscribableButNeverDelivered() throws Exception {
        try (var receiver = dev.webhookhub.support.TestReceiver.start()) {
            HubClient env = newEnvironment();
            subscribe(env, receiver.url("/reserved"), List.of("config.changed", "snapshot.completed"));
            ingest(env, "configly", VALID);
            ingest(env, "configly", "{\"kind\":\"health_report\",\"connection\":\"r1\",\"report\":{\"id\":\"r\",\"score\":1,\"findings\":[]}}");
            Thread.sleep(500);
            assertThat(receiver.received()).isEmpty();
        }
    }

    private static void assertProblem(HubClient.Response response, int status, String detailContains) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        var problem = response.json();
        assertThat(problem.get("status")).isEqualTo(status);
        assertThat(response.body()).doesNotContain("Exception", "\tat ");
        if (detailContains != null) {
            assertThat((String) problem.get("detail")).containsIgnoringCase(detailContains);
        }
    }
}
