package dev.webhookhub.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The loopback HTTP server of the benchmarks: answers every POST with one status, after a delay for paths under
 * {@code /slow/}; counts what it got and when each (path, webhook-id) first arrived. Without deliveries in the
 * picture it is the ceiling server: the same server, answering 202 to the load generator.
 */
final class BenchReceiver implements AutoCloseable {

    static {
        // without it the JDK server leaves Nagle on, and small answers wait for the client's delayed ACK
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // the JDK server closes idle connections beyond 200 (its default), and a client that reuses one of them
        // finds it dead: with 1,000 slow endpoints, the hub keeps about 1,000 connections to this server
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
    }

    private final HttpServer server;
    private final int status;
    private final long slowMillis;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final Map<String, Long> firstArrival = new ConcurrentHashMap<>();
    private volatile boolean recordArrivals;

    BenchReceiver(int status, long slowMillis) throws IOException {
        this.status = status;
        this.slowMillis = slowMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    BenchReceiver recordingArrivals() {
        recordArrivals = true;
        return this;
    }

    long received() {
        return received.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    /** When the delivery of an event (its webhook-id) to a path first arrived, in System.nanoTime; null if never. */
    Long arrival(String path, String webhookId) {
        return firstArrival.get(path + ' ' + webhookId);
    }

    Map<String, Long> arrivals() {
        return firstArrival;
    }

    private void handle(HttpExchange exchange) throws IOException {
        long now = System.nanoTime();
        try (InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        if (recordArrivals) {
            String id = exchange.getRequestHeaders().getFirst("webhook-id");
            if (firstArrival.putIfAbsent(path + ' ' + id, now) != null) {
                duplicates.incrementAndGet();
            }
        }
        if (slowMillis > 0 && path.startsWith("/slow/")) {
            try {
                Thread.sleep(slowMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        received.incrementAndGet();
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
