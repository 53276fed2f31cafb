package dev.webhookhub.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real webhook endpoint on 127.0.0.1. Answers with scripted responses (status, delay, headers) in order, then
 * with the default; records every request it received.
 */
public final class TestReceiver implements AutoCloseable {

    public record Received(Map<String, List<String>> headers, String body, long receivedAtNanos) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst().orElse(null);
        }

        /** Verifies the Standard Webhooks signature with the reference library; throws when it does not match. */
        public void verify(String secret) throws WebhookVerificationException {
            new Webhook(secret).verify(body, lowerCased());
        }

        private Map<String, List<String>> lowerCased() {
            var map = new java.util.HashMap<String, List<String>>();
            headers.forEach((k, v) -> map.put(k.toLowerCase(), v));
            return map;
        }
    }

    public record Reply(int status, Duration delay, Map<String, String> headers, String body) {
        public Reply(int status, Duration delay, Map<String, String> headers) {
            this(status, delay, headers, null);
        }

        public static Reply status(int status) {
            return new Reply(status, Duration.ZERO, Map.of());
        }

        public static Reply slow(int status, Duration delay) {
            return new Reply(status, delay, Map.of());
        }

        public Reply withBody(String text) {
            return new Reply(status, delay, headers, text);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Reply> script = new ConcurrentLinkedDeque<>();
    private volatile Reply defaultReply = Reply.status(204);
    private volatile java.util.function.Function<Received, Reply> decide = r -> null;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();

    private TestReceiver(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static TestReceiver start() throws IOException {
        return new TestReceiver(0);
    }

    /** On a chosen port, e.g. to come back up where an endpoint was down. */
    public static TestReceiver startOn(int port) throws IOException {
        return new TestReceiver(port);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    public TestReceiver thenReply(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Decides each answer from the request (after any scripted replies); null: the default reply. */
    public TestReceiver replyBy(java.util.function.Function<Received, Reply> decide) {
        this.decide = decide;
        return this;
    }

    public TestReceiver byDefault(Reply reply) {
        this.defaultReply = reply;
        return this;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    public List<Received> received(Predicate<Received> filter) {
        return received.stream().filter(filter).toList();
    }

    /** The most requests this receiver was answering at the same time. */
    public int maxConcurrent() {
        return maxInFlight.get();
    }

    /** Starts counting {@link #maxConcurrent()} afresh, from what is being answered now. */
    public void resetMaxConcurrent() {
        maxInFlight.set(inFlight.get());
    }

    private void handle(HttpExchange exchange) throws IOException {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        boolean[] counted = {true};
        Runnable answered = () -> {
            if (counted[0]) {
                counted[0] = false;
                inFlight.decrementAndGet();
            }
        };
        try {
            answer(exchange, answered);
        } finally {
            answered.run();
        }
    }

    /** @param answered called just before the answer goes out: the hub may send the next request as soon as it has it */
    private void answer(HttpExchange exchange, Runnable answered) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        var request = new Received(Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8),
                System.nanoTime());
        received.add(request);
        Reply reply = script.pollFirst();
        if (reply == null) {
            reply = decide.apply(request);
        }
        if (reply == null) {
            reply = defaultReply;
        }
        try {
            Thread.sleep(reply.delay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] answer = (reply.body() != null ? reply.body() : "{\"status\":" + reply.status() + "}")
                .getBytes(StandardCharsets.UTF_8);
        answered.run();
        exchange.sendResponseHeaders(reply.status(), reply.status() == 204 ? -1 : answer.length);
        if (reply.status() != 204) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
