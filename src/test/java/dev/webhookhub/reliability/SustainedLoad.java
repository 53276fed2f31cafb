package dev.webhookhub.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Producers that keep ingesting raw configly events into a hub until stopped, whatever the hub is going through,
 * and remember exactly which events the hub acknowledged (202 with their ids) and what else it answered.
 */
final class SustainedLoad implements AutoCloseable {

    /** What a sender got when the hub did not answer at all (connection refused or reset). */
    static final int NO_ANSWER = -1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final URI ingest;
    private final String apiKey;
    private final Duration pause;
    private final Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
    private final Map<Integer, AtomicLong> answers = new ConcurrentHashMap<>();
    private final List<Thread> senders = new ArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean running = true;

    /**
     * @param pause how long each sender waits between two events, so that {@code senders / pause} is the offered
     *     rate; zero for as fast as the hub takes them
     */
    SustainedLoad(int port, String apiKey, int senders, Duration pause) {
        this.ingest = URI.create("http://127.0.0.1:" + port + "/v1/ingest/configly");
        this.apiKey = apiKey;
        this.pause = pause;
        for (int i = 0; i < senders; i++) {
            this.senders.add(Thread.ofVirtual().name("load-", i).start(this::send));
        }
    }

    private void send() {
        while (running) {
            String run = "load-" + sequence.incrementAndGet();
            var request = HttpRequest.newBuilder(ingest).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\""
                            + run + "\",\"status\":\"failed\",\"error\":\"e\"}}"))
                    .build();
            int status;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                if (status == 202) {
                    JSON.readTree(response.body()).get("event_ids").forEach((JsonNode id) -> acknowledged.add(id.asText()));
                }
            } catch (IOException e) {
                status = NO_ANSWER;
            } catch (InterruptedException e) {
                return;
            }
            answers.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
            try {
                Thread.sleep(status == 202 ? pause : pause.plusMillis(50));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    List<String> acknowledged() {
        return List.copyOf(acknowledged);
    }

    /** Every answer so far by status, {@link #NO_ANSWER} for none. */
    Map<Integer, Long> answers() {
        Map<Integer, Long> copy = new TreeMap<>();
        answers.forEach((status, n) -> copy.put(status, n.get()));
        return copy;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread sender : senders) {
            sender.join();
        }
    }
}
