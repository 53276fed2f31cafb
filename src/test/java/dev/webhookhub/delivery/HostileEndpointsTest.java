package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HostileEndpoint;
import dev.webhookhub.support.HostileEndpoint.Behaviour;
import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/**
 * Endpoints that answer as an attacker would: 200 MiB of body, a gzip bomb, one byte a second, headers without end.
 * Each attempt ends within its deadline, the hub reads only the first few KiB of any answer (the endpoint could write
 * only a small part of its body before the hub hung up), nothing is inflated, the attempt log says what happened,
 * and a healthy webhook beside them is served while they are still trying.
 */
class HostileEndpointsTest extends HubTest {

    private static final int TIMEOUT_SECONDS = 2;
    private static final List<String> TYPES = List.of("connection.sync_failed");

    @Test
    void hostileAnswersCostTheHubAFewKibAndTheirDeadlineAndNobodyElseAnything() throws Exception {
        HubClient env = newEnvironment();
        List<HostileEndpoint> endpoints = new ArrayList<>();
        try (var healthy = TestReceiver.start()) {
            Map<Behaviour, String> webhooks = new java.util.EnumMap<>(Behaviour.class);
            for (Behaviour behaviour : Behaviour.values()) {
                HostileEndpoint endpoint = HostileEndpoint.start(behaviour);
                endpoints.add(endpoint);
                // one round of three tries, then the next attempt an hour away
                webhooks.put(behaviour, (String) env.post("/v1/webhooks", HubClient.json(Map.of("url", endpoint.url("/hook"),
                        "events", TYPES, "timeout_seconds", TIMEOUT_SECONDS, "retry_schedule", List.of("1h")))).json().get("id"));
            }
            subscribe(env, healthy.url("/healthy"), TYPES);

            for (int i = 0; i < 5; i++) {
                ingest(env, "configly", "{\"kind\":\"sync_run\",\"connection\":\"c" + i
                        + "\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"e\"}}");
            }

            // a status line answers the attempt (5 deliveries, 5 tries); without one, each delivery is tried 3 times
            for (Behaviour behaviour : Behaviour.values()) {
                int tries = behaviour == Behaviour.DRIP_HEAD || behaviour == Behaviour.ENDLESS_HEADERS ? 15 : 5;
                await().atMost(Duration.ofSeconds(60)).until(() -> attempts(webhooks.get(behaviour)).size() == tries);
            }
            long healthyDone = awaitReceived(healthy, 5).stream().mapToLong(TestReceiver.Received::receivedAtNanos).max()
                    .orElseThrow();
            HostileEndpoint dripHead = endpoints.get(Behaviour.DRIP_HEAD.ordinal());
            assertThat(healthyDone).as("the healthy webhook had every delivery before the first dripping attempt ended")
                    .isLessThan(dripHead.connections().getFirst().endedAtNanos());

            for (Behaviour behaviour : Behaviour.values()) {
                var connections = endpoints.get(behaviour.ordinal()).connections();
                System.out.printf("hostile %s: %d connections, at most %d bytes written, at most %d ms each%n", behaviour,
                        connections.size(), connections.stream().mapToLong(HostileEndpoint.Connection::bytesWritten).max().orElse(0),
                        connections.stream().mapToLong(HostileEndpoint.Connection::millis).max().orElse(0));
            }
            long deadlineMs = TIMEOUT_SECONDS * 1000L;
            for (Behaviour behaviour : Behaviour.values()) {
                assertThat(attempts(webhooks.get(behaviour))).as(behaviour + ": every attempt within its deadline")
                        .allSatisfy(a -> assertThat(((Number) a.get("latency_ms")).longValue()).isLessThan(deadlineMs + 1500));
            }

            var huge = endpoints.get(Behaviour.HUGE_BODY.ordinal());
            assertThat(huge.connections()).hasSize(5).allSatisfy(c -> assertThat(c.bytesWritten())
                    .as("bytes the endpoint got out of a %d-byte body before the hub hung up", HostileEndpoint.HUGE)
                    .isLessThan(HostileEndpoint.HUGE / 10));
            assertThat(attempts(webhooks.get(Behaviour.HUGE_BODY))).allSatisfy(a -> {
                assertThat(a.get("status_code")).isEqualTo(200);
                assertThat(a.get("note")).isEqualTo("response truncated at 4096 bytes");
                assertThat((String) a.get("response_body")).hasSize(4096);
            });
            assertThat(deliveryStatuses(webhooks.get(Behaviour.HUGE_BODY))).as("a 200 is a 200, however long its body")
                    .containsOnly("delivered");

            assertThat(attempts(webhooks.get(Behaviour.GZIP_BOMB))).allSatisfy(a -> {
                assertThat(a.get("note")).isEqualTo("response truncated at 4096 bytes");
                assertThat((String) a.get("response_body")).as("kept as sent, never inflated").doesNotContain("AAAA");
            });

            assertThat(attempts(webhooks.get(Behaviour.DRIP_BODY))).allSatisfy(a -> {
                assertThat(a.get("status_code")).isEqualTo(200);
                assertThat(a.get("note")).isEqualTo("deadline of 2 s exceeded while reading the response body");
                assertThat(((Number) a.get("latency_ms")).longValue()).isGreaterThanOrEqualTo(deadlineMs - 100);
            });

            assertThat(attempts(webhooks.get(Behaviour.DRIP_HEAD))).allSatisfy(a -> {
                assertThat(a.get("status_code")).isNull();
                assertThat(a.get("error")).isEqualTo("deadline of 2 s exceeded");
            });
            assertThat(deliveryStatuses(webhooks.get(Behaviour.DRIP_HEAD))).containsOnly("failed");

            var endless = endpoints.get(Behaviour.ENDLESS_HEADERS.ordinal());
            assertThat(endless.connections()).allSatisfy(c -> assertThat(c.bytesWritten()).isLessThan(HostileEndpoint.HUGE / 10));
            assertThat(attempts(webhooks.get(Behaviour.ENDLESS_HEADERS))).allSatisfy(a -> {
                assertThat(a.get("status_code")).isNull();
                assertThat((String) a.get("error")).containsIgnoringCase("header");
            });
        } finally {
            for (HostileEndpoint endpoint : endpoints) {
                endpoint.close();
            }
        }
    }

    private List<Map<String, Object>> attempts(String webhookId) {
        return jdbc.sql("""
                SELECT a.status_code, a.latency_ms, a.error, a.note, a.response_body FROM delivery_attempts a
                JOIN deliveries d ON d.id = a.delivery_id WHERE d.subscription_id = ? ORDER BY a.id""")
                .param(webhookId).query().listOfRows().stream()
                .map(row -> {
                    Map<String, Object> lower = new java.util.HashMap<>();
                    row.forEach((k, v) -> lower.put(k.toLowerCase(), v));
                    return lower;
                }).toList();
    }

    private List<String> deliveryStatuses(String webhookId) {
        return jdbc.sql("SELECT status FROM deliveries WHERE subscription_id = ?").param(webhookId).query(String.class).list();
    }
}
