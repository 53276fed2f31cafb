package dev.webhookhub.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.webhookhub.api.ApiException;
import dev.webhookhub.mapping.NormalizedEvent;
import dev.webhookhub.tracing.HubTracing;
import dev.webhookhub.security.Tenant;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The HTTP inbound channel: {@code POST /v1/ingest/{source}} (one raw event) and {@code .../batch} (an array,
 * all or nothing). Both hand the raw events to {@link IngestService} and answer 202 only once the events and their
 * deliveries are committed.
 */
@RestController
public class IngestController {

    private static final String JSON_TYPES = "application/*+json";

    private final IngestService ingest;
    private final RawEventNormalizer normalizer;
    private final ObjectMapper json;

    public IngestController(IngestService ingest, RawEventNormalizer normalizer, ObjectMapper json) {
        this.ingest = ingest;
        this.normalizer = normalizer;
        this.json = json;
    }

    @Operation(summary = "Ingest one raw event of a source",
            description = "The source's mapping turns it into zero or more envelopes, stored before the 202.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object",
                            description = "a raw event as the source's producer sends it (DESIGN.md §3)"))))
    @ApiResponse(responseCode = "202", description = "stored durably: the ids of the events it produced")
    @PostMapping(path = "/v1/ingest/{source}", consumes = {MediaType.APPLICATION_JSON_VALUE, JSON_TYPES})
    public ResponseEntity<Map<String, List<String>>> ingest(Tenant tenant, @PathVariable String source,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey, HttpServletRequest request)
            throws IOException {
        normalizer.mapping(source);
        Object raw = readRawEvent(request);
        return accepted(ingest.ingest(IngestBatch.of(tenant.environmentId(), source, List.of(raw), key(idempotencyKey),
                request.getHeader(HubTracing.TRACEPARENT))));
    }

    @Operation(summary = "Ingest a batch of raw events of a source, all or nothing",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE, array = @ArraySchema(schema = @Schema(type = "object")))))
    @ApiResponse(responseCode = "202", description = "stored durably: the ids of the events they produced, in order")
    @PostMapping(path = "/v1/ingest/{source}/batch", consumes = {MediaType.APPLICATION_JSON_VALUE, JSON_TYPES})
    public ResponseEntity<Map<String, List<String>>> ingestBatch(Tenant tenant, @PathVariable String source,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey, HttpServletRequest request)
            throws IOException {
        normalizer.mapping(source);
        if (!(readJson(request) instanceof List<?> raws)) {
            throw ApiException.badRequest("a batch must be a JSON array of raw events");
        }
        if (raws.isEmpty()) {
            throw ApiException.badRequest("a batch must hold at least one raw event");
        }
        if (raws.contains(null)) {
            throw ApiException.badRequest("batch item " + raws.indexOf(null) + " is null; a raw event must be a JSON object");
        }
        return accepted(ingest.ingest(IngestBatch.of(tenant.environmentId(), source, List.copyOf(raws), key(idempotencyKey),
                request.getHeader(HubTracing.TRACEPARENT))));
    }

    @Operation(summary = "Preview the envelopes a raw event would produce, storing nothing",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(type = "object"))))
    @PostMapping(path = "/v1/sources/{source}/preview", consumes = {MediaType.APPLICATION_JSON_VALUE, JSON_TYPES})
    public Map<String, Object> preview(Tenant tenant, @PathVariable String source, HttpServletRequest request)
            throws IOException {
        normalizer.mapping(source);
        Object raw = readRawEvent(request);
        List<NormalizedEvent> events = normalizer.preview(IngestBatch.of(tenant.environmentId(), source, List.of(raw), null));
        return Map.of("events", events.stream().map(NormalizedEvent::envelope).toList());
    }

    private static String key(String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            return null;
        }
        if (idempotencyKey.length() > 255) {
            throw ApiException.badRequest("Idempotency-Key must be at most 255 characters");
        }
        return idempotencyKey.strip();
    }

    private static ResponseEntity<Map<String, List<String>>> accepted(IngestBatch stored) {
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("event_ids", stored.eventIds()));
    }

    private Object readRawEvent(HttpServletRequest request) throws IOException {
        Object raw = readJson(request);
        if (raw == null) {
            throw ApiException.badRequest("a raw event must be a JSON object, not null");
        }
        return raw;
    }

    /** The body is bounded by hub.ingest.max-bytes before it gets here ({@link dev.webhookhub.api.RequestBodyLimit}). */
    private Object readJson(HttpServletRequest request) throws IOException {
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readAllBytes();
        }
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty; send a JSON raw event");
        }
        try {
            Object value = json.readValue(body, Object.class);
            WellFormedText.check(value);
            return value;
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            throw ApiException.badRequest("malformed JSON" + (location == null ? "" : " at line " + location.getLineNr()
                    + ", column " + location.getColumnNr()) + ": " + e.getOriginalMessage());
        }
    }
}
