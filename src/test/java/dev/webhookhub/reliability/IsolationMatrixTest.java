package dev.webhookhub.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/**
 * Every endpoint the hub maps, found at run time (a new one is covered the day it is added), called with no key, a
 * wrong key and another environment's key, on resources of environment A: 401 or 404, and never a byte of A's data.
 */
class IsolationMatrixTest extends HubTest {

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void noEndpointServesAnEnvironmentsDataWithoutItsKey() throws Exception {
        HubClient a = newEnvironment();
        HubClient b = newEnvironment();
        Map<String, String> ids = new TreeMap<>();
        Map<String, Object> webhook;
        try (var receiver = TestReceiver.start()) {
            webhook = subscribe(a, receiver.url("/isolation-a"), List.of("connection.sync_failed"));
            ids.put("webhook", (String) webhook.get("id"));
            ids.put("event", ingest(a, "configly", "{\"kind\":\"sync_run\",\"connection\":\"iso-a\",\"run\":{\"id\":\"iso-1\","
                    + "\"status\":\"failed\",\"error\":\"secret-of-a\"}}").get(0));
            awaitReceived(receiver, 1);
        }
        ids.put("delivery", (String) ((List<Map<String, Object>>) a.get("/v1/deliveries").json().get("data")).get(0).get("id"));
        ids.put("operational", (String) a.post("/v1/operational-webhooks", HubClient.json(Map.of("url",
                "https://ops.example.com/isolation-a"))).json().get("id"));
        ids.put("job", (String) a.post("/v1/webhooks/" + ids.get("webhook") + "/recover",
                "{\"since\": \"2020-01-01T00:00:00Z\"}").json().get("job_id"));
        ids.put("environment", jdbc.sql("SELECT environment_id FROM subscriptions WHERE id = ?").param(ids.get("webhook"))
                .query(String.class).single());
        ids.put("key", jdbc.sql("SELECT id FROM api_keys WHERE environment_id = ?").param(ids.get("environment"))
                .query(String.class).list().get(0));
        // what must never show up in an answer to anyone but A
        List<String> secretsOfA = List.of(ids.get("webhook"), ids.get("event"), ids.get("delivery"), (String) webhook.get("secret"),
                "isolation-a", "iso-a", "secret-of-a", ids.get("operational"), ids.get("job"));

        Map<String, String> callers = new TreeMap<>(Map.of("no key", "", "wrong key", "Bearer cly_wrong_" + ids.get("event"),
                "other environment's key", "Bearer " + b.token(), "A's key as admin token", "Bearer " + a.token()));
        List<String> endpoints = new ArrayList<>();
        List<String> violations = new ArrayList<>();
        int calls = 0;
        for (var mapping : mappings.getHandlerMethods().entrySet()) {
            var info = mapping.getKey();
            for (String pattern : info.getPatternValues()) {
                if (!pattern.startsWith("/v1/") && !pattern.startsWith("/webhook")) {
                    continue;
                }
                String path = fill(pattern, ids);
                boolean admin = pattern.startsWith("/v1/environments");
                // authenticated by the producer's signature, not by any key: refused for every caller here
                boolean inbound = pattern.startsWith("/v1/inbound/");
                for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                    endpoints.add(method + " " + pattern);
                    for (var caller : callers.entrySet()) {
                        if (caller.getKey().equals("A's key as admin token") && !admin) {
                            continue;
                        }
                        HttpResponse<String> response = send(method.name(), path, caller.getValue());
                        calls++;
                        int status = response.statusCode();
                        boolean ofA = pattern.contains("{id}") || pattern.contains("{keyId}");
                        // another environment may use the collections (its own webhooks, its own ingest), never A's ids
                        boolean refused = inbound ? status == 401 || status == 404
                                : !caller.getKey().equals("other environment's key") || admin ? status == 401
                                : ofA ? status == 404 : status < 500;
                        // an id the caller sent may come back in the problem's detail; anything else of A may not
                        var leaked = secretsOfA.stream().filter(response.body()::contains).filter(s -> !path.contains(s)).toList();
                        if (!refused || !leaked.isEmpty()) {
                            violations.add(method + " " + path + " with " + caller.getKey() + " -> " + status
                                    + (leaked.isEmpty() ? "" : " leaking " + leaked) + ": " + response.body());
                        }
                    }
                }
            }
        }
        Reliability.report("isolation", endpoints.size() + " endpoints x " + callers.size() + " callers (" + calls
                + " calls): " + violations.size() + " answered with data or without 401/404; endpoints " + endpoints);

        assertThat(endpoints).as("the matrix found the API").hasSizeGreaterThan(20);
        assertThat(violations).isEmpty();
        assertThat(a.get("/v1/webhooks/" + ids.get("webhook") + "/secret").json().get("secret")).as("A's webhook is untouched")
                .isEqualTo(webhook.get("secret"));
    }

    /** A path of A's own resources; a variable nobody taught the matrix fails the test rather than go untested. */
    private static String fill(String pattern, Map<String, String> ids) {
        String path = pattern
                .replace("/v1/webhooks/{id}", "/v1/webhooks/" + ids.get("webhook"))
                .replace("/webhook/{id}", "/webhook/" + ids.get("webhook"))
                .replace("/v1/events/{id}", "/v1/events/" + ids.get("event"))
                .replace("/v1/deliveries/{id}", "/v1/deliveries/" + ids.get("delivery"))
                .replace("/v1/operational-webhooks/{id}", "/v1/operational-webhooks/" + ids.get("operational"))
                .replace("/v1/jobs/{id}", "/v1/jobs/" + ids.get("job"))
                .replace("/v1/environments/{id}", "/v1/environments/" + ids.get("environment"))
                .replace("{keyId}", ids.get("key"))
                .replace("{source}", "configly")
                .replace("/v1/inbound/{environment}/{path}", "/v1/inbound/default/configly");
        assertThat(path).as("every path variable of " + pattern + " has an id of A").doesNotContain("{");
        return path + (path.endsWith("/replay") ? "?since=2020-01-01T00:00:00Z" : "");
    }

    private HttpResponse<String> send(String method, String path, String authorization) throws Exception {
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Content-Type", "application/json");
        if (!authorization.isEmpty()) {
            builder.header("Authorization", authorization);
        }
        String body = path.contains("/recover") ? "{\"since\": \"2020-01-01T00:00:00Z\"}"
                : path.startsWith("/v1/ingest") || path.contains("/preview")
                ? "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"x\",\"status\":\"failed\",\"error\":\"e\"}}"
                : path.startsWith("/v1/environments") ? "{\"name\":\"intruder\"}" : "{\"is_active\":false}";
        builder.method(method, method.equals("GET") || method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(path.endsWith("/batch") ? "[" + body + "]" : body));
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
