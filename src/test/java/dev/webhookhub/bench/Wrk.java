package dev.webhookhub.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk (Debian's package), a generator in a process of its own: the ingest ceiling it reaches on a trivial server is
 * the machine's, not a JVM client's. Every request is a distinct raw event ({@code bench/ingest.lua}).
 */
final class Wrk {

    private static final Pattern RESULT = Pattern.compile(
            "wrk-result requests=(\\d+) non2xx=(\\d+) errors=(\\d+) seconds=([0-9.]+) p50_us=(\\d+) p99_us=(\\d+)");

    record Result(long requests, long non2xx, long errors, double seconds, long p50Micros, long p99Micros) {
        double perSecond() {
            return (requests - non2xx) / seconds;
        }

        String summary() {
            return String.format("%.0f answered 2xx/s (%d requests, %d not 2xx, %d socket errors); p50 %.1f ms, p99 %.1f ms",
                    perSecond(), requests, non2xx, errors, p50Micros / 1000.0, p99Micros / 1000.0);
        }
    }

    private Wrk() {
    }

    static boolean available() {
        try {
            return new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start().waitFor() >= 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code wrk -t2 -c32}: two threads, 32 connections, as long as given. */
    static Result run(URI uri, String key, Duration duration) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(List.of("wrk", "-t2", "-c32", "-d" + duration.toSeconds() + "s",
                "--latency", "-s", "bench/ingest.lua", uri.toString())).redirectErrorStream(true);
        builder.environment().put("WRK_KEY", key);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        Matcher m = RESULT.matcher(output);
        if (!m.find()) {
            throw new IOException("wrk said: " + output);
        }
        return new Result(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Double.parseDouble(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)));
    }
}
