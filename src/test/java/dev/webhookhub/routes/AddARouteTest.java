package dev.webhookhub.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.ProducerTemplate;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.ProjectFiles;
import dev.webhookhub.support.TestBroker;
import dev.webhookhub.support.TestReceiver;
import jakarta.jms.Message;
import jakarta.jms.Session;

/**
 * A hub whose routes directory is a copy of routes/: the two examples of docs/ADD-A-ROUTE.md copied in verbatim and
 * exercised (a directory drop, an AMQP queue on an embedded Artemis broker), and route files added, changed, broken
 * and removed while the hub runs.
 */
@TestPropertySource(properties = "hub.routes.reload-interval=200ms")
class AddARouteTest extends HubTest {

    private static final Path EXAMPLES = Path.of("docs/examples/routes");
    private static Path routes;
    private static Path drop;
    private static TestBroker broker;

    @Autowired
    ProducerTemplate producer;

    @DynamicPropertySource
    static void directories(DynamicPropertyRegistry registry) throws IOException {
        routes = ProjectFiles.copyOf("routes");
        drop = Files.createTempDirectory(Files.createDirectories(Path.of("target/test-routes")), "drop");
        broker = TestBroker.start();
        registry.add("hub.routes.dir", routes::toString);
        registry.add("drop.dir", drop::toString);
        registry.add("hub.amqp.url", broker::url);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Test
    void theExamplesInTheTutorialAreTheFilesTested() throws IOException {
        String tutorial = Files.readString(Path.of("docs/ADD-A-ROUTE.md"));
        for (String example : List.of("directory-drop.yaml", "amqp-queue.yaml")) {
            assertThat(tutorial).contains(Files.readString(EXAMPLES.resolve(example)));
        }
    }

    @Test
    void aDirectoryDropIngestsFilesAndSetsRefusedOnesAsideWithTheReason() throws Exception {
        try (var receiver = TestReceiver.start()) {
            subscribe(hub(), receiver.url("/drop"), List.of("config.applied"));
            Files.copy(EXAMPLES.resolve("directory-drop.yaml"), routes.resolve("directory-drop.yaml"));
            awaitRoute("drop-configly", "Started");

            Path inbox = Files.createDirectories(drop.resolve("configly"));
            Files.writeString(inbox.resolve("broken.json"), "{\"kind\": broken");
            Files.writeString(inbox.resolve("unknown.json"), "{\"kind\":\"unknown\",\"connection\":\"c\"}");
            Files.writeString(inbox.resolve("applied.json"), apply("op-drop-1"));

            var received = awaitReceived(receiver, 1);
            assertThat(received.getFirst().body()).contains("op-drop-1");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(inbox.resolve(".done/applied.json"))
                    && Files.exists(inbox.resolve(".error/broken.json.reason.txt"))
                    && Files.exists(inbox.resolve(".error/unknown.json.reason.txt")));
            assertThat(inbox.resolve(".error/broken.json")).hasContent("{\"kind\": broken");
            assertThat(Files.readString(inbox.resolve(".error/broken.json.reason.txt"))).contains("not JSON");
            assertThat(Files.readString(inbox.resolve(".error/unknown.json.reason.txt"))).contains("rawSchema");
            assertThat(inbox.resolve("applied.json")).doesNotExist();
            assertThat(receiver.received()).hasSize(1);
        }
    }

    @Test
    void anAmqpQueueIngestsMessagesAndSendsRefusedOnesToTheRefusedQueue() throws Exception {
        try (var receiver = TestReceiver.start()) {
            subscribe(hub(), receiver.url("/amqp"), List.of("config.applied"));
            Files.copy(EXAMPLES.resolve("amqp-queue.yaml"), routes.resolve("amqp-queue.yaml"));
            awaitRoute("amqp-configly", "Started");

            var factory = new JmsConnectionFactory(broker.url());
            try (var connection = factory.createConnection()) {
                connection.start();
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                var queue = session.createProducer(session.createQueue("configly.raw"));
                queue.send(session.createTextMessage(apply("op-amqp-1")));
                queue.send(session.createTextMessage("{\"kind\": broken"));
                queue.send(session.createTextMessage(apply("op-amqp-2")));

                var received = awaitReceived(receiver, 2);
                assertThat(received).extracting(r -> r.body().contains("op-amqp-1") || r.body().contains("op-amqp-2"))
                        .containsOnly(true);

                var refused = session.createConsumer(session.createQueue("configly.raw.refused"));
                Message message = refused.receive(20_000);
                assertThat(message).isNotNull();
                assertThat(message.getBody(String.class)).isEqualTo("{\"kind\": broken");
                assertThat(message.getStringProperty("hubError")).contains("not JSON");
            }
            assertThat(receiver.received()).hasSize(2);
        }
    }

    @Test
    void routeFilesAreAddedChangedBrokenAndRemovedWhileTheHubRuns() throws Exception {
        Path file = routes.resolve("ping.yaml");
        Files.writeString(file, ping("v1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> answer().equals("v1"));
        assertThat(route("ping")).containsEntry("file", "ping.yaml").containsEntry("status", "Started")
                .containsEntry("from", "direct://ping");

        Files.writeString(file, ping("v2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> answer().equals("v2"));

        // not YAML the DSL reads: reported with its line, the previous version keeps answering
        Files.writeString(file, ping("v3").replace("        - setBody:", "        - noSuchStep:"));
        Map<String, Object> error = awaitError("ping.yaml");
        assertThat(error.get("line")).isEqualTo(6);
        assertThat((String) error.get("message")).contains("noSuchStep");
        assertThat(answer()).isEqualTo("v2");
        assertThat(route("hub-ingest")).containsEntry("status", "Started");

        // YAML that reads but a route that cannot be made (a bean nobody has): the same
        Files.writeString(file, ping("v4") + """
                - route:
                    id: ping-broken
                    from:
                      uri: direct:ping-broken
                      steps:
                        - bean:
                            ref: noSuchBean
                """);
        await().atMost(Duration.ofSeconds(10)).until(() -> String.valueOf(awaitError("ping.yaml").get("message"))
                .contains("noSuchBean"));
        assertThat(answer()).isEqualTo("v2");
        assertThat(routeIds()).doesNotContain("ping-broken");

        Files.writeString(file, ping("v5"));
        await().atMost(Duration.ofSeconds(10)).until(() -> answer().equals("v5"));
        assertThat(errors()).isEmpty();

        Files.delete(file);
        await().atMost(Duration.ofSeconds(10)).until(() -> !routeIds().contains("ping"));
        assertThat(routeIds()).contains("hub-ingest", "ingest", "deliver");
    }

    private static String ping(String answer) {
        return """
                - route:
                    id: ping
                    from:
                      uri: direct:ping
                      steps:
                        - setBody:
                            constant: %s
                """.formatted(answer);
    }

    private String answer() {
        try {
            return String.valueOf(producer.requestBody("direct:ping", ""));
        } catch (RuntimeException e) {
            return "none: " + e.getMessage();
        }
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> routeList() {
        var response = hub().get("/v1/routes");
        assertThat(response.status()).isEqualTo(200);
        return (List<Map<String, Object>>) response.json().get("routes");
    }

    private List<String> routeIds() {
        return routeList().stream().map(r -> (String) r.get("id")).toList();
    }

    private Map<String, Object> route(String id) {
        return routeList().stream().filter(r -> id.equals(r.get("id"))).findFirst()
                .orElseThrow(() -> new AssertionError("no route " + id));
    }

    private void awaitRoute(String id, String status) {
        await().atMost(Duration.ofSeconds(15)).until(() -> routeIds().contains(id) && status.equals(route(id).get("status")));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> errors() {
        return (List<Map<String, Object>>) hub().get("/v1/routes").json().get("errors");
    }

    private Map<String, Object> awaitError(String file) {
        await().atMost(Duration.ofSeconds(10)).until(() -> errors().stream().anyMatch(e -> file.equals(e.get("file"))));
        return errors().stream().filter(e -> file.equals(e.get("file"))).findFirst().orElseThrow();
    }

    private static String apply(String operation) {
        return "{\"kind\":\"apply\",\"connection\":\"c\",\"operation\":{\"id\":\"" + operation + "\",\"reason\":\"r\","
                + "\"preSnapshot\":\"1\",\"postSnapshot\":\"2\",\"changes\":[{\"target\":\"t\",\"ok\":true}]}}";
    }
}
