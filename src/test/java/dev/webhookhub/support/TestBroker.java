package dev.webhookhub.support;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

/**
 * An ActiveMQ Artemis broker in the test JVM speaking AMQP 1.0 on 127.0.0.1, in memory, no security. It can be
 * stopped and started again on the same port, to play a broker that is away for a while.
 */
public final class TestBroker implements AutoCloseable {

    private final int port;
    private EmbeddedActiveMQ broker;

    private TestBroker(int port) {
        this.port = port;
    }

    public static TestBroker start() {
        try {
            int port;
            try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            TestBroker broker = new TestBroker(port);
            broker.startAgain();
            return broker;
        } catch (Exception e) {
            throw new IllegalStateException("embedded AMQP broker did not start", e);
        }
    }

    public String url() {
        return "amqp://127.0.0.1:" + port;
    }

    public synchronized void startAgain() throws Exception {
        var configuration = new ConfigurationImpl()
                .setPersistenceEnabled(false)
                .setSecurityEnabled(false)
                .setJournalDirectory("target/artemis/journal")
                .addAcceptorConfiguration("amqp", "tcp://127.0.0.1:" + port + "?protocols=AMQP");
        broker = new EmbeddedActiveMQ().setConfiguration(configuration);
        broker.start();
    }

    public synchronized void stop() throws Exception {
        if (broker != null) {
            broker.stop();
            broker = null;
        }
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
