package dev.webhookhub.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.webhookhub.security.Tenant;
import dev.webhookhub.store.EventRepository;
import dev.webhookhub.store.EventRepository.StoredEvent;
import dev.webhookhub.store.JsonColumns;
import dev.webhookhub.store.Timestamps;

/** Stored events, newest first, with the exact envelope subscribers receive. */
@RestController
public class EventController {

    private static final TypeReference<Map<String, Object>> ENVELOPE = new TypeReference<>() {
    };

    private final EventRepository events;
    private final JsonColumns json;

    public EventController(EventRepository events, JsonColumns json) {
        this.events = events;
        this.json = json;
    }

    @GetMapping("/v1/events")
    public Map<String, Object> list(Tenant tenant, @RequestParam(required = false) String type,
            @RequestParam(required = false) String source, @RequestParam(required = false) String since,
            @RequestParam(required = false) Long cursor, @RequestParam(defaultValue = "50") int limit) {
        Pages.checkedLimit(limit);
        Instant from = null;
        if (since != null) {
            try {
                from = Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("since must be an ISO-8601 instant, e.g. 2026-04-15T14:30:00Z");
            }
        }
        List<StoredEvent> page = events.page(tenant.environmentId(), type, source, from, cursor, limit + 1);
        return Pages.of(page, limit, this::view, StoredEvent::seq);
    }

    @GetMapping("/v1/events/{id}")
    public Map<String, Object> get(Tenant tenant, @PathVariable String id) {
        return view(events.find(tenant.environmentId(), id).orElseThrow(() -> ApiException.notFound("event", id)));
    }

    private Map<String, Object> view(StoredEvent e) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", e.id());
        view.put("source", e.source());
        view.put("type", e.type());
        view.put("created_at", Timestamps.iso(e.createdAt()));
        view.put("envelope", json.read(e.envelope(), ENVELOPE));
        return view;
    }
}
