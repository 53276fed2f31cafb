package dev.webhookhub.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import jakarta.annotation.PreDestroy;

import dev.webhookhub.HubProperties;

/**
 * The Camel routes of {@code hub.routes.dir} ({@code HUB_ROUTES_DIR}), loaded file by file and kept in step with the
 * directory while the hub runs: a file added, changed or removed adds, replaces or removes its routes (and route
 * templates) and touches no other file's. A file that does not load (YAML, an unknown endpoint, a missing bean) is
 * reported with its line, in the log and by {@code GET /v1/routes}, and its previous version, if any, goes on
 * running; at start such a file is skipped, so that one broken route never keeps the hub down.
 */
@Component
public class RoutesDirectory implements CamelContextConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RoutesDirectory.class);
    private static final Pattern LINE = Pattern.compile("line (\\d+)");

    /** A route of the hub as {@code GET /v1/routes} shows it; {@code file} is null for one not loaded from a file. */
    public record RouteView(String id, String file, String status, String from) {
    }

    /** A file that does not load as it is now. {@code line} is null when Camel did not say where. */
    public record LoadError(String file, Integer line, String message, Instant at) {
    }

    private record Failed(byte[] content, LoadError error) {
    }

    /** What one file put into Camel, and the content it came from. */
    private record Loaded(byte[] content, Set<String> routeIds, Set<String> templateIds) {
    }

    private final Path dir;
    private final Duration interval;
    private final Map<String, Loaded> loaded = new TreeMap<>();
    /** Each file that does not load as it is now: why, and its content, so that it is tried again only once it changes. */
    private final Map<String, Failed> failed = new TreeMap<>();
    private volatile CamelContext camel;
    private volatile Thread watcher;

    public RoutesDirectory(HubProperties properties) {
        this.dir = properties.routes().dir();
        this.interval = properties.routes().reloadInterval();
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // the routes are added once Camel runs, file by file, so that one that does not start is only reported
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        this.camel = camelContext;
        log.info("loading routes from {}", dir.toAbsolutePath().normalize());
        scan();
        if (!interval.isZero() && !interval.isNegative()) {
            watcher = Thread.ofPlatform().name("routes-reload").daemon().start(this::watch);
        }
    }

    @PreDestroy
    void stopWatching() {
        Thread thread = watcher;
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval.toMillis());
                scan();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("checking {} for route changes failed", dir, e);
            }
        }
    }

    /** Brings the running routes in step with the files: loads what is new or changed, removes what is gone. */
    public synchronized void scan() {
        Map<String, byte[]> files = read();
        for (String file : List.copyOf(loaded.keySet())) {
            if (!files.containsKey(file)) {
                unload(file);
                log.info("{} removed: its routes are stopped and removed", file);
            }
        }
        failed.keySet().removeIf(file -> !files.containsKey(file));
        for (var entry : files.entrySet()) {
            String file = entry.getKey();
            byte[] content = entry.getValue();
            Loaded current = loaded.get(file);
            boolean unchanged = current != null && Arrays.equals(current.content(), content) && !failed.containsKey(file);
            boolean stillBroken = failed.containsKey(file) && Arrays.equals(failed.get(file).content(), content);
            if (!unchanged && !stillBroken) {
                replace(file, content, current);
            }
        }
    }

    /** The routes of the hub, by id, and the files that do not load. */
    public synchronized List<RouteView> routes() {
        Map<String, String> fileOf = new LinkedHashMap<>();
        loaded.forEach((file, what) -> what.routeIds().forEach(id -> fileOf.put(id, file)));
        List<RouteView> views = new ArrayList<>();
        for (Route route : camel == null ? List.<Route>of() : camel.getRoutes()) {
            String id = route.getRouteId();
            views.add(new RouteView(id, fileOf.get(id), camel.getRouteController().getRouteStatus(id).name(),
                    URISupport.sanitizeUri(route.getEndpoint().getEndpointBaseUri())));
        }
        views.sort((a, b) -> a.id().compareTo(b.id()));
        return views;
    }

    public synchronized List<LoadError> errors() {
        return failed.values().stream().map(Failed::error).toList();
    }

    private void replace(String file, byte[] content, Loaded previous) {
        if (previous != null) {
            unload(file);
        }
        Optional<LoadError> failure = load(file, content);
        if (failure.isEmpty()) {
            failed.remove(file);
            log.info("{} {}: routes {}", file, previous == null ? "loaded" : "reloaded", loaded.get(file).routeIds());
            return;
        }
        LoadError error = failure.get();
        failed.put(file, new Failed(content, error));
        String where = error.line() == null ? file : file + ":" + error.line();
        if (previous == null) {
            log.error("{} does not load, its routes are not running: {}", where, error.message());
            return;
        }
        log.error("{} does not load, its previous version keeps running: {}", where, error.message());
        load(file, previous.content()).ifPresent(again -> log.error("{}: its previous version does not load again "
                + "either, its routes are not running: {}", file, again.message()));
    }

    /** Adds the file's routes and templates; on failure removes whatever of them was added and says why. */
    private Optional<LoadError> load(String file, byte[] content) {
        ModelCamelContext model = (ModelCamelContext) camel;
        Set<String> routesBefore = routeIds();
        Set<String> templatesBefore = templateIds(model);
        Collection<RoutesBuilder> builders = List.of();
        try {
            Resource resource = ResourceHelper.fromBytes("file:" + dir.resolve(file), content);
            builders = PluginHelper.getRoutesLoader(camel).findRoutesBuilders(resource);
            for (RoutesBuilder builder : builders) {
                camel.addRoutes(builder);
            }
            Set<String> routes = new HashSet<>(routeIds());
            routes.removeAll(routesBefore);
            Set<String> templates = new HashSet<>(templateIds(model));
            templates.removeAll(templatesBefore);
            loaded.put(file, new Loaded(content, Set.copyOf(routes), Set.copyOf(templates)));
            return Optional.empty();
        } catch (Exception e) {
            Set<String> routes = new HashSet<>(routeIds());
            routes.removeAll(routesBefore);
            Set<String> templates = new HashSet<>(templateIds(model));
            templates.removeAll(templatesBefore);
            remove(routes, templates);
            Integer line = line(e);
            return Optional.of(new LoadError(file, line != null ? line : lineOfRoute(e, builders), message(e),
                    Instant.now()));
        }
    }

    private void unload(String file) {
        Loaded gone = loaded.remove(file);
        if (gone != null) {
            remove(gone.routeIds(), gone.templateIds());
        }
    }

    private void remove(Set<String> routeIds, Set<String> templateIds) {
        for (String id : routeIds) {
            try {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
                RouteDefinition definition = ((ModelCamelContext) camel).getRouteDefinition(id);
                if (definition != null) {
                    ((ModelCamelContext) camel).removeRouteDefinitions(List.of(definition));
                }
            } catch (Exception e) {
                log.warn("route {} could not be stopped and removed: {}", id, e.toString());
            }
        }
        for (String id : templateIds) {
            try {
                ((ModelCamelContext) camel).removeRouteTemplateDefinitions(id);
            } catch (Exception e) {
                log.warn("route template {} could not be removed: {}", id, e.toString());
            }
        }
    }

    private Set<String> routeIds() {
        Set<String> ids = new HashSet<>();
        camel.getRoutes().forEach(route -> ids.add(route.getRouteId()));
        ((ModelCamelContext) camel).getRouteDefinitions().forEach(definition -> ids.add(definition.getRouteId()));
        ids.remove(null);
        return ids;
    }

    private static Set<String> templateIds(ModelCamelContext model) {
        Set<String> ids = new HashSet<>();
        for (RouteTemplateDefinition template : model.getRouteTemplateDefinitions()) {
            ids.add(template.getId());
        }
        return ids;
    }

    /** The *.yaml files of the directory, by name; a file that cannot be read now is left for the next scan. */
    private Map<String, byte[]> read() {
        Map<String, byte[]> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> paths = Files.list(dir)) {
            for (Path path : paths.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
                try {
                    files.put(path.getFileName().toString(), Files.readAllBytes(path));
                } catch (IOException e) {
                    log.warn("{} cannot be read now ({}); it is kept as it was", path, e.toString());
                    String name = path.getFileName().toString();
                    Loaded current = loaded.get(name);
                    if (current != null) {
                        files.put(name, current.content());
                    }
                }
            }
        } catch (IOException e) {
            log.warn("{} cannot be listed now ({}); the routes stay as they are", dir, e.toString());
            loaded.forEach((file, what) -> files.put(file, what.content()));
        }
        return files;
    }

    /** A failure to create or start a route says which route; its definition knows the line it starts at. */
    private static Integer lineOfRoute(Exception e, Collection<RoutesBuilder> builders) {
        String routeId = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException create) {
                routeId = create.getRouteId();
            } else if (t instanceof FailedToStartRouteException start) {
                routeId = start.getRouteId();
            }
        }
        for (RoutesBuilder builder : builders) {
            if (routeId != null && builder instanceof RouteBuilder routes) {
                for (RouteDefinition definition : routes.getRouteCollection().getRoutes()) {
                    if (routeId.equals(definition.getRouteId()) && definition.getLineNumber() > 0) {
                        return definition.getLineNumber();
                    }
                }
            }
        }
        return null;
    }

    private static Integer line(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = t.getMessage() == null ? null : LINE.matcher(t.getMessage());
            if (m != null && m.find()) {
                return Integer.valueOf(m.group(1));
            }
        }
        return null;
    }

    /** The innermost message, which names what is wrong rather than where Camel was. */
    private static String message(Throwable e) {
        String message = e.toString();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        message = message.replaceAll("\\s+", " ").strip();
        return message.length() > 2000 ? message.substring(0, 2000) : message;
    }
}
