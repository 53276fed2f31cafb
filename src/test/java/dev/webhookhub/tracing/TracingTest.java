package dev.webhookhub.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;
import dev.webhookhub.support.TestReceiver.Reply;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * A producer's W3C traceparent goes through ingest, mapping, routing and commit to every delivery attempt, and on to
 * the subscriber; the spans are read from the SDK's in-memory exporter.
 */
@Import(TracingTest.Spans.class)
class TracingTest extends HubTest {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String PARENT = "b7ad6b7169203331";
    private static final String SYNC_FAILED = "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"%s\",\"status\":\"failed\",\"error\":\"e\"}}";

    // imported, not a @TestConfiguration: the hubs that tests and benchmarks start as processes run with the test
    // classes on their classpath, and component scanning would give each of them an exporter keeping every span
    static class Spans {
        @Bean
        InMemorySpanExporter inMemorySpans() {
            return InMemorySpanExporter.create();
        }
    }

    @Autowired
    InMemorySpanExporter spans;

    @BeforeEach
    void forget() {
        spans.reset();
    }

    @Test
    void aProducersTraceGoesOnThroughIngestAndEveryAttemptToTheSubscriber() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            subscribe(env, receiver.url("/traced"), List.of("connection.sync_failed"));
            // the first round fails (three attempts in-process), the durable retry a second later succeeds
            receiver.thenReply(Reply.status(500), Reply.status(500), Reply.status(500));
            var accepted = env.post("/v1/ingest/configly", SYNC_FAILED.formatted("t-1"),
                    Map.of("traceparent", "00-" + TRACE_ID + "-" + PARENT + "-01"));
            assertThat(accepted.status()).isEqualTo(202);
            awaitReceived(receiver, 4);
            await().atMost(Duration.ofSeconds(5)).until(() -> attempts().size() == 4);

            SpanData ingest = only("ingest configly");
            assertThat(ingest.getTraceId()).isEqualTo(TRACE_ID);
            assertThat(ingest.getParentSpanId()).isEqualTo(PARENT);
            assertThat(ingest.getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(ingest.getAttributes().asMap().toString()).contains("hub.source=configly", "hub.events=1");
            for (String inside : List.of("mapping", "routing", "commit")) {
                assertThat(only(inside).getParentSpanId()).as(inside).isEqualTo(ingest.getSpanId());
                assertThat(only(inside).getTraceId()).isEqualTo(TRACE_ID);
            }

            List<SpanData> attempts = attempts();
            assertThat(attempts).allSatisfy(a -> {
                assertThat(a.getTraceId()).isEqualTo(TRACE_ID);
                assertThat(a.getParentSpanId()).isEqualTo(ingest.getSpanId());
                assertThat(a.getKind()).isEqualTo(SpanKind.CLIENT);
            });
            assertThat(attempts).filteredOn(a -> a.getStatus().getStatusCode() == StatusCode.ERROR).hasSize(3);
            assertThat(attempts).extracting(a -> a.getAttributes().asMap().toString())
                    .anyMatch(a -> a.contains("http.response.status_code=200") || a.contains("http.response.status_code=204"));
            // the subscriber got each attempt's own span as its parent
            List<String> sent = receiver.received().stream().map(r -> r.header("traceparent")).toList();
            assertThat(sent).hasSize(4).allSatisfy(t -> assertThat(t).startsWith("00-" + TRACE_ID + "-"));
            assertThat(sent.stream().map(t -> t.split("-")[2]).toList())
                    .containsExactlyInAnyOrderElementsOf(attempts.stream().map(SpanData::getSpanId).toList());
        }
    }

    @Test
    void withoutAUsableTraceparentAnEventStartsATraceOfItsOwn() throws Exception {
        HubClient env = newEnvironment();
        try (var receiver = TestReceiver.start()) {
            subscribe(env, receiver.url("/untraced"), List.of("connection.sync_failed"));
            ingest(env, "configly", SYNC_FAILED.formatted("t-2"));
            assertThat(env.post("/v1/ingest/configly", SYNC_FAILED.formatted("t-3"), Map.of("traceparent", "garbage")).status())
                    .isEqualTo(202);
            awaitReceived(receiver, 2);
            List<String> traces = receiver.received().stream().map(r -> r.header("traceparent").split("-")[1]).toList();
            assertThat(traces).doesNotHaveDuplicates().allSatisfy(t -> assertThat(t).hasSize(32).isNotEqualTo("0".repeat(32)));
            await().atMost(Duration.ofSeconds(5)).until(() -> attempts().size() == 2);
            assertThat(spans.getFinishedSpanItems()).filteredOn(s -> s.getName().startsWith("ingest"))
                    .allSatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());
        }
    }

    @Test
    void aWebhookCannotSetTheTraceHeaders() {
        var refused = newEnvironment().post("/v1/webhooks", HubClient.json(Map.of("url", "https://example.com/t",
                "headers", Map.of("traceparent", "00-" + TRACE_ID + "-" + PARENT + "-01"))));
        assertThat(refused.status()).isEqualTo(400);
    }

    private List<SpanData> attempts() {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("attempt ")).toList();
    }

    private SpanData only(String name) {
        List<SpanData> named = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(named).as(name).hasSize(1);
        return named.getFirst();
    }
}
