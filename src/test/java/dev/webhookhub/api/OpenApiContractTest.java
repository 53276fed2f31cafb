package dev.webhookhub.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.ProjectFiles;
import dev.webhookhub.support.TestReceiver;

/**
 * The OpenAPI document tells the truth: it lists exactly the operations the hub serves, every real successful call
 * answers with a status the document gives for it, and every seed example it shows maps as it says.
 */
@TestPropertySource(properties = "PAYMENTS_WEBHOOK_SECRET=contract-secret")
class OpenApiContractTest extends HubTest {

    /** The shipped sources and the ADD-A-SOURCE example, whose producers may push to /v1/inbound/{environment}/payments. */
    @DynamicPropertySource
    static void mappings(DynamicPropertyRegistry registry) throws IOException {
        Path dir = ProjectFiles.copyOf("mappings");
        Files.copy(Path.of("docs/examples/mappings/payments.yaml"), dir.resolve("payments.yaml"));
        registry.add("hub.mappings.dir", dir::toString);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    CamelContext camel;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private JsonNode document() throws Exception {
        var response = new HubClient(port, null).get("/v3/api-docs");
        assertThat(response.status()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    void theDocumentListsExactlyTheOperationsTheHubServes() throws Exception {
        Set<String> documented = new TreeSet<>();
        document().path("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(op -> documented.add(op.getKey().toUpperCase() + " " + path.getKey())));
        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().stream()
                .filter(p -> p.startsWith("/v1/") || p.startsWith("/webhook"))
                .forEach(p -> info.getMethodsCondition().getMethods().forEach(m -> served.add(m + " " + p))));
        assertThat(documented).isEqualTo(served);
    }

    @Test
    @SuppressWarnings("unchecked")
    void everySuccessfulCallAnswersWithADocumentedStatus() throws Exception {
        JsonNode paths = document().path("paths");
        HubClient env = newEnvironment();
        String environmentId;
        String webhook;
        String second;
        List<String> exercised = new ArrayList<>();
        try (var receiver = TestReceiver.start()) {
            // in an order in which each call has what it needs; DELETEs last
            var created = call(paths, exercised, env, "POST", "/v1/webhooks", "/v1/webhooks",
                    HubClient.json(Map.of("url", receiver.url("/doc"), "events", List.of("connection.sync_failed"))));
            webhook = (String) created.json().get("id");
            environmentId = (String) created.json().get("environment_id");
            second = (String) call(paths, exercised, env, "POST", "/webhook", "/webhook",
                    HubClient.json(Map.of("target_url", receiver.url("/doc2"), "event_types", List.of("connection.sync_failed"))))
                    .json().get("id");
            String raw = "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"doc-1\",\"status\":\"failed\",\"error\":\"e\"}}";
            String event = ((List<String>) call(paths, exercised, env, "POST", "/v1/ingest/{source}", "/v1/ingest/configly", raw)
                    .json().get("event_ids")).get(0);
            call(paths, exercised, env, "POST", "/v1/ingest/{source}/batch", "/v1/ingest/configly/batch", "[" + raw.replace("doc-1", "doc-2") + "]");
            call(paths, exercised, env, "POST", "/v1/sources/{source}/preview", "/v1/sources/configly/preview", raw);
            String charge = "{\"event\":\"charge_succeeded\",\"charge\":{\"id\":\"ch_doc\",\"amount\":1,\"currency\":\"eur\"}}";
            String signature = "sha256=" + HexFormat.of().formatHex(hmacSha256("contract-secret", charge));
            var pushed = new HubClient(port, null).post("/v1/inbound/default/payments", charge,
                    Map.of("X-Payments-Signature-256", signature));
            assertThat(pushed.status()).as(pushed.body()).isEqualTo(202);
            assertThat(paths.path("/v1/inbound/{environment}/{path}").path("post").path("responses").has("202")).isTrue();
            exercised.add("POST /v1/inbound/{environment}/{path}");
            awaitReceived(receiver, 2);
            String delivery = (String) ((List<Map<String, Object>>) env.get("/v1/deliveries").json().get("data")).get(0).get("id");
            for (String[] get : new String[][] {{"/v1/webhooks", "/v1/webhooks"}, {"/webhook", "/webhook"},
                    {"/v1/webhooks/{id}", "/v1/webhooks/" + webhook}, {"/webhook/{id}", "/webhook/" + webhook},
                    {"/v1/webhooks/{id}/stats", "/v1/webhooks/" + webhook + "/stats"},
                    {"/v1/webhooks/{id}/deliveries", "/v1/webhooks/" + webhook + "/deliveries"},
                    {"/webhook/{id}/deliveries", "/webhook/" + webhook + "/deliveries"},
                    {"/v1/deliveries", "/v1/deliveries"}, {"/v1/deliveries/{id}", "/v1/deliveries/" + delivery},
                    {"/v1/events", "/v1/events"}, {"/v1/events/{id}", "/v1/events/" + event},
                    {"/v1/event-types", "/v1/event-types"}, {"/v1/asyncapi", "/v1/asyncapi"}, {"/v1/sources", "/v1/sources"}, {"/v1/routes", "/v1/routes"},
                    {"/v1/stats", "/v1/stats"}}) {
                call(paths, exercised, env, "GET", get[0], get[1], null);
            }
            for (String prefix : List.of("/v1/webhooks", "/webhook")) {
                call(paths, exercised, env, "PATCH", prefix + "/{id}", prefix + "/" + webhook, "{\"description\":\"documented\"}");
                call(paths, exercised, env, "POST", prefix + "/{id}/rotate-secret", prefix + "/" + webhook + "/rotate-secret", "");
                call(paths, exercised, env, "GET", prefix + "/{id}/secret", prefix + "/" + webhook + "/secret", null);
                call(paths, exercised, env, "POST", prefix + "/{id}/test", prefix + "/" + webhook + "/test", "");
                call(paths, exercised, env, "POST", prefix + "/{id}/replay", prefix + "/" + webhook + "/replay?since=2020-01-01T00:00:00Z", "");
            }
            receiver.byDefault(TestReceiver.Reply.status(500));
            call(paths, exercised, env, "POST", "/v1/deliveries/{id}/retry", "/v1/deliveries/" + delivery + "/retry", "");

            String recover = HubClient.json(Map.of("since", "2020-01-01T00:00:00Z"));
            call(paths, exercised, env, "POST", "/v1/webhooks/{id}/recover/preview", "/v1/webhooks/" + webhook + "/recover/preview", recover);
            // held back from the runner so that it can still be cancelled
            camel.getRouteController().suspendRoute("run-jobs");
            try {
                String job = (String) call(paths, exercised, env, "POST", "/v1/webhooks/{id}/recover",
                        "/v1/webhooks/" + webhook + "/recover", recover).json().get("job_id");
                call(paths, exercised, env, "GET", "/v1/jobs", "/v1/jobs", null);
                call(paths, exercised, env, "GET", "/v1/jobs/{id}", "/v1/jobs/" + job, null);
                call(paths, exercised, env, "POST", "/v1/jobs/{id}/cancel", "/v1/jobs/" + job + "/cancel", "");
            } finally {
                camel.getRouteController().resumeRoute("run-jobs");
            }

            String ops = (String) call(paths, exercised, env, "POST", "/v1/operational-webhooks", "/v1/operational-webhooks",
                    HubClient.json(Map.of("url", receiver.url("/ops")))).json().get("id");
            call(paths, exercised, env, "GET", "/v1/operational-webhooks", "/v1/operational-webhooks", null);
            call(paths, exercised, env, "GET", "/v1/operational-webhooks/{id}", "/v1/operational-webhooks/" + ops, null);
            call(paths, exercised, env, "PATCH", "/v1/operational-webhooks/{id}", "/v1/operational-webhooks/" + ops,
                    "{\"event_types\": [\"delivery.dead\"]}");
            call(paths, exercised, env, "POST", "/v1/operational-webhooks/{id}/rotate-secret",
                    "/v1/operational-webhooks/" + ops + "/rotate-secret", "");
            call(paths, exercised, env, "GET", "/v1/operational-webhooks/{id}/secret", "/v1/operational-webhooks/" + ops + "/secret", null);
            call(paths, exercised, env, "DELETE", "/v1/operational-webhooks/{id}", "/v1/operational-webhooks/" + ops, null);
        }
        HubClient admin = admin();
        var newEnv = call(paths, exercised, admin, "POST", "/v1/environments", "/v1/environments",
                HubClient.json(Map.of("name", "doc-" + environmentId)));
        String other = (String) newEnv.json().get("id");
        call(paths, exercised, admin, "GET", "/v1/environments", "/v1/environments", null);
        String key = (String) call(paths, exercised, admin, "POST", "/v1/environments/{id}/api-keys", "/v1/environments/" + other + "/api-keys", "")
                .json().get("id");
        call(paths, exercised, admin, "GET", "/v1/environments/{id}/api-keys", "/v1/environments/" + other + "/api-keys", null);
        call(paths, exercised, admin, "DELETE", "/v1/environments/{id}/api-keys/{keyId}", "/v1/environments/" + other + "/api-keys/" + key, null);
        call(paths, exercised, env, "DELETE", "/webhook/{id}", "/webhook/" + second, null);
        call(paths, exercised, env, "DELETE", "/v1/webhooks/{id}", "/v1/webhooks/" + webhook, null);

        Set<String> documented = new TreeSet<>();
        paths.properties().forEach(p -> p.getValue().properties().forEach(op -> documented.add(op.getKey().toUpperCase() + " " + p.getKey())));
        assertThat(new TreeSet<>(exercised)).as("every documented operation was called for real").isEqualTo(documented);
    }

    private static byte[] hmacSha256(String key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theSeedExamplesMapAsDocumented() throws Exception {
        JsonNode post = document().path("paths").path("/v1/sources/{source}/preview").path("post");
        JsonNode requests = post.path("requestBody").path("content").path("application/json").path("examples");
        JsonNode responses = post.path("responses").path("200").path("content").path("application/json").path("examples");
        assertThat(requests.size()).as("examples from the golden samples of the five sources").isGreaterThanOrEqualTo(5);
        Set<String> sources = new TreeSet<>();
        for (var example : requests.properties()) {
            String source = example.getKey().substring(0, example.getKey().indexOf(':'));
            sources.add(source);
            var preview = hub().post("/v1/sources/" + source + "/preview", JSON.writeValueAsString(example.getValue().path("value")));
            assertThat(preview.status()).as(example.getKey() + ": " + preview.body()).isEqualTo(200);
            List<String> actual = types(JSON.readTree(preview.body()).path("events"));
            List<String> documented = types(responses.path(example.getKey()).path("value").path("events"));
            assertThat(actual).as(example.getKey()).isNotEmpty().isEqualTo(documented);
        }
        assertThat(sources).containsExactly("configly", "feedback", "integration-sync", "synq", "unified-api");
        assertThat(document().path("paths").path("/v1/ingest/{source}").path("post").path("requestBody").path("content")
                .path("application/json").path("examples").size()).isEqualTo(requests.size());
    }

    @Test
    void theInteractiveDocsAreServed() throws Exception {
        var http = java.net.http.HttpClient.newBuilder().followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build();
        var ui = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/docs")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).contains("swagger-ui");
    }

    /** Each envelope's field names and its type, whatever the product calls it; ids and times differ by nature. */
    private static List<String> types(JsonNode envelopes) {
        List<String> shapes = new ArrayList<>();
        for (JsonNode e : envelopes) {
            Set<String> fields = new TreeSet<>();
            e.fieldNames().forEachRemaining(fields::add);
            String type = List.of("type", "event", "eventType", "event_type").stream().filter(e::has)
                    .map(f -> e.path(f).asText()).findFirst().orElse("?");
            shapes.add(type + " " + fields);
        }
        return shapes;
    }

    private static HubClient.Response call(JsonNode paths, List<String> exercised, HubClient client, String method, String documentedPath,
            String path, String body) {
        var response = switch (method) {
            case "GET" -> client.get(path);
            case "DELETE" -> client.delete(path);
            case "PATCH" -> client.patch(path, body);
            default -> client.post(path, body == null ? "" : body);
        };
        assertThat(response.status() / 100).as(method + " " + path + ": " + response.body()).isEqualTo(2);
        JsonNode responses = paths.path(documentedPath).path(method.toLowerCase()).path("responses");
        assertThat(responses.has(String.valueOf(response.status())))
                .as(method + " " + documentedPath + " answered " + response.status() + "; documented " + responses.properties().stream()
                        .map(Map.Entry::getKey).toList())
                .isTrue();
        exercised.add(method + " " + documentedPath);
        return response;
    }
}
