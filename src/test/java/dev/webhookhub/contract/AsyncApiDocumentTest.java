package dev.webhookhub.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;

/**
 * GET /v1/asyncapi, in JSON and in YAML, validated by the reference AsyncAPI parser (@asyncapi/parser, run by Node;
 * installed from src/test/asyncapi/package-lock.json into target/ on first use). That delivered bodies match its
 * message schemas is checked where bodies are delivered: SourcesEndToEndTest.
 */
class AsyncApiDocumentTest extends HubTest {

    private static final Path CHECKER = Path.of("target/asyncapi-check");

    @Test
    void theDocumentIsValidAsyncApi3AndCoversEveryActiveTypeInBothFormats() throws Exception {
        HubClient hub = hub();
        var json = hub.get("/v1/asyncapi");
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.contentType()).startsWith("application/json");
        Map<String, Object> document = json.json();
        assertThat(document.get("asyncapi")).isEqualTo("3.0.0");
        @SuppressWarnings("unchecked")
        Map<String, Object> channels = (Map<String, Object>) document.get("channels");
        assertThat(channels).containsOnlyKeys("configly", "unified-api", "synq", "integration-sync", "feedback", "hub");
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> messages = (Map<String, Map<String, Object>>) ((Map<String, Object>) document
                .get("components")).get("messages");
        long activeTypes = activeTypes(hub);
        // each source type natively and as CloudEvents; the five operational types once
        assertThat(messages).hasSize((int) (2 * activeTypes) + 5);
        assertThat(messages.get("hub.delivery.dead")).containsEntry("name", "delivery.dead").containsKeys("payload", "examples");
        assertThat(messages.get("connection.sync_completed")).containsEntry("contentType", "application/json")
                .containsKeys("payload", "examples", "headers");
        assertThat(messages.get("record_created.cloudevents")).containsEntry("name", "record:created")
                .containsEntry("contentType", "application/cloudevents+json");

        assertThat(validate("asyncapi.json", json.body())).contains("valid AsyncAPI 3.0.0");
        var yaml = hub.get("/v1/asyncapi", Map.of("Accept", "application/yaml"));
        assertThat(yaml.contentType()).startsWith("application/yaml");
        assertThat(yaml.body()).startsWith("asyncapi:");
        assertThat(validate("asyncapi.yaml", yaml.body())).contains("valid AsyncAPI 3.0.0");

        assertThat(hub.get("/v1/asyncapi?format=yaml").body()).isEqualTo(yaml.body());
        assertThat(hub.get("/v1/asyncapi?format=xml").status()).isEqualTo(400);
    }

    @Test
    void aBrokenDocumentIsRefusedByTheSameCheck() throws Exception {
        // the check can fail: a channel whose message points nowhere
        String broken = "{\"asyncapi\":\"3.0.0\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"channels\":{\"c\":{\"messages\":"
                + "{\"m\":{\"$ref\":\"#/components/messages/missing\"}}}}}";
        assertThat(run("broken.json", broken).exitCode()).isNotZero();
    }

    private long activeTypes(HubClient hub) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sources = (List<Map<String, Object>>) hub.get("/v1/event-types").json().get("sources");
        return sources.stream().flatMap(s -> {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> types = (List<Map<String, Object>>) s.get("event_types");
            return types.stream();
        }).filter(t -> !Boolean.TRUE.equals(t.get("reserved"))).count();
    }

    private static String validate(String name, String text) throws Exception {
        Checked checked = run(name, text);
        assertThat(checked.exitCode()).as("@asyncapi/parser on %s said:%n%s", name, checked.output()).isZero();
        return checked.output();
    }

    private record Checked(int exitCode, String output) {
    }

    private static Checked run(String name, String text) throws Exception {
        installChecker();
        Path file = CHECKER.resolve(name);
        Files.writeString(file, text);
        Process node = new ProcessBuilder("node", "validate.mjs", name).directory(CHECKER.toFile()).redirectErrorStream(true)
                .start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(2, TimeUnit.MINUTES)).as("node finished").isTrue();
        return new Checked(node.exitValue(), output);
    }

    /** npm ci from the committed lock file, once per checkout (Node and npm must be installed; .ci/run does that). */
    private static synchronized void installChecker() throws IOException, InterruptedException {
        Files.createDirectories(CHECKER);
        for (String file : List.of("package.json", "package-lock.json", "validate.mjs")) {
            Files.copy(Path.of("src/test/asyncapi", file), CHECKER.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.isDirectory(CHECKER.resolve("node_modules/@asyncapi/parser"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error").directory(CHECKER.toFile())
                .redirectErrorStream(true).start();
        String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(npm.waitFor(5, TimeUnit.MINUTES) && npm.exitValue() == 0).as("npm ci of the AsyncAPI parser:%n%s", output)
                .isTrue();
    }
}
