package dev.webhookhub.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A hub in a JVM of its own, started from the test classpath, so that a test can kill it the hard way
 * (SIGKILL) the way a crashed machine would go.
 */
public final class HubProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Duration startup;

    public static final String SECRET_KEY = "the-key-every-test-hub-process-shares";

    private HubProcess(Process process, int port, Duration startup) {
        this.process = process;
        this.port = port;
        this.startup = startup;
    }

    public static HubProcess start(String name, String databaseUrl, List<String> settings) throws IOException, InterruptedException {
        return start(name, databaseUrl, List.of("-Xmx512m"), settings);
    }

    /**
     * @param databaseUrl a PostgreSQL JDBC URL, or null for the default: H2 in {@code target/test-data/<name>},
     *     which a later start with the same name finds again
     */
    public static HubProcess start(String name, String databaseUrl, List<String> jvmArgs, List<String> settings)
            throws IOException, InterruptedException {
        return start(name, databaseUrl, jvmArgs, settings, 0);
    }

    /** As above, on a given port (0: any free one), so that a restarted hub keeps its address. */
    public static HubProcess start(String name, String databaseUrl, List<String> jvmArgs, List<String> settings, int port)
            throws IOException, InterruptedException {
        return start(name, databaseUrl, jvmArgs, settings, port, System.getProperty("java.class.path"));
    }

    /** As above, from the given classpath (a benchmark's baseline runs the classes of another build). */
    public static HubProcess start(String name, String databaseUrl, List<String> jvmArgs, List<String> settings, int port,
            String classpath) throws IOException, InterruptedException {
        if (port == 0) {
            try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", classpath, "dev.webhookhub.HubApplication",
                "--server.port=" + port, "--server.address=127.0.0.1", "--hub.data-dir=" + Path.of("target/test-data", name).toAbsolutePath(),
                // hubs on one database must share the key of its secrets, as in any deployment of several instances
                "--hub.secret-key=" + SECRET_KEY));
        if (databaseUrl != null) {
            command.addAll(List.of("--spring.datasource.url=" + databaseUrl, "--spring.datasource.username=postgres"));
        }
        settings.forEach(s -> command.add("--" + s));
        File log = new File("target/" + name + ".log");
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        awaitReady(process, port, Duration.ofSeconds(120), log);
        return new HubProcess(process, port, Duration.ofNanos(System.nanoTime() - started));
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** From launching the JVM to the first healthy answer of /actuator/health. */
    public Duration startup() {
        return startup;
    }

    /** Resident set size of the hub's JVM, from /proc. */
    public long rssBytes() throws IOException {
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", String.valueOf(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for process " + process.pid());
    }

    /** SIGTERM, and wait for the graceful shutdown to finish. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** SIGTERM, and how long the hub took to exit (at most two minutes are waited for, then it is killed). */
    public Duration terminate() throws InterruptedException {
        long started = System.nanoTime();
        process.destroy();
        if (!process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)) {
            kill();
            throw new IllegalStateException("the hub did not exit within 2 minutes of SIGTERM");
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** SIGKILL: no shutdown hook, no graceful stop, in-flight work simply vanishes. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Gracefully, so that what the JVM writes on exit (a flight recording, say) is complete. */
    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static void awaitReady(Process process, int port, Duration timeout, File log) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("hub process exited with " + process.exitValue() + "; see " + log);
            }
            try {
                var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        process.destroyForcibly();
        throw new IllegalStateException("hub process not ready within " + timeout + "; see " + log);
    }
}
