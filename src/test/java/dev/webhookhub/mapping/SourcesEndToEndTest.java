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
        bySource.values().stream().flatMap(List::stream).filter(t -> !Boolean.TRUE.equals(t.get("reserved")))
                .forEach(t -> assertThat(t.get("schema")).as("schema of %s", t.get("type")).isInstanceOf(Map.class));
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
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }
}
