package dev.webhookhub.ingest;

import java.util.List;

import dev.webhookhub.mapping.MappingException;

/**
 * {@code direct:hub-ingest} will never accept this raw event as it is: not JSON, too large, an unknown source or
 * environment, or its mapping refused it ({@link #rule()} and {@link #errors()} say which rule and why). Trying
 * again does not help; an inbound route sets it aside (dead-letter topic, failed row, {@code .error/} directory).
 */
public class RawEventRefused extends RuntimeException {

    private final String rule;
    private final List<String> errors;

    public RawEventRefused(String message) {
        this(message, null, List.of(), null);
    }

    RawEventRefused(String message, String rule, List<String> errors, Throwable cause) {
        super(message, cause);
        this.rule = rule;
        this.errors = List.copyOf(errors);
    }

    static RawEventRefused byMapping(MappingException e) {
        String message = e.errors().isEmpty() ? e.getMessage() : e.getMessage() + " " + e.errors();
        return new RawEventRefused(message, e.rule(), e.errors(), e);
    }

    /** The mapping rule that refused it (rawSchema, envelopeSchema, a rule's name...), or null when no mapping ran. */
    public String rule() {
        return rule;
    }

    /** What the rule found wrong, one line each (the JSON Schema errors, for instance); empty when not known. */
    public List<String> errors() {
        return errors;
    }
}
