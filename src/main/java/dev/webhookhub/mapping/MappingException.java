package dev.webhookhub.mapping;

import java.util.List;

/** A raw event the mapping cannot turn into valid envelopes; the client gets 422 with {@link #rule()}. */
public class MappingException extends RuntimeException {

    private final String rule;
    private final List<String> errors;

    public MappingException(String rule, String message) {
        this(rule, message, List.of(), null);
    }

    public MappingException(String rule, String message, Throwable cause) {
        this(rule, message, List.of(), cause);
    }

    public MappingException(String rule, String message, List<String> errors) {
        this(rule, message, errors, null);
    }

    private MappingException(String rule, String message, List<String> errors, Throwable cause) {
        super(rule + ": " + message, cause);
        this.rule = rule;
        this.errors = List.copyOf(errors);
    }

    public String rule() {
        return rule;
    }

    public List<String> errors() {
        return errors;
    }

    /**
     * The expression reached one of its {@link JsonataBounds} (time, depth, size) and was stopped. Not the raw
     * event's fault as such, so it is told apart: a filter that does this is set aside for a while.
     */
    public static class BoundExceeded extends MappingException {
        public BoundExceeded(String rule, String message, Throwable cause) {
            super(rule, message, cause);
        }
    }
}
