package dev.webhookhub.mapping;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.JsonNode;

import dev.webhookhub.HubProperties;
import dev.webhookhub.mapping.SourceMapping.EventType;

/**
 * The sources the hub serves: one per {@code <source>.yaml} in {@code hub.mappings.dir}. A file that does not
 * load is reported (log and {@link #problems()}) and, if an earlier version of it loaded, that version keeps
 * serving. So does one whose edit would break what subscribers were promised: a payload schema changed
 * incompatibly ({@link SchemaCompatibility}) without raising its type's {@code version}. Every version of a type's
 * schema ever served stays in the catalog ({@link #schemaVersions}), kept in the store ({@link PublishedSchemas}).
 */
@Component
public class MappingRegistry {

    private static final Logger log = LoggerFactory.getLogger(MappingRegistry.class);
    private static final Duration SETTLE = Duration.ofMillis(200);

    /** What is served now; replaced whole on every (re)load so readers never see half a reload. */
    private record Snapshot(Map<String, SourceMapping> sources, Map<String, EventType> types,
            Map<Path, List<String>> problems) {
    }

    private final Path dir;
    private final MappingLoader loader;
    private final PublishedSchemas store;
    private String fingerprint = "";
    /** Counts reloads, so that what is derived from the mappings knows when to derive it again. */
    private volatile long generation;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of());
    /** Every payload schema served, by source and type ({@link #key}) and version; each map replaced, never changed. */
    private final Map<String, TreeMap<Integer, JsonNode>> published = new java.util.concurrent.ConcurrentHashMap<>();

    /** One published version of a type's payload schema. */
    public record SchemaVersion(int version, JsonNode schema, boolean current) {
    }

    public MappingRegistry(HubProperties properties, MappingLoader loader, PublishedSchemas store) {
        this.dir = properties.mappings().dir();
        this.loader = loader;
        this.store = store;
        this.published.putAll(store.load());
        reload();
    }

    public Path dir() {
        return dir;
    }

    /** Moves on every reload. */
    public long generation() {
        return generation;
    }

    public Optional<SourceMapping> source(String name) {
        return Optional.ofNullable(snapshot.sources().get(name));
    }

    public List<SourceMapping> sources() {
        return List.copyOf(snapshot.sources().values());
    }

    /** Every subscribable type of every source, keyed by type name. */
    public Map<String, EventType> eventTypes() {
        return snapshot.types();
    }

    public Map<Path, List<String>> problems() {
        return snapshot.problems();
    }

    /** Every version of the type's payload schema ever served, oldest first; the current one is marked. */
    public List<SchemaVersion> schemaVersions(String type) {
        EventType now = snapshot.types().get(type);
        TreeMap<Integer, JsonNode> versions = now == null ? null : published.get(key(now));
        if (versions == null) {
            return List.of();
        }
        return versions.entrySet().stream()
                .map(e -> new SchemaVersion(e.getKey(), e.getValue(), e.getKey() == now.version())).toList();
    }

    /**
     * Called by the {@code reload-mappings} route: reloads when any mapping file was added, changed or removed, and
     * the change has settled: a file caught halfway through being written (truncated, not yet refilled) would
     * otherwise be reported broken for one interval.
     */
    public synchronized boolean reloadIfChanged() {
        String now = fingerprint();
        if (now.equals(fingerprint) || !now.equals(settled())) {
            return false;
        }
        log.info("mapping files changed in {}, reloading", dir.toAbsolutePath().normalize());
        reload();
        return true;
    }

    /** Reads the directory again; keeps the previous version of any source whose file is now broken. */
    public synchronized void reload() {
        fingerprint = fingerprint();
        Snapshot previous = snapshot;
        Map<String, SourceMapping> sources = new TreeMap<>();
        Map<Path, List<String>> problems = new LinkedHashMap<>();
        for (Path file : mappingFiles(problems)) {
            try {
                SourceMapping mapping = loader.load(file);
                List<String> breaking = breakingChanges(mapping);
                if (!breaking.isEmpty()) {
                    throw new MappingFileException(file, breaking);
                }
                sources.put(mapping.source(), mapping);
            } catch (MappingFileException e) {
                problems.put(file, e.problems());
                e.problems().forEach(p -> log.error("mapping refused: {}", p));
                previous.sources().values().stream()
                        .filter(m -> m.file().equals(file))
                        .findFirst()
                        .ifPresent(m -> {
                            log.warn("source '{}' keeps serving its previous mapping until {} is fixed", m.source(), file);
                            sources.put(m.source(), m);
                        });
            }
        }
        if (problems.containsKey(dir)) {
            problems.get(dir).forEach(p -> log.error("mappings not loaded: {}", p));
        }
        Map<String, EventType> types = new TreeMap<>();
        for (SourceMapping mapping : new ArrayList<>(sources.values())) {
            for (EventType type : mapping.eventTypes()) {
                EventType clash = types.get(type.type());
                if (clash != null && !clash.source().equals(mapping.source())) {
                    String problem = mapping.file().getFileName() + ": event type '" + type.type() + "' is also declared by "
                            + sources.get(clash.source()).file().getFileName();
                    log.error("mapping refused: {}", problem);
                    problems.computeIfAbsent(mapping.file(), f -> new ArrayList<>()).add(problem);
                    sources.remove(mapping.source());
                    break;
                }
                types.putIfAbsent(type.type(), type);
            }
        }
        Map<String, SourceMapping> inboundPaths = new TreeMap<>();
        for (SourceMapping mapping : new ArrayList<>(sources.values())) {
            if (mapping.inbound() != null) {
                SourceMapping clash = inboundPaths.putIfAbsent(mapping.inbound().path(), mapping);
                if (clash != null) {
                    String problem = mapping.file().getFileName() + ": inbound path '" + mapping.inbound().path()
                            + "' is also declared by " + clash.file().getFileName();
                    log.error("mapping refused: {}", problem);
                    problems.computeIfAbsent(mapping.file(), f -> new ArrayList<>()).add(problem);
                    sources.remove(mapping.source());
                }
            }
        }
        types.values().removeIf(t -> !sources.containsKey(t.source()));
        types.values().stream().filter(t -> t.schema() != null).forEach(t -> {
            TreeMap<Integer, JsonNode> versions = published.getOrDefault(key(t), new TreeMap<>());
            if (!t.schema().equals(versions.get(t.version()))) {
                // a new map, never a changed one: the catalog reads these while a reload runs
                TreeMap<Integer, JsonNode> grown = new TreeMap<>(versions);
                grown.put(t.version(), t.schema());
                published.put(key(t), grown);
                store.publish(t.source(), t.type(), t.version(), t.schema());
            }
        });
        snapshot = new Snapshot(Map.copyOf(sources), Map.copyOf(types), Map.copyOf(problems));
        generation++;
        log.info("serving {} source(s) from {}: {}", sources.size(), dir.toAbsolutePath().normalize(), sources.keySet());
    }

    /**
     * What the mapping would break of the payload schemas served so far: an incompatible schema under the same
     * version, or a version lowered. A raised version may change anything; the old one stays listed.
     */
    private List<String> breakingChanges(SourceMapping mapping) {
        List<String> problems = new ArrayList<>();
        for (EventType type : mapping.eventTypes()) {
            TreeMap<Integer, JsonNode> versions = published.get(key(type));
            if (versions == null || type.schema() == null) {
                continue;
            }
            int latest = versions.lastKey();
            String name = mapping.file().getFileName() + ": " + type.type();
            if (type.version() < latest) {
                problems.add(name + ": version " + type.version() + " is lower than the published version " + latest);
            } else if (type.version() == latest) {
                List<String> breaking = SchemaCompatibility.breakingChanges(versions.get(latest), type.schema());
                if (!breaking.isEmpty()) {
                    problems.add(name + ": breaking change to its payload schema (version " + latest + "): "
                            + String.join("; ", breaking) + ". Keep the schema compatible, or publish it as a new version"
                            + " (version: " + (latest + 1) + " on the event type); subscribers see both in the catalog");
                }
            }
        }
        return problems;
    }

    /** A type is another source's business when it is declared twice: that is a clash, reported as one. */
    private static String key(EventType type) {
        return type.source() + ":" + type.type();
    }

    private String settled() {
        try {
            Thread.sleep(SETTLE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
        return fingerprint();
    }

    /** Names and contents of the mapping files: a change of either means a reload. */
    private String fingerprint() {
        var digest = new StringBuilder();
        for (Path file : mappingFiles(new LinkedHashMap<>())) {
            try {
                digest.append(file.getFileName()).append(':').append(Files.readString(file).hashCode()).append(';');
            } catch (IOException e) {
                digest.append(file.getFileName()).append(":unreadable;");
            }
        }
        return digest.toString();
    }

    private List<Path> mappingFiles(Map<Path, List<String>> problems) {
        if (!Files.isDirectory(dir)) {
            log.error("the mappings directory {} does not exist", dir.toAbsolutePath().normalize());
            problems.put(dir, List.of("the mappings directory (hub.mappings.dir) does not exist"));
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().matches(".+\\.ya?ml"))
                    .sorted(Comparator.naturalOrder())
                    .toList();
        } catch (IOException e) {
            log.error("the mappings directory {} cannot be listed", dir.toAbsolutePath().normalize(), e);
            problems.put(dir, List.of("the mappings directory (hub.mappings.dir) cannot be listed"));
            return List.of();
        }
    }
}
