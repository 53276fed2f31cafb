package dev.webhookhub.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/**
 * All five sources through the running hub: every golden sample is pushed over HTTP to a fresh environment
 * whose subscription wants the sample's source, and each envelope that arrives, signed, must be the expected one.
 */
class SourcesEndToEndTest extends HubTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void catalogListsEveryTypeOfEverySeedWithItsSchema() {
        var catalog = hub().get("/v1/event-types").json();
        Map<String, List<Map<String, Object>>> bySource = new HashMap<>();
        for (var source : list(catalog.get("sources"))) {
            bySource.put((String) source.get("source"), list(source.get("event_types")));
        }
        assertThat(bySource).containsOnlyKeys("configly", "unified-api", "synq", "integration-sync", "feedback");
        assertThat(bySource.get("configly")).hasSize(8);
        assertThat(bySource.get("configly")).filteredOn(t -> Boolean.TRUE.equals(t.get("reserved")))
                .extracting(t -> t.get("type")).containsExactlyInAnyOrder("config.changed", "snapshot.completed");
        assertThat(bySource.get("unified-api")).hasSize(22);
        assertThat(bySource.get("synq")).extracting(t -> t.get("type")).containsExactlyInAnyOrder("ping", "issue_created",
                "issue_updated", "issue_status_updated", "issue_closed", "incident_open", "incident_closed", "incident_cancelled");
        assertThat(bySource.get("integration-sync")).hasSize(8);
        assertThat(bySource.get("feedback")).extracting(t -> t.get("type")).containsExactlyInAnyOrder("FEEDBACK_CREATED",
                "FEEDBACK_UPDATED", "DISCOVERY_CREATED", "DISCOVERY_UPDATED", "COMPONENT_CREATED", "COMPONENT_UPDATED",
                "MESSAGE_CREATED", "MESSAGE_UPDATED");
        var factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        var config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        bySource.values().stream().flatMap(List::stream).filter(t -> !Boolean.TRUE.equals(t.get("reserved"))).forEach(t -> {
            assertThat(t.get("schema")).as("schema of %s", t.get("type")).isInstanceOf(Map.class);
            assertThat((String) t.get("description")).as("description of %s", t.get("type")).isNotBlank();
            assertThat(t.get("version")).as("version of %s", t.get("type")).isEqualTo(1);
            assertThat(t.get("example")).as("example of %s", t.get("type")).isInstanceOf(Map.class);
            // the example is a whole body, and the published envelope schema holds it, natively and as a CloudEvent
            JsonNode example = JSON.valueToTree(t.get("example"));
            assertThat(factory.getSchema(JSON.valueToTree(t.get("envelope_schema")), config).validate(example))
                    .as("envelope_schema of %s on its example", t.get("type")).isEmpty();
            JsonNode cloudEvent = JSON.valueToTree(Map.of("specversion", "1.0", "id", "e1", "type", t.get("type"),
                    "source", "/webhook-hub/" + sourceOf(bySource, t), "time", "2026-01-01T00:00:00.000Z",
                    "datacontenttype", "application/json", "data", t.get("example")));
            assertThat(factory.getSchema(JSON.valueToTree(t.get("cloudevents_schema")), config).validate(cloudEvent))
                    .as("cloudevents_schema of %s on its example", t.get("type")).isEmpty();
        });
    }

    @TestFactory
    List<DynamicTest> goldenSamplesArriveThroughHttp() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path sample : GoldenSamplesTest.sampleFiles()) {
            tests.add(DynamicTest.dynamicTest(GoldenSamplesTest.MAPPINGS.relativize(sample).toString(), () -> deliver(sample)));
        }
        return tests;
    }

    private void deliver(Path sampleFile) throws Exception {
        String source = sampleFile.getParent().getParent().getFileName().toString();
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            var subscription = env.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/" + source),
                    "sources", List.of(source)))).json();
            String secret = (String) subscription.get("secret");
            String environmentId = (String) subscription.get("environment_id");

            Map<String, JsonNode> expectedById = new HashMap<>();
            int step = 0;
            for (JsonNode s : YAML.readTree(sampleFile.toFile()).path("steps")) {
                step++;
                var response = env.post("/v1/ingest/" + source, JSON.writeValueAsString(s.get("raw")));
                if (s.has("error")) {
                    assertThat(response.status()).as("step %d: %s", step, response.body()).isEqualTo(422);
                    continue;
                }
                assertThat(response.status()).as("step %d: %s", step, response.body()).isEqualTo(202);
                List<?> ids = (List<?>) response.json().get("event_ids");
                assertThat(ids).as("step %d event ids", step).hasSize(s.path("expect").size());
                for (int i = 0; i < ids.size(); i++) {
                    String expected = s.path("expect").get(i).toString().replace(GoldenSamplesTest.ENVIRONMENT, environmentId);
                    expectedById.put((String) ids.get(i), JSON.readTree(expected));
                }
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() >= expectedById.size());
            Thread.sleep(200);
            var received = receiver.received();
            assertThat(received).hasSize(expectedById.size());
            for (var delivery : received) {
                delivery.verify(secret);
                JsonNode expected = expectedById.get(delivery.header("webhook-id"));
                assertThat(expected).as("a delivery with an unexpected webhook-id: %s", delivery.body()).isNotNull();
                assertThat(GoldenSamplesTest.firstDifference("$", expected, JSON.readTree(delivery.body())))
                        .as("envelope received for %s", delivery.header("webhook-id")).isNull();
                // the published contract holds what was delivered: exactly one message of the source's AsyncAPI channel
                JsonNode body = JSON.readTree(delivery.body());
                List<String> matching = asyncApiMessages(env, source).entrySet().stream()
                        .filter(m -> m.getValue().validate(body).isEmpty()).map(Map.Entry::getKey).toList();
                assertThat(matching).as("AsyncAPI messages of %s that %s satisfies", source, delivery.body()).hasSize(1);
            }
        }
    }

    private static String sourceOf(Map<String, List<Map<String, Object>>> bySource, Map<String, Object> type) {
        return bySource.entrySet().stream().filter(e -> e.getValue().contains(type)).findFirst().orElseThrow().getKey();
    }

    private static Map<String, Map<String, JsonSchema>> asyncApi;

    /** The native message schemas of a source's channel in GET /v1/asyncapi, by message name. */
    @SuppressWarnings("unchecked")
    private static synchronized Map<String, JsonSchema> asyncApiMessages(HubClient client, String source) {
        if (asyncApi == null) {
            JsonNode document = JSON.valueToTree(client.get("/v1/asyncapi").json());
            var factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
            var config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            asyncApi = new HashMap<>();
            document.path("channels").fields().forEachRemaining(channel -> {
                Map<String, JsonSchema> messages = new HashMap<>();
                channel.getValue().path("messages").fields().forEachRemaining(ref -> {
                    JsonNode message = document.at(ref.getValue().path("$ref").asText().substring(1));
                    if (message.path("contentType").asText().equals("application/json")) {
                        messages.put(message.path("name").asText(), factory.getSchema(message.path("payload"), config));
                    }
                });
                asyncApi.put(channel.getKey(), messages);
            });
        }
        return asyncApi.get(source);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }
}
