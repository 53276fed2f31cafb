package dev.webhookhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/**
 * Configly (seed 000) through the real HTTP API: raw events in, signed envelopes out at a real receiver, each
 * signature checked with the Standard Webhooks reference library and each envelope compared field by field.
 */
class ConfiglyEndToEndTest extends HubTest {

    private static final List<String> ALL_ACTIVE = List.of("connection.sync_completed", "connection.sync_failed",
            "config.applied", "health_check.completed", "health_check.score_changed", "health_check.critical_finding");
    private static final String ISO_MILLIS = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HubClient env;
    private TestReceiver receiver;
    private String secret;
    private String connection;

    @BeforeEach
    void subscribe() throws Exception {
        env = newEnvironment();
        receiver = TestReceiver.start();
        secret = (String) subscribe(env, receiver.url("/configly"), ALL_ACTIVE).get("secret");
        connection = "clx" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void syncCompletedCarriesCountsAndDuration() throws Exception {
        var ids = ingest(env, "configly", """
                {"kind":"sync_run","connection":"%s","run":{"id":"run_1","status":"completed","snapshot":12,"total":100,
                 "ok":98,"failed":2,"startedAt":"2026-04-15T14:30:00.000Z","finishedAt":"2026-04-15T14:30:04.250Z"}}"""
                .formatted(connection));

        var envelopes = delivered(ids);
        assertEnvelope(envelopes.get(0), ids.get(0), "connection.sync_completed", ordered("snapshotVersion", 12, "totalCount", 100,
                "successCount", 98, "failureCount", 2, "durationMs", 4250));
    }

    @Test
    void syncFailedCarriesTheError() throws Exception {
        var ids = ingest(env, "configly", """
                {"kind":"sync_run","connection":"%s","run":{"id":"run_2","status":"failed","error":"Zendesk API 401"}}"""
                .formatted(connection));

        assertEnvelope(delivered(ids).get(0), ids.get(0), "connection.sync_failed", Map.of("error", "Zendesk API 401"));
    }

    @Test
    void applyIsPartialWhenSomeChangesFailAndSilentWhenAllFail() throws Exception {
        var partial = ingest(env, "configly", apply("op_1", true, false));
        var success = ingest(env, "configly", apply("op_2", true, true));
        var allFailed = ingest(env, "configly", apply("op_3", false, false));

        assertThat(allFailed).as("no config.applied when every change failed").isEmpty();
        var envelopes = delivered(List.of(partial.get(0), success.get(0)));
        assertEnvelope(envelopes.get(0), partial.get(0), "config.applied", ordered("operationId", "op_1", "changeReason",
                "SLA fix", "status", "partial", "changeCount", 2, "successCount", 1, "failureCount", 1,
                "preSnapshotVersion", "12", "postSnapshotVersion", "13"));
        assertEnvelope(envelopes.get(1), success.get(0), "config.applied", ordered("operationId", "op_2", "changeReason",
                "SLA fix", "status", "success", "changeCount", 2, "successCount", 2, "failureCount", 0,
                "preSnapshotVersion", "12", "postSnapshotVersion", "13"));
        Thread.sleep(300);
        assertThat(receiver.received()).hasSize(2);
    }

    @Test
    void healthReportsEmitCompletedScoreChangedAndNewCriticalFindingsInOrder() throws Exception {
        // first report: no score_changed, and every critical finding is new
        var first = ingest(env, "configly", report("rep_1", 80,
                finding("SLA-01", "critical", "trigger:9", "view:3"),
                finding("INFO-1", "info")));
        assertThat(first).hasSize(2);
        var firstEnvelopes = delivered(first);
        assertEnvelope(firstEnvelopes.get(0), first.get(0), "health_check.completed", ordered("reportId", "rep_1", "score", 80,
                "totalFindings", 2, "criticalCount", 1, "warningCount", 0, "infoCount", 1));
        assertEnvelope(firstEnvelopes.get(1), first.get(1), "health_check.critical_finding", ordered("reportId", "rep_1",
                "newCriticalCount", 1, "findings", List.of(ordered("checkId", "SLA-01", "severity", "critical",
                        "title", "SLA-01 title", "category", "sla"))));

        // same score; the known finding with its affected objects reordered is not new; a new affected set and a
        // new check are
        var second = ingest(env, "configly", report("rep_2", 80,
                finding("SLA-01", "critical", "view:3", "trigger:9"),
                finding("SLA-01", "critical", "view:4"),
                finding("SLA-02", "critical", "trigger:1"),
                finding("WARN-1", "warning")));
        assertThat(second).as("completed and critical_finding, no score_changed on an equal score").hasSize(2);
        var secondEnvelopes = delivered(second);
        assertThat(secondEnvelopes.get(0).get("type")).isEqualTo("health_check.completed");
        assertEnvelope(secondEnvelopes.get(1), second.get(1), "health_check.critical_finding", ordered("reportId", "rep_2",
                "newCriticalCount", 2, "findings", List.of(
                        ordered("checkId", "SLA-01", "severity", "critical", "title", "SLA-01 title", "category", "sla"),
                        ordered("checkId", "SLA-02", "severity", "critical", "title", "SLA-02 title", "category", "sla"))));

        // score drops, nothing critical is new: completed then score_changed
        var third = ingest(env, "configly", report("rep_3", 72,
                finding("SLA-01", "critical", "trigger:9", "view:3"),
                finding("WARN-1", "warning")));
        assertThat(third).hasSize(2);
        var thirdEnvelopes = delivered(third);
        assertEnvelope(thirdEnvelopes.get(0), third.get(0), "health_check.completed", ordered("reportId", "rep_3", "score", 72,
                "totalFindings", 2, "criticalCount", 1, "warningCount", 1, "infoCount", 0));
        assertEnvelope(thirdEnvelopes.get(1), third.get(1), "health_check.score_changed", ordered("reportId", "rep_3",
                "previousScore", 80, "newScore", 72, "delta", -8));

        // all three at once, in the documented order
        var fourth = ingest(env, "configly", report("rep_4", 90, finding("SLA-09", "critical", "view:1")));
        assertThat(delivered(fourth)).extracting(e -> e.get("type")).containsExactly("health_check.completed",
                "health_check.score_changed", "health_check.critical_finding");
    }

    @Test
    void previousReportIsKeptPerConnection() throws Exception {
        ingest(env, "configly", report("rep_a", 50));
        String other = connection + "-other";
        var otherFirst = ingest(env, "configly", report("rep_b", 99).replace(connection, other));
        assertThat(otherFirst).as("another connection's first report has no score_changed").hasSize(1);
    }

    @Test
    void subscribersOnlyGetTheTypesTheyChose() throws Exception {
        try (var narrow = TestReceiver.start()) {
            subscribe(env, narrow.url("/narrow"), List.of("connection.sync_failed", "config.changed"));
            ingest(env, "configly", report("rep_n", 10));
            var failed = ingest(env, "configly", """
                    {"kind":"sync_run","connection":"%s","run":{"id":"r","status":"failed","error":"boom"}}""".formatted(connection));
            var received = awaitReceived(narrow, 1);
            Thread.sleep(300);
            assertThat(narrow.received()).hasSize(1);
            assertThat(body(received.get(0)).get("id")).isEqualTo(failed.get(0));
        }
    }

    private List<Map<String, Object>> delivered(List<String> ids) throws Exception {
        var byId = new java.util.HashMap<String, Map<String, Object>>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (var r : receiver.received()) {
                byId.put((String) body(r).get("id"), body(r));
            }
            return byId.keySet().containsAll(ids);
        });
        for (var r : receiver.received()) {
            r.verify(secret);
            assertThat(r.header("webhook-id")).isEqualTo(body(r).get("id"));
            assertThat(r.header("content-type")).startsWith("application/json");
        }
        return ids.stream().map(byId::get).toList();
    }

    private static void assertEnvelope(Map<String, Object> envelope, String id, String type, Map<String, Object> data) {
        assertThat(envelope.keySet()).containsExactly("id", "type", "timestamp", "connectionId", "data");
        assertThat((String) envelope.get("id")).matches("evt_[a-z0-9]{16}").isEqualTo(id);
        assertThat(envelope.get("type")).isEqualTo(type);
        assertThat((String) envelope.get("timestamp")).matches(ISO_MILLIS);
        @SuppressWarnings("unchecked")
        var actual = (Map<String, Object>) envelope.get("data");
        assertThat(actual).isEqualTo(data);
        assertThat(actual.keySet()).containsExactlyElementsOf(data.keySet());
    }

    private static Map<String, Object> body(TestReceiver.Received r) {
        try {
            return JSON.readValue(r.body(), new TypeReference<LinkedHashMap<String, Object>>() {
            });
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Object> ordered(Object... pairs) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private String apply(String operation, boolean... outcomes) {
        var changes = new java.util.ArrayList<Map<String, Object>>();
        for (int i = 0; i < outcomes.length; i++) {
            changes.add(Map.of("target", "trigger:" + i, "ok", outcomes[i]));
        }
        return HubClient.json(Map.of("kind", "apply", "connection", connection, "operation", Map.of("id", operation,
                "reason", "SLA fix", "preSnapshot", "12", "postSnapshot", "13", "changes", changes)));
    }

    private String report(String id, int score, Map<?, ?>... findings) {
        return HubClient.json(Map.of("kind", "health_report", "connection", connection, "report",
                Map.of("id", id, "score", score, "findings", List.of(findings))));
    }

    private static Map<String, Object> finding(String checkId, String severity, String... affected) {
        return Map.of("checkId", checkId, "severity", severity, "title", checkId + " title",
                "category", checkId.startsWith("SLA") ? "sla" : "general", "affected", List.of(affected));
    }

}
