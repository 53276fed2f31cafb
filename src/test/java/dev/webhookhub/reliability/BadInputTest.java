package dev.webhookhub.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;

/**
 * Generated malformed requests against ingest and the API: broken JSON, wrong types, missing fields, huge and deeply
 * nested documents, invalid UTF-8, header abuse, unknown ids and another environment's ids. Not one answer is a 5xx
 * or carries a stack trace, the hub is healthy afterwards, and not a row was written.
 */
class BadInputTest extends HubTest {

    private static final int REQUESTS = Reliability.FULL ? 50_000 : 10_000;
    /** Not delivery_attempts: the hub keeps trying the setup event's delivery to a closed port meanwhile. */
    private static final List<String> TABLES = List.of("environments", "api_keys", "subscriptions", "events", "deliveries",
            "idempotency_keys", "mapping_state");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ODD_IDS = {"../../etc/passwd", "%00", "%2e%2e%2f", "' OR 1=1 --", "x".repeat(5000),
            "%F0%9F%92%A9", "%ED%A0%80", "%ZZ", "a b", "<script>", "\uD83D\uDCA9", "null", "-1", "0", UUID.randomUUID().toString(), "whk_" + UUID.randomUUID(),
            "evt_0", "msg_", "%20"};

    /** One malformed request and what it is meant to break. */
    record Case(String kind, String method, String path, Map<String, String> headers, byte[] body) {
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void malformedRequestsNeverGetA5xxAndStoreNothing() throws Exception {
        HubClient own = newEnvironment();
        HubClient other = newEnvironment();
        String ownKey = own.token();
        String ownWebhook = (String) subscribe(own, "http://127.0.0.1:9/own", List.of("connection.sync_failed")).get("id");
        String foreignWebhook = (String) subscribe(other, "http://127.0.0.1:9/other", List.of("connection.sync_failed")).get("id");
        String foreignEvent = ingest(other, "configly", "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"e\"}}").get(0);
        String foreignDelivery = jdbc.sql("SELECT id FROM deliveries WHERE event_id = ?").param(foreignEvent).query(String.class).single();
        Map<String, Object> ownWebhookBefore = settings(own, ownWebhook);
        Map<String, Object> foreignWebhookBefore = settings(other, foreignWebhook);
        Map<String, Long> before = counts();

        var generator = new Generator(new Random(20261123), validRaws(), ownKey, ownWebhook,
                List.of(foreignWebhook, foreignEvent, foreignDelivery));
        Map<String, Map<Integer, AtomicLong>> statuses = new ConcurrentHashMap<>();
        var failures = new ConcurrentLinkedQueue<String>();
        // cases are made as they are sent, a few ahead: 50,000 of them (huge documents among them) do not fit in memory
        var ahead = new Semaphore(64);
        try (var pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < REQUESTS; i++) {
                Case c = generator.next();
                ahead.acquireUninterruptibly();
                pool.execute(() -> {
                    try {
                        check(c, statuses, failures);
                    } finally {
                        ahead.release();
                    }
                });
            }
        }

        Map<String, Map<Integer, Long>> byKind = new TreeMap<>();
        statuses.forEach((kind, counts) -> {
            Map<Integer, Long> plain = new TreeMap<>();
            counts.forEach((status, n) -> plain.put(status, n.get()));
            byKind.put(kind, plain);
        });
        long fiveHundreds = byKind.values().stream().flatMap(m -> m.entrySet().stream())
                .filter(e -> e.getKey() >= 500 || e.getKey() < 0).mapToLong(Map.Entry::getValue).sum();
        Map<String, Long> after = counts();
        Reliability.report("bad-input", REQUESTS + " malformed requests, " + fiveHundreds + " answered 5xx or not at all, "
                + failures.size() + " not refused cleanly; rows before " + before + ", after " + after + "; statuses by kind "
                + byKind);
        Files.writeString(Path.of("target", "reliability", "bad-input-failures.txt"), String.join("\n", failures));

        assertThat(failures).as("requests not refused with a clean 4xx (first 20)").isEmpty();
        assertThat(after).as("nothing stored").isEqualTo(before);
        assertThat(hub().get("/actuator/health").status()).as("the hub is healthy").isEqualTo(200);
        assertThat(settings(own, ownWebhook)).as("the own webhook is unchanged").isEqualTo(ownWebhookBefore);
        assertThat(settings(other, foreignWebhook)).as("the other environment's webhook is unchanged")
                .isEqualTo(foreignWebhookBefore);
    }

    /** A webhook as its owner set it, without the delivery state the hub keeps on it (failing_since). */
    private static Map<String, Object> settings(HubClient client, String webhook) {
        Map<String, Object> view = new TreeMap<>(client.get("/v1/webhooks/" + webhook).json());
        view.remove("failing_since");
        return view;
    }

    private HttpResponse<String> send(Case c) throws IOException, InterruptedException {
        var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + c.path())).timeout(Duration.ofSeconds(30));
        c.headers().forEach(builder::header);
        builder.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        TABLES.forEach(table -> counts.put(table, count(table)));
        return counts;
    }

    /** A raw event every source's mapping takes, from its golden samples; the generator breaks it. */
    private static Map<String, ObjectNode> validRaws() throws IOException {
        Map<String, ObjectNode> raws = new TreeMap<>();
        var yaml = new YAMLMapper();
        try (var sources = Files.list(Path.of("mappings"))) {
            for (Path dir : sources.filter(Files::isDirectory).toList()) {
                try (var samples = Files.list(dir.resolve("samples"))) {
                    for (Path sample : samples.sorted().toList()) {
                        for (JsonNode step : yaml.readTree(sample.toFile()).path("steps")) {
                            if (!step.has("error") && step.path("raw").isObject() && !raws.containsKey(dir.getFileName().toString())) {
                                raws.put(dir.getFileName().toString(), (ObjectNode) step.get("raw"));
                            }
                        }
                    }
                }
            }
        }
        assertThat(raws).as("a valid raw event per source").hasSize(5);
        return raws;
    }

    private void check(Case c, Map<String, Map<Integer, AtomicLong>> statuses, ConcurrentLinkedQueue<String> failures) {
        int status;
        String body;
        try {
            HttpResponse<String> response = send(c);
            status = response.statusCode();
            body = response.body();
        } catch (IOException | InterruptedException | RuntimeException e) {
            status = -1;
            body = e.toString();
        }
        statuses.computeIfAbsent(c.kind(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        if (status < 400 || status >= 500 || body.contains("\tat ") || body.contains("Exception")) {
            failures.add(c.kind() + " " + c.method() + " " + abbreviate(c.path()) + " " + c.headers().keySet() + " "
                    + (c.body() == null ? "" : abbreviate(new String(c.body(), StandardCharsets.UTF_8))) + " -> " + status
                    + " " + abbreviate(body));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    /** Breaks requests in every way it knows, at random but reproducibly (fixed seed). */
    private static final class Generator {

        private final Random random;
        private final Map<String, ObjectNode> raws;
        private final List<String> sources;
        private final String key;
        private final String ownWebhook;
        private final List<String> foreignIds;
        private final List<Function<Random, Case>> kinds = new ArrayList<>();

        Generator(Random random, Map<String, ObjectNode> raws, String key, String ownWebhook, List<String> foreignIds) {
            this.random = random;
            this.raws = raws;
            this.sources = List.copyOf(raws.keySet());
            this.key = key;
            this.ownWebhook = ownWebhook;
            this.foreignIds = foreignIds;
            kinds.add(this::truncatedRaw);
            kinds.add(this::rawWithoutARequiredField);
            kinds.add(this::rawWithAWrongType);
            kinds.add(this::rawThatIsNotAnObject);
            kinds.add(this::rawWithInvalidUtf8);
            kinds.add(this::deeplyNestedRaw);
            kinds.add(this::hugeRaw);
            kinds.add(this::headerAbuse);
            kinds.add(this::badBatch);
            kinds.add(this::unknownSource);
            kinds.add(this::badSubscription);
            kinds.add(this::badPatch);
            kinds.add(this::unknownOrForeignId);
            kinds.add(this::badQuery);
            kinds.add(this::badEnvironment);
        }

        Case next() {
            return kinds.get(random.nextInt(kinds.size())).apply(random);
        }

        private String source() {
            return sources.get(random.nextInt(sources.size()));
        }

        private Map<String, String> auth() {
            return Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json");
        }

        private Case ingest(String kind, String source, byte[] body) {
            boolean batch = random.nextInt(4) == 0 && !kind.equals("not-an-object");
            if (batch) {
                byte[] wrapped = new byte[body.length + 2];
                wrapped[0] = '[';
                System.arraycopy(body, 0, wrapped, 1, body.length);
                wrapped[wrapped.length - 1] = ']';
                body = wrapped;
            }
            String path = random.nextInt(8) == 0 ? "/v1/sources/" + source + "/preview"
                    : "/v1/ingest/" + source + (batch ? "/batch" : "");
            return new Case(kind, "POST", path, auth(), body);
        }

        private Case truncatedRaw(Random r) {
            String source = source();
            String json = raws.get(source).toString();
            return ingest("truncated-json", source, json.substring(0, 1 + r.nextInt(json.length() - 1)).getBytes(StandardCharsets.UTF_8));
        }

        private Case rawWithoutARequiredField(Random r) {
            String source = source();
            ObjectNode raw = raws.get(source).deepCopy();
            List<String> fields = new ArrayList<>();
            raw.fieldNames().forEachRemaining(fields::add);
            // the first field of every sample is its discriminator, which every raw schema requires
            raw.remove(fields.getFirst());
            return ingest("missing-field", source, raw.toString().getBytes(StandardCharsets.UTF_8));
        }

        private Case rawWithAWrongType(Random r) {
            String source = source();
            ObjectNode raw = raws.get(source).deepCopy();
            String discriminator = raw.fieldNames().next();
            Object[] wrong = {42, -1.5e300, true, List.of(), List.of("x", 1), Map.of("a", 1), ""};
            raw.set(discriminator, JSON.valueToTree(wrong[r.nextInt(wrong.length)]));
            return ingest("wrong-type", source, raw.toString().getBytes(StandardCharsets.UTF_8));
        }

        private Case rawThatIsNotAnObject(Random r) {
            String[] values = {"42", "\"text\"", "null", "true", "[]", "[1,2]", "{}", " ", "\u0000", "NaN", "{\"a\":1}{\"b\":2}"};
            return ingest("not-an-object", source(), values[r.nextInt(values.length)].getBytes(StandardCharsets.UTF_8));
        }

        private Case rawWithInvalidUtf8(Random r) {
            String source = source();
            byte[] json = raws.get(source).toString().getBytes(StandardCharsets.UTF_8);
            int quote = indexOfNthQuote(json, 3 + 2 * r.nextInt(2));
            byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, "\\ud800".getBytes(StandardCharsets.US_ASCII), {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
            byte[] insert = bad[r.nextInt(bad.length)];
            byte[] body = new byte[json.length + insert.length];
            System.arraycopy(json, 0, body, 0, quote + 1);
            System.arraycopy(insert, 0, body, quote + 1, insert.length);
            System.arraycopy(json, quote + 1, body, quote + 1 + insert.length, json.length - quote - 1);
            return ingest("invalid-utf8", source, body);
        }

        /** Percent-encoded, so that the client sends it as it is and the hub is the one to make sense of it. */
        private static String segment(String raw) {
            return java.net.URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
        }

        private static int indexOfNthQuote(byte[] json, int n) {
            int seen = 0;
            for (int i = 0; i < json.length; i++) {
                if (json[i] == '"' && ++seen == n) {
                    return i;
                }
            }
            return 0;
        }

        private Case deeplyNestedRaw(Random r) {
            String source = source();
            int depth = 2_000 + r.nextInt(50_000);
            String json = raws.get(source).toString();
            String nested = "[".repeat(depth) + "]".repeat(depth);
            return ingest("deep-nesting", source, (json.substring(0, json.length() - 1) + ",\"deep\":" + nested + "}")
                    .getBytes(StandardCharsets.UTF_8));
        }

        private Case hugeRaw(Random r) {
            String source = source();
            String json = raws.get(source).toString();
            String padding = "x".repeat(1_048_576 + r.nextInt(1_000_000));
            return ingest("huge", source, (json.substring(0, json.length() - 1) + ",\"pad\":\"" + padding + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }

        private Case headerAbuse(Random r) {
            String source = source();
            byte[] body = raws.get(source).toString().getBytes(StandardCharsets.UTF_8);
            String path = "/v1/ingest/" + source;
            return switch (r.nextInt(9)) {
                case 0 -> new Case("headers", "POST", path, Map.of("Content-Type", "application/json"), body);
                case 1 -> new Case("headers", "POST", path, Map.of("Authorization", "Bearer wrong-" + r.nextInt(), "Content-Type", "application/json"), body);
                case 2 -> new Case("headers", "POST", path, Map.of("Authorization", "Basic " + key, "Content-Type", "application/json"), body);
                case 3 -> new Case("headers", "POST", path, Map.of("Authorization", "Bearer " + "k".repeat(4000 + r.nextInt(20_000)), "Content-Type", "application/json"), body);
                case 4 -> new Case("headers", "POST", path, Map.of("Authorization", "Bearer " + key, "Content-Type", List.of("text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "garbage").get(r.nextInt(5))), body);
                case 5 -> new Case("headers", "POST", path, Map.of("Authorization", "Bearer " + key), body);
                case 6 -> new Case("headers", "POST", path, Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json", "Idempotency-Key", "i".repeat(256 + r.nextInt(7000))), body);
                case 7 -> new Case("headers", "POST", path, Map.of("Authorization", "Bearer " + key, "Content-Type", "application/json", "X-Junk", "j".repeat(20_000 + r.nextInt(50_000))), body);
                default -> new Case("headers", List.of("PUT", "DELETE", "PATCH", "GET").get(r.nextInt(4)), path, auth(), body);
            };
        }

        private Case badBatch(Random r) {
            String source = source();
            String valid = raws.get(source).toString();
            String[] bodies = {"[]", "{}", "null", "[" + valid + ",{}]", "[" + valid + ",42]", "[" + valid + "," + valid.substring(0, valid.length() / 2) + "]",
                    "[" + "null,".repeat(1000) + "null]", "[" + valid + ",[" + valid + "]]"};
            return new Case("batch", "POST", "/v1/ingest/" + source + "/batch", auth(), bodies[r.nextInt(bodies.length)].getBytes(StandardCharsets.UTF_8));
        }

        private Case unknownSource(Random r) {
            String valid = raws.get(source()).toString();
            return new Case("unknown-source", "POST", "/v1/ingest/" + segment(ODD_IDS[r.nextInt(ODD_IDS.length)]), auth(),
                    valid.getBytes(StandardCharsets.UTF_8));
        }

        private static final String[] BAD_SUBSCRIPTIONS = {
            "{\"url\":42,\"events\":[\"connection.sync_failed\"]}",
            "{\"url\":[\"http://127.0.0.1:9/x\"],\"events\":[\"connection.sync_failed\"]}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":\"connection.sync_failed\"}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[42]}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"no.such.type\"]}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[null]}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\",\"connection.sync_failed\"]}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"],\"description\":\"" + "d".repeat(1001) + "\"}",
            "{\"url\":\"not a url\",\"events\":[\"connection.sync_failed\"]}",
            "{\"url\":\"ftp://127.0.0.1/x\",\"events\":[\"connection.sync_failed\"]}",
            "{\"url\":\"javascript:alert(1)\",\"events\":[\"connection.sync_failed\"]}",
            "{\"url\":\"http://\",\"events\":[\"connection.sync_failed\"]}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"],\"rate_limit\":\"fast\"}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"],\"rate_limit\":-5}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"],\"rate_limit\":1e40}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"],\"retry_schedule\":[\"soon\"]}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"],\"retry_schedule\":\"5s\"}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"],\"timeout_seconds\":-1}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"],\"filter\":\"(((\"}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"],\"filter\":42}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"],\"format\":\"xml\"}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"],\"sources\":[\"nope\"]}",
            "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"],\"is_active\":\"yes\"}",
            "{\"events\":[\"connection.sync_failed\"]}",
            "[]", "42", "", "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"connection.sync_failed\"]",
        };

        private Case badSubscription(Random r) {
            String body = BAD_SUBSCRIPTIONS[r.nextInt(BAD_SUBSCRIPTIONS.length)];
            if (r.nextInt(10) == 0) {
                body = "{\"url\":\"http://127.0.0.1:9/" + "u".repeat(5000 + r.nextInt(5000)) + "\",\"events\":[\"connection.sync_failed\"]}";
            }
            return new Case("subscription", "POST", r.nextBoolean() ? "/v1/webhooks" : "/webhook", auth(), body.getBytes(StandardCharsets.UTF_8));
        }

        private Case badPatch(Random r) {
            // a PATCH that breaks any one rule changes nothing, not even the fields that were fine; a PATCH without
            // url is no fault, so that one of the bad creations is left out
            String body;
            do {
                body = BAD_SUBSCRIPTIONS[r.nextInt(BAD_SUBSCRIPTIONS.length)];
            } while (!body.contains("\"url\""));
            return new Case("patch", "PATCH", "/v1/webhooks/" + ownWebhook, auth(), body.getBytes(StandardCharsets.UTF_8));
        }

        private Case unknownOrForeignId(Random r) {
            String id = r.nextBoolean() ? foreignIds.get(r.nextInt(foreignIds.size())) : ODD_IDS[r.nextInt(ODD_IDS.length)];
            String[][] targets = {
                {"GET", "/v1/webhooks/%s"}, {"PATCH", "/v1/webhooks/%s"}, {"DELETE", "/v1/webhooks/%s"},
                {"POST", "/v1/webhooks/%s/rotate-secret"}, {"POST", "/v1/webhooks/%s/test"},
                {"POST", "/v1/webhooks/%s/replay?since=2020-01-01T00:00:00Z"}, {"GET", "/v1/webhooks/%s/deliveries"},
                {"GET", "/webhook/%s"}, {"DELETE", "/webhook/%s"}, {"GET", "/v1/events/%s"}, {"GET", "/v1/deliveries/%s"},
                {"POST", "/v1/deliveries/%s/retry"}};
            String[] target = targets[r.nextInt(targets.length)];
            String body = target[0].equals("PATCH") ? "{\"is_active\":false}" : null;
            return new Case("unknown-or-foreign-id", target[0], target[1].formatted(segment(id)), auth(),
                    body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        }

        private Case badQuery(Random r) {
            String[] values = {"-1", "0", "abc", "100000", "1e3", "%00", "9999999999999999999"};
            String value = values[r.nextInt(values.length)];
            String[] paths = {"/v1/events?limit=" + value, "/v1/deliveries?limit=" + value, "/v1/webhooks?limit=" + value,
                "/v1/events?cursor=" + segment(value + "garbage"), "/v1/deliveries?cursor=" + segment("%ZZ"), "/v1/deliveries?status=bogus",
                "/v1/events?since=yesterday", "/v1/events?since=" + value + "x",
                "/v1/webhooks/" + ownWebhook + "/deliveries?status=" + value + "x",
                "/v1/webhooks/" + ownWebhook + "/replay?since=" + value + "x", "/v1/webhooks/" + ownWebhook + "/replay"};
            String path = paths[r.nextInt(paths.length)];
            return new Case("query", path.contains("/replay") ? "POST" : "GET", path, auth(), null);
        }

        private Case badEnvironment(Random r) {
            String[] bodies = {"{}", "{\"name\":42}", "{\"name\":\"\"}", "{\"name\":\"" + "n".repeat(201 + r.nextInt(5000)) + "\"}",
                "[]", "{\"name\":", "{\"name\":\"ok\"}"};
            String body = bodies[r.nextInt(bodies.length)];
            // the last one is valid, but sent with an environment's API key instead of the admin token
            Map<String, String> headers = body.equals("{\"name\":\"ok\"}") ? auth()
                    : Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Content-Type", "application/json");
            return new Case("environment", "POST", "/v1/environments", headers, body.getBytes(StandardCharsets.UTF_8));
        }
    }
}
