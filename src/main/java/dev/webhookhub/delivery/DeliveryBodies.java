package dev.webhookhub.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.webhookhub.store.Timestamps;
import dev.webhookhub.subscription.Subscription;

/**
 * What goes on the wire for a subscription's {@code format}: the source's documented envelope as stored
 * ({@code native}), or that envelope as the {@code data} of a CloudEvents 1.0 structured-mode event.
 */
@Component
public class DeliveryBodies {

    static final String JSON = "application/json";
    static final String CLOUDEVENTS_JSON = "application/cloudevents+json";

    private final ObjectMapper json;

    public DeliveryBodies(ObjectMapper json) {
        this.json = json;
    }

    public String body(DeliveryJob job) {
        if (!Subscription.FORMAT_CLOUDEVENTS.equals(job.format())) {
            return job.envelope();
        }
        try {
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("specversion", "1.0");
            event.put("id", job.eventId());
            event.put("source", "/webhook-hub/" + job.source());
            event.put("type", job.eventType());
            event.put("time", Timestamps.iso(job.eventCreatedAt()));
            event.put("datacontenttype", JSON);
            event.put("data", json.readTree(job.envelope()));
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored envelope of " + job.eventId() + " is not JSON", e);
        }
    }

    public String contentType(DeliveryJob job) {
        return Subscription.FORMAT_CLOUDEVENTS.equals(job.format()) ? CLOUDEVENTS_JSON : JSON;
    }
}
