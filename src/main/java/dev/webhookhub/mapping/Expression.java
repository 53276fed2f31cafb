package dev.webhookhub.mapping;

import java.util.Map;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;

/**
 * A compiled JSONata expression from a mapping file, named by where it stands (e.g.
 * {@code events[2].data}) so that every error can point at it.
 */
public final class Expression {

    private final String where;
    private final String text;
    private final Jsonata compiled;

    private Expression(String where, String text, Jsonata compiled) {
        this.where = where;
        this.text = text;
        this.compiled = compiled;
    }

    /** @throws IllegalArgumentException with the JSONata syntax error and where it stands */
    public static Expression compile(String where, String text) {
        try {
            Jsonata compiled = Jsonata.jsonata(text);
            MappingFunctions.registerOn(compiled);
            return new Expression(where, text, compiled);
        } catch (JException e) {
            throw new IllegalArgumentException(where + ": JSONata syntax error: " + e.getMessage(), e);
        }
    }

    public String where() {
        return where;
    }

    public String text() {
        return text;
    }

    /** Evaluates against {@code input} with {@code $name} bound to each entry of {@code bindings}. */
    public Object evaluate(Object input, Map<String, Object> bindings) {
        Jsonata.Frame frame = compiled.createFrame();
        bindings.forEach(frame::bind);
        try {
            return compiled.evaluate(input, frame);
        } catch (JException e) {
            throw new MappingException(where, "JSONata evaluation failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new MappingException(where, "JSONata evaluation failed: " + e, e);
        }
    }

    public boolean test(Object input, Map<String, Object> bindings) {
        return Jsonata.boolize(evaluate(input, bindings));
    }

    @Override
    public String toString() {
        return where + ": " + text;
    }
}
