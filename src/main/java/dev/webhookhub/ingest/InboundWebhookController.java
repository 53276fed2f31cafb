package dev.webhookhub.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.webhookhub.api.ApiException;
import dev.webhookhub.tracing.HubTracing;
import dev.webhookhub.ingest.InboundSignatures.Refused;
import dev.webhookhub.ingest.InboundSignatures.Verified;
import dev.webhookhub.mapping.InboundWebhook;
import dev.webhookhub.mapping.MappingRegistry;
import dev.webhookhub.mapping.SourceMapping;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletRequest;

/**
 * {@code POST /v1/inbound/{environment}/{path}}: an external system (GitHub, Stripe, a SaaS speaking Standard
 * Webhooks) pushes its raw events with its own signature instead of the hub's API key. The source is the one whose
 * mapping file declares that {@code inbound.path}; the signature is checked on the exact bytes received before
 * anything parses them. A delivery the producer sends again (same webhook-id, signature or id header) gets its
 * first event ids back and creates nothing.
 */
@RestController
public class InboundWebhookController {

    private static final Logger log = LoggerFactory.getLogger(InboundWebhookController.class);

    private final MappingRegistry mappings;
    private final IngestService ingest;
    private final EnvironmentIds environmentIds;
    private final Environment settings;
    private final ObjectMapper json;
    private final MeterRegistry meters;

    public InboundWebhookController(MappingRegistry mappings, IngestService ingest, EnvironmentIds environmentIds,
            Environment settings, ObjectMapper json, MeterRegistry meters) {
        this.mappings = mappings;
        this.ingest = ingest;
        this.environmentIds = environmentIds;
        this.settings = settings;
        this.json = json;
        this.meters = meters;
    }

    @Operation(summary = "Receive an external system's webhook for the source whose mapping declares this inbound path",
            description = "Authenticated by the producer's signature (Standard Webhooks, an HMAC of the body, Stripe's "
                    + "scheme or a static token, as the mapping file says), not by an API key. The body is one raw "
                    + "event or a JSON array of them.")
    @ApiResponse(responseCode = "202", description = "stored durably: the ids of the events it produced")
    @ApiResponse(responseCode = "401", description = "the signature or token is missing, wrong or too old")
    @PostMapping(path = "/v1/inbound/{environment}/{path}")
    public ResponseEntity<Map<String, List<String>>> receive(@PathVariable String environment, @PathVariable String path,
            HttpServletRequest request) throws IOException {
        SourceMapping source = mappings.sources().stream()
                .filter(mapping -> mapping.inbound() != null && mapping.inbound().path().equals(path)).findFirst()
                .orElseThrow(() -> ApiException.notFound("inbound path", path));
        InboundWebhook inbound = source.inbound();
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readAllBytes();
        }
        String secret = settings.getProperty(inbound.secretName());
        if (secret == null || secret.isBlank()) {
            log.error("inbound path '{}' (source {}) cannot verify requests: {} is not set", path, source.source(),
                    inbound.secretName());
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "inbound path '" + path + "' is not configured on"
                    + " this hub yet; nothing was stored, retry later");
        }
        String deliveryId = switch (InboundSignatures.verify(inbound, secret, request::getHeader, body, Instant.now())) {
            case Verified verified -> verified.deliveryId();
            case Refused refused -> {
                refused(path, "signature");
                log.warn("inbound path '{}' refused a request from {}: {}", path, request.getRemoteAddr(), refused.reason());
                throw new ApiException(HttpStatus.UNAUTHORIZED, refused.reason());
            }
        };
        String environmentId = environmentIds.byName(environment)
                .orElseThrow(() -> ApiException.notFound("environment", environment));
        List<Object> raws = RawEvents.parse(json, body);
        String key = deliveryId == null ? null : "inbound:" + path + ":" + deliveryId;
        IngestBatch stored = ingest.ingest(IngestBatch.of(environmentId, source.source(), raws,
                key != null && key.length() > 255 ? key.substring(0, 255) : key, request.getHeader(HubTracing.TRACEPARENT)));
        meters.counter("hub.inbound.accepted", "path", path).increment();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("event_ids", stored.eventIds()));
    }

    private void refused(String path, String reason) {
        meters.counter("hub.inbound.refused", "path", path, "reason", reason).increment();
    }
}
