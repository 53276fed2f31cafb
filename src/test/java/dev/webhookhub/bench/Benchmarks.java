package dev.webhookhub.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubProcess;
import dev.webhookhub.support.TestPostgres;

/**
 * The benchmarks of docs/BENCHMARKS.md, run by {@code bench/run}: every figure is measured in one run, with one
 * load generator, against a ceiling measured by the same generator on the same machine. Loopback only.
 *
 * <p>Arguments: {@code --quick} (short runs, results under target/bench), {@code --only=a,b} (ceiling, ingest,
 * wrk, e2e, latency, cold, slow, startup, backlog), {@code --databases=H2,PostgreSQL} (the stores of ingest, wrk,
 * latency, cold and slow),
 * {@code --profile} (JFR on the ingest, end-to-end, latency, cold-start and slow-endpoint hubs, top frames printed),
 * {@code --baseline=setting,setting} and {@code --baseline-classes=DIR} ({@code --baseline-last}: after, not before)
 * (each ingest and slow-endpoint scenario
 * first runs a baseline hub with these settings, or with the compiled classes of another checkout, e.g. the commit
 * before a change: side by side, on the same machine minutes apart).
 */
public final class Benchmarks {

    private static final String KEY = "bench_key";
    private static final int SENDERS = Integer.getInteger("bench.senders", 64);
    private static final Pattern EVENT_ID = Pattern.compile("\"(evt_[a-z0-9]+)\"");
    // the slow-endpoint scenario puts 1,001 webhooks in one environment, one more than the default cap
    private static final List<String> SETTINGS = List.of("hub.bootstrap-api-key=" + KEY, "hub.admin-token=bench_admin",
            "hub.delivery.allow-private-targets=true", "hub.mappings.reload-interval=1h",
            "hub.subscriptions.max-per-environment=2000");

    private final boolean quick;
    private final boolean profile;
    private final Set<String> only;
    private final List<String> databases;
    /** A hub run just before each ingest and slow-endpoint scenario, to compare a change side by side; or null. */
    private final HubSetup baseline;
    private boolean baselineLast;
    private final Path out;
    private final LoadGenerator load = new LoadGenerator();
    private boolean toolsWarm;
    private final Map<String, String> figures = new LinkedHashMap<>();

    /** Kept for results.md and printed at once, so that a run cut short still leaves what it measured. */
    private void figure(String name, String text) {
        figures.put(name, text);
        System.out.println(name + ": " + text);
    }
    private final Map<String, Double> chart = new LinkedHashMap<>();
    private double ceiling = Double.NaN;

    private Benchmarks(boolean quick, boolean profile, Set<String> only, List<String> databases, HubSetup baseline) {
        this.quick = quick;
        this.profile = profile;
        this.only = only;
        this.databases = databases;
        this.baseline = baseline;
        this.out = quick ? Path.of("target/bench") : Path.of("docs/bench");
    }

    public static void main(String[] args) throws Exception {
        List<String> list = List.of(args);
        Set<String> only = list.stream().filter(a -> a.startsWith("--only=")).findFirst()
                .map(a -> Set.of(a.substring(7).split(","))).orElse(Set.of("ceiling", "ingest", "wrk", "e2e", "latency", "cold", "slow", "startup", "backlog"));
        List<String> settings = list.stream().filter(a -> a.startsWith("--baseline=")).findFirst()
                .map(a -> List.of(a.substring(11).split(","))).orElse(List.of());
        Path classes = list.stream().filter(a -> a.startsWith("--baseline-classes=")).findFirst()
                .map(a -> Path.of(a.substring(19)).toAbsolutePath()).orElse(null);
        HubSetup baseline = settings.isEmpty() && classes == null ? null : new HubSetup(settings, classes);
        List<String> databases = list.stream().filter(a -> a.startsWith("--databases=")).findFirst()
                .map(a -> List.of(a.substring(12).split(","))).orElse(List.of("H2", "PostgreSQL"));
        var bench = new Benchmarks(list.contains("--quick"), list.contains("--profile"), only, databases, baseline);
        bench.baselineLast = list.contains("--baseline-last");
        Files.createDirectories(bench.out);
        bench.run();
        System.exit(0);
    }

    private void run() throws Exception {
        if (only.contains("ceiling") || only.contains("ingest") || only.contains("e2e")) {
            ceiling();
        }
        if (only.contains("ingest")) {
            onEachStore(this::ingest);
        }
        if (only.contains("wrk")) {
            onEachStore(this::ingestWithWrk);
        }
        if (only.contains("e2e")) {
            endToEnd();
        }
        if (only.contains("latency")) {
            onEachStore(this::latencyCurve);
        }
        if (only.contains("cold")) {
            onEachStore(this::coldStart);
        }
        if (only.contains("slow")) {
            onEachStore(this::slowEndpoints);
        }
        if (only.contains("startup")) {
            startup();
        }
        if (only.contains("backlog")) {
            backlog();
        }
        writeReport();
    }

    // 1. the same generator against a server that does nothing but answer 202
    private void ceiling() throws Exception {
        try (var server = new BenchReceiver(202, 0)) {
            URI uri = URI.create(server.url("/ingest"));
            load.closedLoop(64, seconds(5), Long.MAX_VALUE, n -> new LoadGenerator.Request(uri, KEY, syncRun("warm", n)), null);
            var result = load.closedLoop(64, seconds(20), Long.MAX_VALUE, n -> new LoadGenerator.Request(uri, KEY, syncRun("c", n)), null);
            ceiling = result.perSecond();
            record("ceiling", "requests/s, 64 senders, 202 from a trivial loopback server", ceiling, result);
            chart.put("ceiling (trivial 202 server)", ceiling);
        }
    }

    // 2. durable 202s: single events and batches of 100, no subscriptions (fan-out is measured in 3.)
    private void ingest(String database, HubSetup baseline) throws Exception {
        String name = "bench-ingest-" + database.toLowerCase() + (baseline == null ? "" : "-baseline");
        String label = "ingest " + database + (baseline == null ? "" : " " + baseline.label());
        String url = databaseUrl(database);
        try (HubProcess hub = freshHub(name, url, jvm(name, "-Xmx512m"), baseline)) {
            URI single = URI.create("http://127.0.0.1:" + hub.port() + "/v1/ingest/configly");
            URI batch = URI.create("http://127.0.0.1:" + hub.port() + "/v1/ingest/configly/batch");
            // a hub on two shared cores is still compiling its hot paths after 10 s (C2 at a third of a core):
            // single ingest measured after 10 s was half of what it is after 60 s (docs/BENCHMARKS.md)
            load.closedLoop(64, seconds(60), Long.MAX_VALUE, n -> new LoadGenerator.Request(single, KEY, syncRun("warm", n)), null);
            var one = load.closedLoop(SENDERS, seconds(20), Long.MAX_VALUE, n -> new LoadGenerator.Request(single, KEY, syncRun("s", n)), null);
            record(label + " single", "events/s, " + SENDERS + " senders", one.perSecond(), one);
            var many = load.closedLoop(8, seconds(20), Long.MAX_VALUE, n -> new LoadGenerator.Request(batch, KEY, batchOf(100, "b", n)), null);
            double eventsPerSecond = many.perSecond() * 100;
            record(label + " batch", "events/s, batches of 100, 8 senders", eventsPerSecond, many);
            figure(label + " single / ceiling", ratio(one.perSecond()));
            figure(label + " batch / single", String.format("%.1f x", eventsPerSecond / one.perSecond()));
            if (baseline == null) {
                chart.put("ingest " + database + ", single", one.perSecond());
                chart.put("ingest " + database + ", batch of 100", eventsPerSecond);
            }
        }
        profileTop(name);
    }

    private Wrk.Result wrkCeiling;

    // 2b. single durable ingest driven by wrk -t2 -c32, distinct events, beside a trivial server driven the same way
    private void ingestWithWrk(String database, HubSetup baseline) throws Exception {
        if (wrkCeiling == null) {
            try (var server = new BenchReceiver(202, 0)) {
                URI uri = URI.create(server.url("/v1/ingest/configly"));
                Wrk.run(uri, KEY, seconds(10));
                wrkCeiling = Wrk.run(uri, KEY, seconds(20));
                figure("wrk ceiling", "trivial 202 server: " + wrkCeiling.summary());
            }
        }
        String name = "bench-wrk-" + database.toLowerCase() + (baseline == null ? "" : "-baseline");
        String label = "wrk ingest " + database + (baseline == null ? "" : " " + baseline.label());
        String url = databaseUrl(database);
        try (HubProcess hub = freshHub(name, url, jvm(name, "-Xmx512m"), baseline)) {
            URI single = URI.create("http://127.0.0.1:" + hub.port() + "/v1/ingest/configly");
            Wrk.run(single, KEY, seconds(40));
            var result = Wrk.run(single, KEY, seconds(20));
            figure(label + " single", result.summary());
            figure(label + " single / wrk ceiling", String.format("%.2f", result.perSecond() / wrkCeiling.perSecond()));
        }
        profileTop(name);
    }

    /** End to end: producers send batches of this many events, as a producer with volume would. */
    private static final int EVENTS_PER_REQUEST = 10;
    private static final int E2E_SUBSCRIPTIONS = 10;

    // 3. ten subscriptions on one fast receiver: the highest ingest rate whose deliveries keep up for 60 s
    private void endToEnd() throws Exception {
        String name = "bench-e2e";
        try (HubProcess hub = freshHub(name, null, jvm(name, "-Xmx512m")); var receiver = new BenchReceiver(204, 0)) {
            var client = new HubClient(hub.port(), KEY);
            for (int i = 0; i < E2E_SUBSCRIPTIONS; i++) {
                subscribe(client, receiver.url("/e2e/" + i), "connection.sync_completed");
            }
            URI batch = URI.create("http://127.0.0.1:" + hub.port() + "/v1/ingest/configly/batch");
            // warm-up (the JIT, item 12 of docs/BENCHMARKS.md), then saturation: ingest as hard as it can, then the
            // rate at which the backlog drains once ingest stops
            var warm = load.closedLoop(8, seconds(30), Long.MAX_VALUE,
                    n -> new LoadGenerator.Request(batch, KEY, batchOf(EVENTS_PER_REQUEST, "warm", n)), null);
            awaitCount(receiver, warm.ok() * EVENTS_PER_REQUEST * E2E_SUBSCRIPTIONS, Duration.ofMinutes(5));
            long before = receiver.received();
            var saturated = load.closedLoop(8, seconds(20), Long.MAX_VALUE,
                    n -> new LoadGenerator.Request(batch, KEY, batchOf(EVENTS_PER_REQUEST, "sat", n)), null);
            double saturatedDeliveries = (receiver.received() - before) / (saturated.elapsed().toNanos() / 1e9);
            long expected = before + saturated.ok() * EVENTS_PER_REQUEST * E2E_SUBSCRIPTIONS;
            long left = expected - receiver.received();
            long drainStart = System.nanoTime();
            awaitCount(receiver, expected, Duration.ofMinutes(10));
            double drainRate = left / ((System.nanoTime() - drainStart) / 1e9);
            figure("e2e saturated", String.format("%.0f deliveries/s while ingest ran flat out (%.0f events/s in); the %d left "
                    + "then drained at %.0f deliveries/s", saturatedDeliveries, saturated.perSecond() * EVENTS_PER_REQUEST, left, drainRate));

            // the sustained rate: from 80 % of the smaller estimate, up while it keeps up, down while it does not
            double rate = Math.max(10, 0.8 * Math.min(drainRate, saturatedDeliveries * 2) / E2E_SUBSCRIPTIONS);
            Sustained best = null;
            double bestRate = 0;
            for (int attempt = 0; attempt < 5; attempt++) {
                long receivedBefore = receiver.received();
                Sustained run = sustain(hub, receiver, batch, rate, seconds(60));
                System.out.printf("e2e at %.0f events/s: %s%n", rate, run);
                // what the run left, counted from its start (counted from now, it waited out the whole timeout)
                awaitCount(receiver, receivedBefore + run.delivered + Math.max(0, run.finalBacklog), Duration.ofMinutes(5));
                if (run.keptUp()) {
                    best = run;
                    bestRate = rate;
                    rate *= 1.25;
                } else if (best != null) {
                    break;
                } else {
                    rate *= 0.7;
                }
            }
            if (best == null) {
                figure("e2e sustained", "no rate kept up");
            } else {
                double deliveries = best.delivered / best.seconds;
                figure("e2e sustained", String.format("%.0f deliveries/s for %.0f s (%.0f events/s in batches of %d x %d subscriptions); "
                        + "backlog at the end %d (%.2f s of work), not growing", deliveries, best.seconds, bestRate, EVENTS_PER_REQUEST,
                        E2E_SUBSCRIPTIONS, best.finalBacklog, best.finalBacklog / deliveries));
                figure("e2e sustained / ceiling", ratio(deliveries));
                figure("footprint during e2e", String.format("heap used max %.0f MB, live heap after GC max %.0f MB, RSS max %.0f MB",
                        best.maxHeap / 1e6, best.maxLiveHeap / 1e6, best.maxRss / 1e6));
                chart.put("end to end, deliveries (10 subscriptions)", deliveries);
            }
        }
        profileTop(name);
    }

    private record Sustained(double seconds, long delivered, long finalBacklog, long backlogAt10s, double maxHeap,
            double maxLiveHeap, double maxRss) {
        boolean keptUp() {
            // not growing: what is left at the end is less than two seconds of work, or no more than at 10 s
            return finalBacklog <= Math.max(backlogAt10s, delivered / seconds * 2);
        }
    }

    private Sustained sustain(HubProcess hub, BenchReceiver receiver, URI uri, double rate, Duration duration) throws Exception {
        long delivered0 = receiver.received();
        long[] accepted = {0};
        var sampler = new Sampler(hub);
        long start = System.nanoTime();
        long[] backlogAt10 = {-1};
        Thread watcher = Thread.ofVirtual().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(1000);
                    sampler.sample();
                    if (backlogAt10[0] < 0 && System.nanoTime() - start > 10_000_000_000L) {
                        synchronized (accepted) {
                            backlogAt10[0] = accepted[0] * EVENTS_PER_REQUEST * E2E_SUBSCRIPTIONS - (receiver.received() - delivered0);
                        }
                    }
                }
            } catch (InterruptedException | RuntimeException stop) {
                // done
            }
        });
        var result = load.openLoop(rate / EVENTS_PER_REQUEST, duration, 2000,
                n -> new LoadGenerator.Request(uri, KEY, batchOf(EVENTS_PER_REQUEST, "run" + (long) rate, n)),
                (n, t, r) -> {
                    synchronized (accepted) {
                        accepted[0]++;
                    }
                });
        double seconds = (System.nanoTime() - start) / 1e9;
        long delivered = receiver.received() - delivered0;
        watcher.interrupt();
        long backlog = result.ok() * EVENTS_PER_REQUEST * E2E_SUBSCRIPTIONS - delivered;
        return new Sustained(seconds, delivered, backlog, Math.max(0, backlogAt10[0]), sampler.maxHeap, sampler.maxLiveHeap, sampler.maxRss);
    }

    /** The open-loop rates of the latency curve, single-event requests. */
    private static final int[] CURVE_RATES = {100, 500, 1000, 2000};

    // 4. ingest to delivery as single-event requests at fixed rates, one subscription: the latency/throughput curve
    private void latencyCurve(String database, HubSetup baseline) throws Exception {
        warmUpGeneratorAndReceiver();
        String name = "bench-latency-" + database.toLowerCase() + (baseline == null ? "" : "-baseline");
        String label = "latency " + database + (baseline == null ? "" : " " + baseline.label());
        String url = databaseUrl(database);
        try (HubProcess hub = freshHub(name, url, jvm(name, "-Xmx512m"), baseline); var receiver = new BenchReceiver(204, 0).recordingArrivals()) {
            subscribe(new HubClient(hub.port(), KEY), receiver.url("/latency"), "connection.sync_completed");
            URI single = URI.create("http://127.0.0.1:" + hub.port() + "/v1/ingest/configly");
            // the JIT: 40 s at a rate every build carries, delivered before the first measured rate
            Map<String, Long> warm = new ConcurrentHashMap<>();
            var warmUp = load.openLoop(200, seconds(40), 2000, n -> new LoadGenerator.Request(single, KEY, syncRun("warm", n)),
                    (n, intended, response) -> warm.put(eventId(response.body()), intended));
            awaitArrivals(receiver, warm, Duration.ofSeconds(60));
            long deferredBefore = deferred(hub);
            for (int rate : CURVE_RATES) {
                Map<String, Long> sent = new ConcurrentHashMap<>();
                var result = load.openLoop(rate, seconds(20), 2000,
                        n -> new LoadGenerator.Request(single, KEY, syncRun("lat" + rate, n)),
                        (n, intended, response) -> sent.put(eventId(response.body()), intended));
                awaitArrivals(receiver, sent, Duration.ofSeconds(60));
                Delivered delivered = delivered(receiver, sent, 0);
                long deferredNow = deferred(hub);
                figure(label + " at " + rate + " events/s", String.format(
                        "ingest->delivery %s; 202 %s; accepted %d of %d, refused %s, unanswered %d, not delivered within 60 s %d;"
                                + " deferred %d",
                        delivered.latencies().summary(), result.latencies().summary(), result.ok(), result.requests(),
                        refusals(result), unanswered(result), delivered.missing(), deferredNow - deferredBefore));
                deferredBefore = deferredNow;
            }
        }
        profileTop(name);
    }

    /** The store of a hub: H2's default file (null), or a new database on a PostgreSQL that forces its commits. */
    private static String databaseUrl(String database) {
        return database.equals("H2") ? null : TestPostgres.newDurableDatabase();
    }

    /** Deliveries the hub has deferred so far (sent back to the store without an attempt). */
    private static long deferred(HubProcess hub) {
        String metrics = new HubClient(hub.port(), "bench_admin").get("/actuator/prometheus").body();
        return (long) sum(metrics, "hub_deliveries_total{outcome=\"deferred\"}");
    }

    // 4b. a hub started cold under 500 single events/s: how long until its deliveries keep up, what it refused
    private void coldStart(String database, HubSetup baseline) throws Exception {
        warmUpGeneratorAndReceiver();
        String name = "bench-cold-" + database.toLowerCase() + (baseline == null ? "" : "-baseline");
        String label = "cold start " + database + (baseline == null ? "" : " " + baseline.label());
        String url = databaseUrl(database);
        int rate = 500;
        Duration window = seconds(60);
        try (HubProcess hub = freshHub(name, url, jvm(name, "-Xmx512m"), baseline); var receiver = new BenchReceiver(204, 0).recordingArrivals()) {
            subscribe(new HubClient(hub.port(), KEY), receiver.url("/latency"), "connection.sync_completed");
            URI single = URI.create("http://127.0.0.1:" + hub.port() + "/v1/ingest/configly");
            Map<String, Long> sent = new ConcurrentHashMap<>();
            long start = System.nanoTime();
            var result = load.openLoop(rate, window, 2000, n -> new LoadGenerator.Request(single, KEY, syncRun("cold", n)),
                    (n, intended, response) -> sent.put(eventId(response.body()), intended));
            awaitArrivals(receiver, sent, Duration.ofSeconds(60));
            // caught up: from this second of the run on, every event sent was accepted and delivered within a second
            int seconds = (int) (window.toNanos() / 1_000_000_000L);
            long[] late = new long[seconds + 1];
            long[] accepted = new long[seconds + 1];
            for (var e : sent.entrySet()) {
                Long arrived = receiver.arrival("/latency", e.getKey());
                int second = (int) Math.min(seconds, (e.getValue() - start) / 1_000_000_000L);
                accepted[second]++;
                if (arrived == null || arrived - e.getValue() > 1_000_000_000L) {
                    late[second]++;
                }
            }
            printTimeline(receiver, sent, start, seconds + 60);
            new HubClient(hub.port(), "bench_admin").get("/actuator/prometheus").body().lines()
                    .filter(l -> l.startsWith("hub_deliveries_total") || l.startsWith("hub_ingest_admission")
                            || l.startsWith("hub_ingest_group_turned"))
                    .forEach(l -> System.out.println("  " + l));
            int caughtUp = seconds;
            while (caughtUp > 0 && late[caughtUp - 1] == 0 && accepted[caughtUp - 1] >= rate * 0.99) {
                caughtUp--;
            }
            Delivered delivered = delivered(receiver, sent, start + Duration.ofSeconds(seconds - 20L).toNanos());
            figure(label + " at " + rate + " events/s", String.format(
                    "%s; accepted %d of %d, refused %s (%d without Retry-After), unanswered %d; ingest->delivery of the last 20 s %s, "
                            + "not delivered within 60 s %d", caughtUp < seconds ? "kept up from second " + caughtUp : "not caught up in " + seconds + " s",
                    result.ok(), result.requests(), refusals(result), result.refusedBare(), unanswered(result),
                    delivered.latencies().summary(), delivered.missing()));
        }
        profileTop(name);
    }

    /**
     * The generator and the receiver share this JVM: warmed up once, so that the first hub measured does not meet
     * their cold JIT. (The first hub of a pair still does worse in the cold start; docs/BENCHMARKS.md.)
     */
    private void warmUpGeneratorAndReceiver() throws Exception {
        if (toolsWarm) {
            return;
        }
        toolsWarm = true;
        try (var receiver = new BenchReceiver(204, 0).recordingArrivals()) {
            URI uri = URI.create(receiver.url("/latency"));
            load.openLoop(1000, seconds(20), 2000, n -> new LoadGenerator.Request(uri, KEY, syncRun("warm-up", n)),
                    (n, intended, response) -> { });
        }
    }

    /** Per 5 s of the run: events accepted (by intended send), deliveries arrived, median ingest->delivery. */
    private static void printTimeline(BenchReceiver receiver, Map<String, Long> sent, long start, int seconds) {
        int buckets = seconds / 5 + 1;
        long[] accepted = new long[buckets];
        long[] arrived = new long[buckets];
        List<List<Long>> latencies = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            latencies.add(new ArrayList<>());
        }
        for (var e : sent.entrySet()) {
            int b = (int) Math.min(buckets - 1, Math.max(0, (e.getValue() - start) / 5_000_000_000L));
            accepted[b]++;
            Long at = receiver.arrival("/latency", e.getKey());
            if (at != null) {
                arrived[(int) Math.min(buckets - 1, Math.max(0, (at - start) / 5_000_000_000L))]++;
                latencies.get(b).add((at - e.getValue()) / 1_000_000);
            }
        }
        for (int b = 0; b < buckets; b++) {
            List<Long> l = latencies.get(b).stream().sorted().toList();
            if (accepted[b] + arrived[b] > 0) {
                System.out.printf("  %3d s: accepted %5d, delivered %5d, ingest->delivery p50 %s ms%n", b * 5, accepted[b], arrived[b],
                        l.isEmpty() ? "-" : l.get(l.size() / 2));
            }
        }
    }

    private record Delivered(Latencies latencies, long missing) {
    }

    /** Ingest to first arrival of every accepted event intended at {@code from} (System.nanoTime) or later. */
    private static Delivered delivered(BenchReceiver receiver, Map<String, Long> sent, long from) {
        var latencies = new Latencies();
        long missing = 0;
        for (var e : sent.entrySet()) {
            if (e.getValue() < from) {
                continue;
            }
            Long arrived = receiver.arrival("/latency", e.getKey());
            if (arrived == null) {
                missing++;
            } else {
                latencies.add(arrived - e.getValue());
            }
        }
        return new Delivered(latencies, missing);
    }

    private static void awaitArrivals(BenchReceiver receiver, Map<String, Long> sent, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && sent.keySet().stream().anyMatch(id -> receiver.arrival("/latency", id) == null)) {
            Thread.sleep(200);
        }
    }

    private static Map<Integer, Long> refusals(LoadGenerator.Result result) {
        return result.statuses().entrySet().stream().filter(e -> e.getKey() >= 300)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, Long::sum, java.util.TreeMap::new));
    }

    private static long unanswered(LoadGenerator.Result result) {
        return result.statuses().getOrDefault(0, 0L) + result.statuses().getOrDefault(-1, 0L);
    }

    // 5. 1,000 subscriptions that answer after 1 s, and one healthy subscription beside them
    private void slowEndpoints(String database, HubSetup baseline) throws Exception {
        String name = "bench-slow-" + database.toLowerCase() + (baseline == null ? "" : "-baseline");
        String store = database + (baseline == null ? "" : " " + baseline.label());
        String url = databaseUrl(database);
        try (HubProcess hub = freshHub(name, url, jvm(name, "-Xmx512m"), baseline); var receiver = new BenchReceiver(204, 1000).recordingArrivals()) {
            var client = new HubClient(hub.port(), KEY);
            for (int i = 0; i < 1000; i++) {
                subscribe(client, receiver.url("/slow/" + i), "connection.sync_failed");
            }
            subscribe(client, receiver.url("/healthy"), "connection.sync_completed");
            URI single = URI.create("http://127.0.0.1:" + hub.port() + "/v1/ingest/configly");
            Duration window = seconds(30);

            var alone = healthyLatency(receiver, single, window, "alone");
            figure("healthy endpoint alone, 50 events/s, " + store, alone.summary());

            long slowBefore = slowArrivals(receiver);
            Thread slowLoad = Thread.ofVirtual().start(() -> {
                try {
                    load.openLoop(1, window, 100, n -> new LoadGenerator.Request(single, KEY, syncFailed("slow", n)), null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long started = System.nanoTime();
            var beside = healthyLatency(receiver, single, window, "beside");
            slowLoad.join();
            // deliveries answered within the window: the slow ones are counted when they arrive, so count those
            // that arrived up to one second (their answer time) before the window closed
            double seconds = (System.nanoTime() - started) / 1e9;
            long slowDone = slowArrivals(receiver) - slowBefore;
            figure("slow endpoints, " + store, String.format("%.0f deliveries/s to 1,000 endpoints answering after 1 s (%d in %.0f s)",
                    slowDone / seconds, slowDone, seconds));
            figure("healthy endpoint beside them, 50 events/s, " + store, beside.summary());
            if (baseline == null) {
                chart.put("1,000 endpoints answering after 1 s, " + store, slowDone / seconds);
            }
        }
        profileTop(name);
    }

    private Latencies healthyLatency(BenchReceiver receiver, URI uri, Duration window, String run) throws Exception {
        Map<String, Long> sent = new ConcurrentHashMap<>();
        load.openLoop(50, window, 500, n -> new LoadGenerator.Request(uri, KEY, syncRun(run, n)),
                (n, intended, response) -> sent.put(eventId(response.body()), intended));
        Thread.sleep(3000);
        var latencies = new Latencies();
        sent.forEach((id, intended) -> {
            Long arrived = receiver.arrival("/healthy", id);
            latencies.add(arrived == null ? Duration.ofSeconds(60).toNanos() : arrived - intended);
        });
        return latencies;
    }

    private static long slowArrivals(BenchReceiver receiver) {
        return receiver.arrivals().keySet().stream().filter(k -> k.startsWith("/slow/")).count();
    }

    // 6. a backlog of pending deliveries stored while nothing was sent, drained by a hub with -Xmx512m
    private void backlog() throws Exception {
        int deliveries = quick ? 50_000 : 1_000_000;
        int events = deliveries / 10;
        String name = "bench-backlog";
        try (var receiver = new BenchReceiver(204, 0)) {
            // fill: a hub that may not send anything (no room in flight) stores events x 10 deliveries
            try (HubProcess filler = freshHub(name, null, List.of("-Xmx512m"), "hub.delivery.max-in-flight=0")) {
                var client = new HubClient(filler.port(), KEY);
                for (int i = 0; i < 10; i++) {
                    subscribe(client, receiver.url("/backlog/" + i), "connection.sync_completed");
                }
                URI batch = URI.create("http://127.0.0.1:" + filler.port() + "/v1/ingest/configly/batch");
                var fill = load.closedLoop(4, Duration.ofMinutes(30), events / 500,
                        n -> new LoadGenerator.Request(batch, KEY, batchOf(500, "backlog", n)), null);
                if (fill.ok() * 500 != events) {
                    throw new IllegalStateException("backlog fill stored " + fill.ok() * 500 + " of " + events + " events: " + fill.statuses());
                }
                figure("backlog stored", String.format("%,d pending deliveries (%,d events x 10 subscriptions) in %.0f s",
                        deliveries, events, fill.elapsed().toMillis() / 1000.0));
                filler.stop();
            }
            // drain: the same data directory, a normal hub with 512 MB of heap
            try (HubProcess hub = HubProcess.start(name, null, jvm(name + "-drain", "-Xmx512m"), SETTINGS)) {
                var sampler = new Sampler(hub);
                long start = System.nanoTime();
                long deadline = start + Duration.ofMinutes(quick ? 5 : 30).toNanos();
                while (receiver.received() < deliveries && System.nanoTime() < deadline && hub.isAlive()) {
                    Thread.sleep(1000);
                    sampler.sample();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                boolean oom = Files.readString(Path.of("target/" + name + ".log")).contains("OutOfMemoryError");
                figure("backlog drain with -Xmx512m", String.format("%,d of %,d delivered in %.0f s (%.0f/s), OOM: %s, "
                        + "heap used max %.0f MB, live heap after GC max %.0f MB, RSS max %.0f MB", receiver.received(), deliveries,
                        seconds, receiver.received() / seconds, oom ? "YES" : "no", sampler.maxHeap / 1e6, sampler.maxLiveHeap / 1e6,
                        sampler.maxRss / 1e6));
                figure("startup to ready with the backlog", String.format("%.2f s", hub.startup().toMillis() / 1000.0));
                chart.put("backlog drain, deliveries", receiver.received() / seconds);
            }
        }
    }

    /** Heap and RSS of a hub process, sampled now and then. */
    private static final class Sampler {
        private final HubProcess hub;
        private final HubClient client;
        double maxHeap;
        double maxLiveHeap;
        double maxRss;

        Sampler(HubProcess hub) {
            this.hub = hub;
            this.client = new HubClient(hub.port(), "bench_admin");
        }

        void sample() {
            try {
                String metrics = client.get("/actuator/prometheus").body();
                maxHeap = Math.max(maxHeap, sum(metrics, "jvm_memory_used_bytes{area=\"heap\""));
                maxLiveHeap = Math.max(maxLiveHeap, sum(metrics, "jvm_gc_live_data_size_bytes"));
                maxRss = Math.max(maxRss, hub.rssBytes());
            } catch (IOException | RuntimeException e) {
                // a sample missed under load is not a result
            }
        }
    }

    static double sum(String prometheus, String prefix) {
        return prometheus.lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * 6. startup to ready (JVM launch to the first healthy /actuator/health, fresh H2 store, migrations included),
     * the median of four starts each, in alternating order: from the build's classes as the tests run it, as the
     * extracted jar, and as the jar with the ahead-of-time cache of bin/aot-cache, trained to the refreshed context only
     * and with traffic. AOTMode=on makes a cache the JVM cannot use fail the start instead of being measured as a
     * start without it.
     */
    private record StartWay(String label, List<String> jvmArgs, String classpath) {
    }

    private void startup() throws Exception {
        Path app = aotCache("traffic", Path.of("target/bench-app"));
        Path refreshOnly = aotCache("refresh", Path.of("target/bench-app-refresh"));
        String jar = app.resolve("webhook-hub.jar").toString();
        List<StartWay> ways = List.of(
                new StartWay("startup to ready, from classes (as the tests run it)", List.of("-Xmx512m"),
                        System.getProperty("java.class.path")),
                new StartWay("startup to ready, extracted jar", List.of("-Xmx512m"), jar),
                new StartWay("startup to ready, extracted jar + AOT cache trained to refresh (bin/aot-cache --train=refresh)",
                        withCache(refreshOnly), refreshOnly.resolve("webhook-hub.jar").toString()),
                new StartWay("startup to ready, extracted jar + AOT cache trained with traffic (bin/aot-cache)",
                        withCache(app), jar));
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        for (int round = 0; round < 4; round++) {
            // every other round the other way round, so that no way always starts right after the same other one
            for (StartWay way : round % 2 == 0 ? ways : ways.reversed()) {
                deleteTree(Path.of("target/test-data/bench-startup"));
                try (HubProcess hub = HubProcess.start("bench-startup", null, way.jvmArgs(), SETTINGS, 0, way.classpath())) {
                    seconds.computeIfAbsent(way.label(), k -> new ArrayList<>()).add(hub.startup().toMillis() / 1000.0);
                }
            }
        }
        seconds.forEach((way, runs) -> figure(way, String.format("%.2f s median of %s", median(runs),
                runs.stream().map(r -> String.format("%.2f", r)).toList())));
    }

    private static double median(List<Double> runs) {
        List<Double> sorted = runs.stream().sorted().toList();
        return (sorted.get((sorted.size() - 1) / 2) + sorted.get(sorted.size() / 2)) / 2;
    }

    /** Builds the extracted jar and its cache with bin/aot-cache's training of that name. */
    private static Path aotCache(String training, Path app) throws Exception {
        Process build = new ProcessBuilder("bin/aot-cache", "--train=" + training, app.toString()).inheritIO().start();
        if (build.waitFor() != 0) {
            throw new IllegalStateException("bin/aot-cache --train=" + training + " failed");
        }
        return app;
    }

    private static List<String> withCache(Path app) {
        List<String> args = new ArrayList<>(List.of("-Xmx512m"));
        args.addAll(Files.exists(app.resolve("hub.aot"))
                ? List.of("-XX:AOTCache=" + app.resolve("hub.aot"), "-XX:AOTMode=on")
                : List.of("-XX:SharedArchiveFile=" + app.resolve("hub.jsa"), "-Xshare:on"));
        return args;
    }

    // --- helpers

    /** A scenario run on one store, by a baseline hub (set up as given) or, with null, by this build's hub. */
    @FunctionalInterface
    private interface StoreScenario {
        void run(String database, HubSetup baseline) throws Exception;
    }

    /**
     * The scenario on each store: the baseline hub first when there is one, then this build's; with
     * {@code --baseline-last} the other way round, so that a change is seen in both orders.
     */
    private void onEachStore(StoreScenario scenario) throws Exception {
        for (String database : databases) {
            if (baseline != null && !baselineLast) {
                scenario.run(database, baseline);
            }
            scenario.run(database, null);
            if (baseline != null && baselineLast) {
                scenario.run(database, baseline);
            }
        }
    }

    /**
     * How a hub differs from the default one.
     *
     * @param settings hub settings added to the benchmark's own
     * @param classes  the {@code target/classes} of another build to run instead of this one's, or null
     */
    record HubSetup(List<String> settings, Path classes) {
        String label() {
            List<String> parts = new ArrayList<>(settings);
            if (classes != null) {
                parts.addFirst("classes of " + classes);
            }
            return "baseline (" + String.join(", ", parts) + ")";
        }
    }

    private HubProcess freshHub(String name, String url, List<String> jvmArgs, String... extra) throws Exception {
        return freshHub(name, url, jvmArgs, new HubSetup(List.of(extra), null));
    }

    /** A hub on an empty store; set up as given (null: the default hub of this build). */
    private HubProcess freshHub(String name, String url, List<String> jvmArgs, HubSetup setup) throws Exception {
        deleteTree(Path.of("target/test-data", name));
        List<String> settings = new ArrayList<>(SETTINGS);
        String classpath = System.getProperty("java.class.path");
        if (setup != null) {
            settings.addAll(setup.settings());
            if (setup.classes() != null) {
                // another build is its classes with its own routes and mappings: the checkout they were built in
                Path checkout = setup.classes().toAbsolutePath().getParent().getParent();
                if (Files.isDirectory(checkout.resolve("routes"))) {
                    // builds before the hub loaded its routes itself (RoutesDirectory) had Camel main load them
                    settings.add(Files.exists(setup.classes().resolve("dev/webhookhub/routes/RoutesDirectory.class"))
                            ? "hub.routes.dir=" + checkout.resolve("routes")
                            : "camel.main.routes-include-pattern=file:" + checkout.resolve("routes") + "/*.yaml");
                    settings.add("hub.mappings.dir=" + checkout.resolve("mappings"));
                }
                Path ours = Path.of("target/classes").toAbsolutePath();
                classpath = Arrays.stream(classpath.split(File.pathSeparator))
                        .map(entry -> Path.of(entry).toAbsolutePath().equals(ours) ? setup.classes().toString() : entry)
                        .collect(Collectors.joining(File.pathSeparator));
            }
        }
        return HubProcess.start(name, url, jvmArgs, settings, 0, classpath);
    }

    private List<String> jvm(String name, String... args) {
        List<String> list = new ArrayList<>(List.of(args));
        if (profile) {
            // JFR keeps 64 frames by default: a Camel route under Tomcat is deeper, and outer frames would go uncounted
            list.add("-XX:FlightRecorderOptions=stackdepth=512");
            list.add("-XX:StartFlightRecording=filename=" + out.toAbsolutePath() + "/" + name + ".jfr,settings=profile");
        }
        return list;
    }

    private void profileTop(String name) throws IOException {
        Path recording = out.resolve(name + ".jfr");
        if (profile && Files.exists(recording)) {
            String top = JfrTop.summarize(recording, 60);
            Files.writeString(out.resolve(name + "-profile.txt"), top);
            System.out.println(top);
        }
    }

    private static void subscribe(HubClient client, String url, String type) {
        var response = client.post("/v1/webhooks", HubClient.json(Map.of("url", url, "events", List.of(type))));
        if (response.status() != 201) {
            throw new IllegalStateException("subscription refused: " + response.status() + " " + response.body());
        }
    }

    private static void awaitCount(BenchReceiver receiver, long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (receiver.received() < count && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    static String syncRun(String run, long n) {
        return "{\"kind\":\"sync_run\",\"connection\":\"c" + (n % 100) + "\",\"run\":{\"id\":\"" + run + "-" + n
                + "\",\"status\":\"completed\",\"snapshot\":12,\"total\":100,\"ok\":98,\"failed\":2,"
                + "\"startedAt\":\"2026-04-15T14:30:00.000Z\",\"finishedAt\":\"2026-04-15T14:30:04.250Z\"}}";
    }

    static String syncFailed(String run, long n) {
        return "{\"kind\":\"sync_run\",\"connection\":\"c" + (n % 100) + "\",\"run\":{\"id\":\"" + run + "-" + n
                + "\",\"status\":\"failed\",\"error\":\"upstream timeout\"}}";
    }

    private static String batchOf(int size, String run, long n) {
        var body = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            body.append(i == 0 ? "" : ",").append(syncRun(run + "-" + n, i));
        }
        return body.append(']').toString();
    }

    private static String eventId(String body) {
        Matcher m = EVENT_ID.matcher(body);
        return m.find() ? m.group(1) : body;
    }

    private Duration seconds(int full) {
        return Duration.ofSeconds(quick ? Math.max(3, full / 6) : full);
    }

    private void record(String name, String unit, double value, LoadGenerator.Result result) {
        figure(name, String.format("%.0f %s; answer latency %s; statuses %s", value, unit, result.latencies().summary(),
                result.statuses()));
    }

    private String ratio(double value) {
        return String.format("%.2f", value / ceiling);
    }

    private void writeReport() throws IOException {
        var text = new StringBuilder("# Benchmark run " + LocalDate.now() + (quick ? " (quick)" : "") + "\n\n");
        text.append("- machine: ").append(Machine.describe()).append('\n');
        text.append("- command: `bench/run").append(quick ? " --quick" : "").append("`\n\n| measure | result |\n|---|---|\n");
        figures.forEach((k, v) -> text.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        Files.writeString(out.resolve("results.md"), text);
        if (!chart.isEmpty()) {
            Chart.horizontalBars("webhook-hub on " + Machine.cores() + " cores, loopback, " + LocalDate.now() + " (per second)",
                    chart, out.resolve("throughput.png"));
        }
        System.out.println(text);
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
