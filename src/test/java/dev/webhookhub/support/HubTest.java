package dev.webhookhub.support;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A whole hub on a random port with its own in-memory H2, the shipped routes/ and mappings/, a compressed
 * retry schedule and private targets allowed (the receivers live on 127.0.0.1). Subclasses that keep these
 * settings share one running hub.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:hub-${random.uuid};DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000",
        "hub.data-dir=target/test-data/${random.uuid}",
        "hub.bootstrap-api-key=" + HubTest.API_KEY,
        "hub.admin-token=" + HubTest.ADMIN_TOKEN,
        "hub.delivery.allow-private-targets=true",
        "hub.delivery.retry-schedule=1s,1s",
        "hub.delivery.jitter=0",
        "hub.delivery.poll-interval=100ms",
        "hub.delivery.timeout=2s",
        "hub.delivery.redelivery.delay=20",
        "hub.delivery.circuit-open-for=2s",
        "hub.delivery.lag.check-interval=300ms",
        "hub.retention.interval=1s",
        "hub.jobs.page-size=50",
        "hub.jobs.poll-interval=200ms",
        // every test client is 127.0.0.1, and the suite probes bad credentials on purpose in many classes that
        // share this hub; AuthFailureLimitTest checks the limiter with its own
        "hub.api.max-auth-failures=100000"})
@CamelSpringBootTest
@AutoConfigureObservability
public abstract class HubTest {

    public static final String API_KEY = "cly_test";
    public static final String ADMIN_TOKEN = "adm_test";

    /** With -Dhub.test.db=postgres, every hub of the suite runs on its own database in a real PostgreSQL. */
    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        if (TestPostgres.requested()) {
            String url = TestPostgres.newDatabase();
            registry.add("spring.datasource.url", () -> url);
            registry.add("spring.datasource.username", () -> "postgres");
            registry.add("spring.datasource.password", () -> "");
        }
    }

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    protected HubClient hub() {
        return new HubClient(port, API_KEY);
    }

    protected HubClient admin() {
        return new HubClient(port, ADMIN_TOKEN);
    }

    /** A client for a new environment of its own, so that a test sees only its own subscriptions. */
    protected HubClient newEnvironment() {
        var response = admin().post("/v1/environments", HubClient.json(Map.of("name", "env-" + java.util.UUID.randomUUID())));
        if (response.status() != 201) {
            throw new AssertionError("environment not created: " + response.status() + " " + response.body());
        }
        @SuppressWarnings("unchecked")
        var key = (Map<String, Object>) response.json().get("api_key");
        return hub().as((String) key.get("key"));
    }

    /** Creates a subscription and returns its response body. */
    protected Map<String, Object> subscribe(HubClient client, String url, List<String> events) {
        var response = client.post("/v1/webhooks", HubClient.json(Map.of("url", url, "events", events)));
        if (response.status() != 201) {
            throw new AssertionError("subscription not created: " + response.status() + " " + response.body());
        }
        return response.json();
    }

    @SuppressWarnings("unchecked")
    protected List<String> ingest(HubClient client, String source, String rawJson) {
        var response = client.post("/v1/ingest/" + source, rawJson);
        if (response.status() != 202) {
            throw new AssertionError("not accepted: " + response.status() + " " + response.body());
        }
        return (List<String>) response.json().get("event_ids");
    }

    protected List<TestReceiver.Received> awaitReceived(TestReceiver receiver, int count) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> receiver.received().size() >= count);
        return receiver.received();
    }

    protected long count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }
}
