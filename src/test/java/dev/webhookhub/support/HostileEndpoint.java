package dev.webhookhub.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;

/**
 * A webhook endpoint on 127.0.0.1 that answers as an attacker would, on a raw socket: a body of hundreds of MiB, a
 * gzip bomb, one byte a second, headers that never end. It counts what it managed to write on each connection
 * before the hub hung up, which is what the hub had to take in.
 */
public final class HostileEndpoint implements AutoCloseable {

    public enum Behaviour {
        /** 200, then a chunked body of 200 MiB, as fast as the hub takes it. */
        HUGE_BODY,
        /** 200 with Content-Encoding: gzip: a few hundred KiB that inflate to 200 MiB of 'A'. */
        GZIP_BOMB,
        /** 200 and its headers at once, then the body one byte a second. */
        DRIP_BODY,
        /** The status line itself, one byte a second. */
        DRIP_HEAD,
        /** A status line, then header lines for ever. */
        ENDLESS_HEADERS
    }

    public static final long HUGE = 200L * 1024 * 1024;
    private static final byte[] BOMB = gzipOfA(HUGE);

    /** One connection: the bytes written to it before it broke or the answer was over, and how long it lasted. */
    public record Connection(long bytesWritten, long millis, long endedAtNanos) {
    }

    private final Behaviour behaviour;
    private final ServerSocket server;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;

    private HostileEndpoint(Behaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("hostile-" + behaviour).start(this::accept);
    }

    public static HostileEndpoint start(Behaviour behaviour) throws IOException {
        return new HostileEndpoint(behaviour);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** Connections that are over, in the order they ended. */
    public List<Connection> connections() {
        return List.copyOf(connections);
    }

    private void accept() {
        while (open) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        long started = System.nanoTime();
        long[] written = {0};
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            readRequest(in);
            switch (behaviour) {
                case HUGE_BODY -> {
                    write(out, written, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) 'x');
                    byte[] size = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    for (long sent = 0; sent < HUGE; sent += chunk.length) {
                        write(out, written, size);
                        write(out, written, chunk);
                        write(out, written, "\r\n");
                    }
                    write(out, written, "0\r\n\r\n");
                }
                case GZIP_BOMB -> {
                    write(out, written, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
                            + "Content-Length: " + BOMB.length + "\r\n\r\n");
                    for (int at = 0; at < BOMB.length; at += 16 * 1024) {
                        out.write(BOMB, at, Math.min(16 * 1024, BOMB.length - at));
                        written[0] += Math.min(16 * 1024, BOMB.length - at);
                    }
                }
                case DRIP_BODY -> {
                    write(out, written, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n");
                    drip(out, written, "ok".repeat(50_000));
                }
                case DRIP_HEAD -> drip(out, written, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
                case ENDLESS_HEADERS -> {
                    write(out, written, "HTTP/1.1 200 OK\r\n");
                    String filler = "a".repeat(100);
                    for (long i = 0;; i++) {
                        write(out, written, "X-Filler-" + i + ": " + filler + "\r\n");
                    }
                }
            }
            out.flush();
        } catch (IOException | InterruptedException e) {
            // the hub hung up: that is the point
        } finally {
            long ended = System.nanoTime();
            connections.add(new Connection(written[0], (ended - started) / 1_000_000, ended));
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int contentLength = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("request ended early");
            }
            head.write(b);
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                for (String line : text.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        contentLength = Integer.parseInt(line.substring(15).strip());
                    }
                }
                break;
            }
        }
        in.readNBytes(contentLength);
    }

    private static void drip(OutputStream out, long[] written, String text) throws IOException, InterruptedException {
        for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
            out.write(b);
            out.flush();
            written[0]++;
            Thread.sleep(1000);
        }
    }

    private static void write(OutputStream out, long[] written, String text) throws IOException {
        write(out, written, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static void write(OutputStream out, long[] written, byte[] bytes) throws IOException {
        out.write(bytes);
        written[0] += bytes.length;
    }

    private static byte[] gzipOfA(long size) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
                byte[] block = new byte[1024 * 1024];
                java.util.Arrays.fill(block, (byte) 'A');
                for (long done = 0; done < size; done += block.length) {
                    gzip.write(block);
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
    }
}
