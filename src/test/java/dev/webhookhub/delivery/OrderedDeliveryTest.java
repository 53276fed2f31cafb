package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.PerKeyOrder;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;

/**
 * ordering_key: deliveries of one key go strictly in ingest order, each after the one before it was delivered or
 * dead, through in-process redeliveries, durable retries, a death and a pause; other keys keep flowing meanwhile.
 */
class OrderedDeliveryTest extends HubTest {

    /** The run id goes into the envelope as the error text: each delivered body names its event. */
    static final String FAILED = "{\"kind\":\"sync_run\",\"connection\":\"%1$s\",\"run\":{\"id\":\"%2$s\",\"status\":\"failed\",\"error\":\"%2$s\"}}";
    private static final Pattern NAME = Pattern.compile("\"error\":\"([^\"]+)\"");

    /**
     * Settings of the tests that run hub processes: quick durable retries, and no circuit breaker, since the injected
     * failures of five keys' heads can fail five attempts in a row and hold every key for the circuit's 30 s.
     */
    static final List<String> PROCESS_SETTINGS = List.of(
            "hub.bootstrap-api-key=" + API_KEY, "hub.admin-token=" + ADMIN_TOKEN,
            "hub.delivery.allow-private-targets=true", "hub.delivery.poll-interval=100ms",
            "hub.delivery.retry-schedule=500ms,500ms,500ms,500ms,500ms,500ms", "hub.delivery.jitter=0",
            "hub.delivery.circuit-failure-threshold=1000", "hub.mappings.reload-interval=1h");

    /** A webhook of connection.sync_failed to {@code url} ordered by connectionId: its id. */
    static String createOrderedWebhook(HubClient client, String url) {
        var created = client.post("/v1/webhooks", HubClient.json(Map.of("url", url,
                "events", List.of("connection.sync_failed"), "ordering_key", "connectionId")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return (String) created.json().get("id");
    }

    static String nameIn(String body) {
        Matcher m = NAME.matcher(body);
        return m.find() ? m.group(1) : body;
    }

    @Test
    void eachKeyGoesInIngestOrderThroughFailuresWhileTheOtherKeysFlow() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            var created = env.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/ordered"),
                    "events", List.of("connection.sync_failed"), "ordering_key", "connectionId",
                    "retry_schedule", List.of("300ms", "300ms", "300ms", "300ms", "300ms", "300ms"))));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json()).containsEntry("ordering_key", "connectionId");

            PerKeyOrder order = new PerKeyOrder(OrderedDeliveryTest::nameIn);
            Map<String, Integer> failuresLeft = new ConcurrentHashMap<>();
            // attempts the dead one had had when the first event after it in its key arrived
            AtomicInteger deadAttemptsBeforeNext = new AtomicInteger(-1);
            receiver.replyBy(order.answering(event -> {
                if (event.startsWith("run-4-") && Integer.parseInt(event.substring(6)) > 5) {
                    deadAttemptsBeforeNext.compareAndSet(-1, order.attempts("run-4-5"));
                }
                return failuresLeft.getOrDefault(event, 0) > 0 && failuresLeft.merge(event, -1, Integer::sum) >= 0
                        ? Reply.status(500) : null;
            }));

            int keys = 6;
            int perKey = 15;
            String blockedEvent = null;
            String deadEvent = null;
            for (int i = 0; i < perKey; i++) {
                for (int k = 0; k < keys; k++) {
                    String key = "conn-" + k;
                    String event = "run-" + k + "-" + i;
                    order.expect(key, event);
                    if ((i * keys + k) % 4 == 1) {
                        failuresLeft.put(event, 1); // a blip: the in-process redelivery sends it again
                    }
                    if (k == 2 && i == 3) {
                        failuresLeft.put(event, 9); // three rounds of three attempts: two durable retries
                        blockedEvent = event;
                    }
                    if (k == 4 && i == 5) {
                        failuresLeft.put(event, 1_000); // never succeeds: dead after the schedule
                        order.givenUp(event);
                        deadEvent = event;
                    }
                    ingest(env, "configly", FAILED.formatted(key, event));
                }
            }

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(order::allDelivered);
            assertThat(order.violations()).as("no event before the ones ahead of it in its key").isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> env.get("/v1/deliveries?status=dead").body().contains("connection.sync_failed"));
            // everything after the dead one in its key came after its last attempt: 7 rounds of 3
            assertThat(order.attempts(deadEvent)).isEqualTo(21);
            assertThat(deadAttemptsBeforeNext.get()).isEqualTo(21);
            assertThat(order.eventsOf("conn-4").subList(6, perKey)).allSatisfy(e -> assertThat(order.delivered(e)).isTrue());

            // head-of-line blocking stays within the key: other keys' later events went while conn-2 was held
            List<String> delivered = order.deliveredInOrder();
            int blockedAt = delivered.indexOf(blockedEvent);
            long othersBefore = delivered.subList(0, blockedAt).stream()
                    .filter(e -> !order.eventsOf("conn-2").contains(e)).count();
            System.out.printf("ordered: %d deliveries of other keys went while conn-2 waited for %s%n", othersBefore, blockedEvent);
            assertThat(othersBefore).as("other keys' deliveries before conn-2's blocked one").isGreaterThan(20);
            String firstAfterBlocked = order.eventsOf("conn-2").get(4);
            assertThat(delivered.indexOf(firstAfterBlocked)).isGreaterThan(blockedAt);

            var rows = jdbc.sql("SELECT COUNT(*) FROM ordered_deliveries WHERE subscription_id = ?")
                    .param((String) created.json().get("id")).query(Long.class).single();
            assertThat(rows).as("nothing waits any more").isZero();
        }
    }

    @Test
    void aResumedOrderedWebhookSendsItsHeldDeliveriesOneByOneInOrder() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            var created = env.post("/v1/webhooks", HubClient.json(Map.of("url", receiver.url("/paused"),
                    "events", List.of("connection.sync_failed"), "ordering_key", "connectionId", "paused", true)));
            String id = (String) created.json().get("id");
            PerKeyOrder order = new PerKeyOrder(OrderedDeliveryTest::nameIn);
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger mostInFlight = new AtomicInteger();
            receiver.replyBy(order.answering(event -> {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inFlight.decrementAndGet();
                return null;
            }));
            for (int i = 0; i < 12; i++) {
                order.expect("one", "p-" + i);
                ingest(env, "configly", FAILED.formatted("one", "p-" + i));
            }
            Thread.sleep(500);
            assertThat(receiver.received()).isEmpty();
            env.patch("/v1/webhooks/" + id, "{\"paused\": false}");
            await().atMost(Duration.ofSeconds(20)).until(order::allDelivered);
            assertThat(order.violations()).isEmpty();
            assertThat(order.deliveredInOrder()).containsExactlyElementsOf(order.eventsOf("one"));
            assertThat(mostInFlight.get()).as("one at a time").isEqualTo(1);
        }
    }

    @Test
    void anOrderingKeyMustBeAnExpression() {
        HubClient env = newEnvironment();
        var refused = env.post("/v1/webhooks", HubClient.json(Map.of("url", "https://example.com/o",
                "ordering_key", "connectionId (")));
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().get("detail").toString()).startsWith("ordering_key");
        String id = (String) env.post("/v1/webhooks", HubClient.json(Map.of("url", "https://example.com/o",
                "ordering_key", "connectionId"))).json().get("id");
        assertThat(env.patch("/v1/webhooks/" + id, "{\"ordering_key\": \"\"}").json()).doesNotContainKey("ordering_key");
    }
}
