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

    private HubProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static HubProcess start(String name, String databaseUrl, List<String> settings) throws IOException, InterruptedException {
        int port;
        try (var socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "dev.webhookhub.HubApplication",
                "--server.port=" + port, "--server.address=127.0.0.1",
                "--spring.datasource.url=" + databaseUrl, "--spring.datasource.username=postgres",
                "--hub.data-dir=target/test-data/" + name));
        settings.forEach(s -> command.add("--" + s));
        File log = new File("target/" + name + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        var hub = new HubProcess(process, port);
        hub.awaitReady(Duration.ofSeconds(60), log);
        return hub;
    }

    public int port() {
        return port;
    }

    /** SIGKILL: no shutdown hook, no graceful stop, in-flight work simply vanishes. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    private void awaitReady(Duration timeout, File log) throws InterruptedException {
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
            Thread.sleep(200);
        }
        process.destroyForcibly();
        throw new IllegalStateException("hub process not ready within " + timeout + "; see " + log);
    }
}
