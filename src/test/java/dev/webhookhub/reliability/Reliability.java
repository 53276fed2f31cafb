package dev.webhookhub.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/**
 * What the reliability scenarios share: the short (CI) or full ({@code -Dreliability.full=true}) length of each
 * ordeal, the hub settings, and the report each scenario leaves in {@code target/reliability/}.
 */
final class Reliability {

    static final boolean FULL = Boolean.getBoolean("reliability.full");

    /** Hub settings of every scenario: loopback receivers, quick polling and leases, a compressed retry schedule. */
    static final List<String> SETTINGS = List.of(
            "hub.bootstrap-api-key=" + HubTest.API_KEY, "hub.admin-token=" + HubTest.ADMIN_TOKEN,
            "hub.delivery.allow-private-targets=true", "hub.delivery.poll-interval=200ms", "hub.delivery.lease=10s",
            "hub.delivery.max-concurrency-per-endpoint=50", "hub.delivery.circuit-open-for=5s",
            "hub.delivery.retry-schedule=1s,2s,5s,10s,20s,30s,30s,30s,30s,30s,30s",
            "hub.mappings.reload-interval=1h");

    private Reliability() {
    }

    static Duration choose(Duration shortVersion, Duration fullVersion) {
        return FULL ? fullVersion : shortVersion;
    }

    /** Deliveries received, by webhook-id (the event id). */
    static Map<String, Long> deliveredPerEvent(TestReceiver receiver) {
        return receiver.received().stream().collect(Collectors.groupingBy(r -> r.header("webhook-id"), Collectors.counting()));
    }

    static long lost(Collection<String> acknowledged, Map<String, Long> delivered) {
        return acknowledged.stream().filter(id -> !delivered.containsKey(id)).count();
    }

    static long duplicates(Map<String, Long> delivered) {
        return delivered.values().stream().mapToLong(n -> n - 1).sum();
    }

    /** Prints a scenario's figures and keeps them in target/reliability/<scenario>.txt for docs/RELIABILITY.md. */
    static void report(String scenario, String figures) throws IOException {
        String text = scenario + " (" + (FULL ? "full" : "short") + "): " + figures;
        System.out.println("reliability " + text);
        Path dir = Path.of("target", "reliability");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(scenario + ".txt"), text + System.lineSeparator());
    }
}
