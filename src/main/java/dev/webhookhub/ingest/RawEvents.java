package dev.webhookhub.ingest;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.webhookhub.api.ApiException;

/**
 * The raw events of a body that holds one raw event or a JSON array of them, as {@code direct:hub-ingest} and the
 * inbound webhooks take it. What is wrong with it is a 400 (a refused raw event on a route).
 */
final class RawEvents {

    private RawEvents() {
    }

    static List<Object> parse(ObjectMapper json, byte[] body) {
        if (body == null || body.length == 0) {
            throw ApiException.badRequest("the body is empty; send one raw event or a JSON array of them");
        }
        Object value;
        try {
            value = json.readValue(body, Object.class);
        } catch (JsonProcessingException e) {
            var location = e.getLocation();
            throw ApiException.badRequest("not JSON" + (location == null ? "" : " at line " + location.getLineNr()
                    + ", column " + location.getColumnNr()) + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("not JSON: " + e.getMessage());
        }
        WellFormedText.check(value);
        return of(value);
    }

    /** One raw event, or the items of an array: at least one, none of them null. */
    static List<Object> of(Object value) {
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                throw ApiException.badRequest("an array must hold at least one raw event");
            }
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == null) {
                    throw ApiException.badRequest("item " + i + " is null; a raw event must be a JSON object");
                }
            }
            return List.copyOf(list);
        }
        if (value == null) {
            throw ApiException.badRequest("a raw event must be a JSON object, not null");
        }
        return List.of(value);
    }
}
