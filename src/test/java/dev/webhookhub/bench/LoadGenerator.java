package dev.webhookhub.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * The one load generator of every benchmark, ceiling included: HTTP/1.1 POSTs with keep-alive from the JDK's
 * client, either closed-loop (N senders, each sends when its last answer came) or open-loop at a fixed rate
 * (latency counted from the intended send time, so a stall is not hidden). Always bounded in count and time.
 */
final class LoadGenerator {

    /** What one request sends; {@code n} numbers the requests of a run from 0. */
    record Request(URI uri, String token, String body) {
    }

    /** Told of every answer: the request's number, its intended start (System.nanoTime) and the response. */
    interface Listener {
        void answered(long n, long intendedStartNanos, HttpResponse<String> response);
    }

    /**
     * @param statuses    how many of each status; 0 is no answer (a reset or the 30 s timeout), -1 not sent because
     *                    {@code maxOutstanding} requests were unanswered
     * @param refusedBare refusals (429, 503) that came without a Retry-After header
     */
    record Result(long requests, long ok, long failed, Duration elapsed, Latencies latencies, Map<Integer, Long> statuses,
            long refusedBare) {
        double perSecond() {
            return ok / (elapsed.toNanos() / 1e9);
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    Result closedLoop(int senders, Duration duration, long maxRequests, LongFunction<Request> requests, Listener listener)
            throws InterruptedException {
        AtomicLong next = new AtomicLong();
        Tally tally = new Tally();
        long start = System.nanoTime();
        long deadline = start + duration.toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < senders; s++) {
                pool.execute(() -> {
                    long n;
                    while (System.nanoTime() < deadline && (n = next.getAndIncrement()) < maxRequests) {
                        long sent = System.nanoTime();
                        tally.record(n, sent, send(requests.apply(n)), listener);
                    }
                });
            }
        }
        return tally.result(Duration.ofNanos(System.nanoTime() - start));
    }

    /** Sends {@code perSecond} requests a second for {@code duration}; at most {@code maxOutstanding} unanswered. */
    Result openLoop(double perSecond, Duration duration, int maxOutstanding, LongFunction<Request> requests,
            Listener listener) throws InterruptedException {
        Tally tally = new Tally();
        Semaphore outstanding = new Semaphore(maxOutstanding);
        long total = (long) (perSecond * duration.toNanos() / 1e9);
        double interval = 1e9 / perSecond;
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long n = 0; n < total; n++) {
                long intended = start + (long) (n * interval);
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                if (!outstanding.tryAcquire()) {
                    tally.dropped();
                    continue;
                }
                long id = n;
                pool.execute(() -> {
                    try {
                        tally.record(id, intended, send(requests.apply(id)), listener);
                    } finally {
                        outstanding.release();
                    }
                });
            }
        }
        return tally.result(Duration.ofNanos(System.nanoTime() - start));
    }

    private HttpResponse<String> send(Request request) {
        var builder = HttpRequest.newBuilder(request.uri())
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request.body()));
        if (request.token() != null) {
            builder.header("Authorization", "Bearer " + request.token());
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static final class Tally {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final Latencies latencies = new Latencies();
        final Map<Integer, Long> statuses = new ConcurrentHashMap<>();
        final AtomicLong refusedBare = new AtomicLong();

        void record(long n, long intended, HttpResponse<String> response, Listener listener) {
            long took = System.nanoTime() - intended;
            requests.incrementAndGet();
            int status = response == null ? 0 : response.statusCode();
            statuses.merge(status, 1L, Long::sum);
            if (status / 100 == 2) {
                ok.incrementAndGet();
                latencies.add(took);
                if (listener != null) {
                    listener.answered(n, intended, response);
                }
            } else {
                failed.incrementAndGet();
                if ((status == 429 || status == 503) && response.headers().firstValue("Retry-After").isEmpty()) {
                    refusedBare.incrementAndGet();
                }
            }
        }

        void dropped() {
            requests.incrementAndGet();
            failed.incrementAndGet();
            statuses.merge(-1, 1L, Long::sum);
        }

        Result result(Duration elapsed) {
            return new Result(requests.get(), ok.get(), failed.get(), elapsed, latencies, Map.copyOf(statuses), refusedBare.get());
        }
    }
}
