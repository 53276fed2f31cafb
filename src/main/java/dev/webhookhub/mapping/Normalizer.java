package dev.webhookhub.mapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.ValidationMessage;

import dev.webhookhub.mapping.SourceMapping.EventRule;
import dev.webhookhub.mapping.SourceMapping.StateSlot;
import dev.webhookhub.store.TimeOrderedIds;
import dev.webhookhub.store.Timestamps;

/**
 * Runs one source's mapping over one raw event: binds state and {@code let} values, fires every rule whose
 * {@code when} holds (in file order), validates each payload against its schema and wraps it in the source's
 * envelope. Then saves the state slots for the next raw event.
 */
@Component
public class Normalizer {

    private final ObjectMapper json;

    public Normalizer(ObjectMapper json) {
        this.json = json;
    }

    public List<NormalizedEvent> normalize(SourceMapping mapping, Object raw, String environmentId, MappingState state) {
        checkRaw(mapping, raw);
        return normalizeChecked(mapping, raw, environmentId, state);
    }

    /** Refuses a raw event that is not an object or does not match the mapping's {@code rawSchema}. */
    public void checkRaw(SourceMapping mapping, Object raw) {
        if (!(raw instanceof Map<?, ?>)) {
            throw new MappingException("source", "a raw " + mapping.source() + " event must be a JSON object");
        }
        if (mapping.rawSchema() != null) {
            Set<ValidationMessage> errors = mapping.rawSchema().validate(json.valueToTree(raw));
            if (!errors.isEmpty()) {
                throw new MappingException("rawSchema", "the raw event is not a valid " + mapping.source() + " event",
                        errors.stream().map(ValidationMessage::getMessage).sorted().toList());
            }
        }
    }

    /** {@link #normalize} of a raw event that passed {@link #checkRaw}. */
    public List<NormalizedEvent> normalizeChecked(SourceMapping mapping, Object raw, String environmentId, MappingState state) {
        Map<String, Object> bindings = new HashMap<>();
        bindings.put("environment", environmentId);
        Map<StateSlot, String> keys = new LinkedHashMap<>();
        for (StateSlot slot : mapping.state()) {
            Object key = slot.key().evaluate(raw, bindings);
            if (key != null) {
                String stateKey = slot.name() + ":" + key;
                keys.put(slot, stateKey);
                Object value = state.load(stateKey);
                if (value != null) {
                    bindings.put(slot.name(), value);
                }
            }
        }
        mapping.let().forEach((name, expression) -> {
            Object value = expression.evaluate(raw, bindings);
            if (value != null) {
                bindings.put(name, value);
            }
        });

        Instant now = Timestamps.now();
        List<NormalizedEvent> events = new ArrayList<>();
        for (EventRule rule : mapping.events()) {
            bindings.put("eventType", rule.type());
            if (rule.when() != null && !rule.when().test(raw, bindings)) {
                continue;
            }
            Object data = rule.data().evaluate(raw, bindings);
            validate(rule, data);
            String id = newId(mapping.idFormat());
            Map<String, Object> envelopeBindings = new HashMap<>(bindings);
            envelopeBindings.put("id", id);
            envelopeBindings.put("timestamp", Timestamps.iso(now));
            envelopeBindings.put("data", data);
            Object envelope = mapping.envelope().evaluate(raw, envelopeBindings);
            if (!(envelope instanceof Map<?, ?> map)) {
                throw new MappingException(mapping.envelope().where(), "the envelope expression must produce an object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> envelopeMap = (Map<String, Object>) map;
            events.add(new NormalizedEvent(id, mapping.source(), rule.type(), now, envelopeMap, write(envelopeMap)));
        }
        bindings.remove("eventType");
        keys.forEach((slot, key) -> {
            Object value = slot.save().evaluate(raw, bindings);
            if (value != null) {
                state.save(key, value);
            }
        });
        return events;
    }

    private void validate(EventRule rule, Object data) {
        String where = "events[" + rule.type() + "].schema";
        if (data == null) {
            throw new MappingException(where, "the data expression produced nothing for " + rule.type());
        }
        Set<ValidationMessage> errors = rule.schema().validate(json.valueToTree(data));
        if (!errors.isEmpty()) {
            throw new MappingException(where, rule.type() + " payload does not match its schema",
                    errors.stream().map(ValidationMessage::getMessage).sorted().toList());
        }
    }

    private String write(Map<String, Object> envelope) {
        try {
            return json.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String newId(SourceMapping.IdFormat format) {
        return format == SourceMapping.IdFormat.UUID ? TimeOrderedIds.uuid() : TimeOrderedIds.evt();
    }
}
