package dev.webhookhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;

/**
 * The edges a hostile client probes first: response headers of the pages, the actuator on the main port, what the
 * API says about the server's files, and request bodies larger than any management call needs.
 */
class ApiEdgesTest extends HubTest {

    @Test
    void pagesAndAnswersCarryTheSecurityHeaders() {
        for (String path : List.of("/", "/swagger-ui/index.html", "/v1/event-types")) {
            var response = hub().get(path);
            assertThat(response.status()).as(path).isEqualTo(200);
            assertThat(header(response, "content-security-policy")).as(path)
                    .contains("default-src 'self'").contains("script-src 'self'").contains("frame-ancestors 'none'");
            assertThat(header(response, "x-content-type-options")).as(path).isEqualTo("nosniff");
            assertThat(header(response, "x-frame-options")).as(path).isEqualTo("DENY");
            assertThat(header(response, "referrer-policy")).as(path).isEqualTo("no-referrer");
        }
    }

    @Test
    void onTheMainPortOnlyHealthIsOpenAndMetricsNeedTheAdminToken() {
        assertThat(hub().as(null).get("/actuator/health").status()).isEqualTo(200);
        assertThat(hub().as(null).get("/actuator/health/liveness").status()).isEqualTo(200);
        var anonymous = hub().as(null).get("/actuator/prometheus");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).isEqualTo("application/problem+json");
        assertThat(anonymous.body()).doesNotContain("hub_");
        assertThat(hub().get("/actuator/prometheus").status()).as("a tenant's API key is not enough").isEqualTo(401);
        var admin = admin().get("/actuator/prometheus");
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void sourcesNameTheirFilesButNotWhereTheServerKeepsThem() {
        var sources = hub().get("/v1/sources").json();
        @SuppressWarnings("unchecked")
        var loaded = (List<Map<String, Object>>) sources.get("sources");
        assertThat(loaded).extracting(s -> s.get("file")).contains("configly.yaml", "feedback.yaml")
                .allSatisfy(file -> assertThat((String) file).doesNotContain("/"));
    }

    @Test
    void aManagementBodyOverItsLimitIsRefusedBeforeItIsParsed() throws Exception {
        String big = "{\"url\":\"https://example.com/\",\"description\":\"" + "x".repeat(70_000) + "\"}";
        var declared = hub().post("/v1/webhooks", big);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.contentType()).isEqualTo("application/problem+json");
        assertThat((String) declared.json().get("detail")).contains("hub.api.max-body-bytes (65536 bytes)");

        // no Content-Length: the body arrives chunked and reading stops at the limit
        var chunked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/webhooks"))
                .header("Authorization", "Bearer " + API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.body()).contains("hub.api.max-body-bytes");

        var ingest = hub().post("/v1/ingest/configly", "{\"kind\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}");
        assertThat(ingest.status()).isEqualTo(413);
        assertThat((String) ingest.json().get("detail")).contains("hub.ingest.max-bytes");
    }

    @Test
    void oversizedHeadersGetA431AnswerNotAReset() throws Exception {
        String raw = "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"h\",\"status\":\"failed\",\"error\":\"e\"}}";
        // up to server.max-http-request-header-size (32KB), which Tomcat allocates for every request it works on
        for (int size : new int[] {20_000, 30_000}) {
            var response = hub().post("/v1/ingest/configly", raw, java.util.Map.of("X-Junk", "j".repeat(size)));
            assertThat(response.status()).as("%d bytes of header", size).isEqualTo(431);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
            assertThat((String) response.json().get("detail")).contains("hub.api.max-header-bytes");
        }
        assertThat(hub().post("/v1/ingest/configly", raw, java.util.Map.of("X-Small", "j".repeat(4_000))).status())
                .as("headers within the limit").isEqualTo(202);
    }

    private static String header(HubClient.Response response, String name) {
        return response.headers().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
    }
}
