package dev.webhookhub.mapping;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Real envelopes of each event type, made by running every source's golden samples
 * ({@code mappings/<source>/samples/*.yaml}) through its mapping as ingest would, state carried from step to step.
 * The first envelope of each type is its example. Made again after the mappings reload.
 */
@Component
public class SampleEnvelopes {

    private static final Logger log = LoggerFactory.getLogger(SampleEnvelopes.class);
    private static final String ENVIRONMENT = "00000000-0000-4000-8000-000000000000";

    /** One sample step: its raw event and what it was mapped to. */
    public record Step(String source, String file, String description, Object raw, List<NormalizedEvent> events) {
    }

    private record Derived(long generation, List<Step> steps, Map<String, Map<String, Object>> examples) {
    }

    private final MappingRegistry mappings;
    private final Normalizer normalizer;
    private volatile Derived derived = new Derived(-1, List.of(), Map.of());

    public SampleEnvelopes(MappingRegistry mappings, Normalizer normalizer) {
        this.mappings = mappings;
        this.normalizer = normalizer;
    }

    /** Every step of every sample that produced envelopes, in file order. */
    public List<Step> steps() {
        return current().steps();
    }

    /** The example envelope of each type that has a sample. */
    public Map<String, Map<String, Object>> examples() {
        return current().examples();
    }

    /** The examples of the given types (those that have one). */
    public List<Map<String, Object>> examplesOf(Collection<String> types) {
        Map<String, Map<String, Object>> examples = examples();
        return types.stream().map(examples::get).filter(e -> e != null).toList();
    }

    private Derived current() {
        Derived now = derived;
        long generation = mappings.generation();
        if (now.generation() != generation) {
            now = derive(generation);
            derived = now;
        }
        return now;
    }

    private Derived derive(long generation) {
        List<Step> steps = new ArrayList<>();
        for (SourceMapping mapping : mappings.sources()) {
            steps.addAll(steps(mapping));
        }
        Map<String, Map<String, Object>> examples = new LinkedHashMap<>();
        for (Step step : steps) {
            for (NormalizedEvent event : step.events()) {
                examples.putIfAbsent(event.type(), event.envelope());
            }
        }
        return new Derived(generation, List.copyOf(steps), Map.copyOf(examples));
    }

    @SuppressWarnings("unchecked")
    private List<Step> steps(SourceMapping mapping) {
        Path dir = mappings.dir().resolve(mapping.source()).resolve("samples");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Step> steps = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                Map<String, Object> doc;
                try (Reader reader = Files.newBufferedReader(file)) {
                    doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
                }
                String name = file.getFileName().toString().replace(".yaml", "");
                MappingState state = MappingState.inMemory();
                for (Object step : (List<Object>) doc.getOrDefault("steps", List.of())) {
                    if (step instanceof Map<?, ?> s && s.get("raw") != null && !s.containsKey("error")) {
                        try {
                            List<NormalizedEvent> events = normalizer.normalize(mapping, s.get("raw"), ENVIRONMENT, state);
                            if (!events.isEmpty()) {
                                steps.add(new Step(mapping.source(), name, String.valueOf(doc.getOrDefault("description", name)),
                                        s.get("raw"), events));
                            }
                        } catch (MappingException e) {
                            log.debug("sample {} of {} does not map: {}", name, mapping.source(), e.getMessage());
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("no sample envelopes from {}: {}", dir, e.getMessage());
        }
        return steps;
    }
}
