package dev.webhookhub.mapping;

import java.util.Map;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;

/**
 * A compiled JSONata expression, named by where it stands (e.g. {@code events[2].data} or {@code filter}) so that
 * every error can point at it, and evaluated within its {@link JsonataBounds}: whatever the expression does, an
 * evaluation ends in a value or a {@link MappingException}, never a hung thread or a {@link StackOverflowError}.
 */
public final class Expression {

    private final String where;
    private final String text;
    private final Jsonata compiled;
    private final JsonataBounds bounds;

    private Expression(String where, String text, Jsonata compiled, JsonataBounds bounds) {
        this.where = where;
        this.text = text;
        this.compiled = compiled;
        this.bounds = bounds;
    }

    /** @throws IllegalArgumentException with the JSONata syntax error and where it stands */
    public static Expression compile(String where, String text, JsonataBounds bounds) {
        try {
            Jsonata compiled = Jsonata.jsonata(text);
            EvaluationBudget.registerOn(compiled);
            MappingFunctions.registerOn(compiled);
            return new Expression(where, text, compiled, bounds);
        } catch (JException e) {
            throw new IllegalArgumentException(where + ": JSONata syntax error: " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new IllegalArgumentException(where + ": not a JSONata expression: " + e, e);
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
        return evaluate(input, bindings, bounds);
    }

    /** {@link #evaluate(Object, Map)} within other bounds than the expression's own. */
    public Object evaluate(Object input, Map<String, Object> bindings, JsonataBounds bounds) {
        Jsonata.Frame frame = compiled.createFrame();
        bindings.forEach(frame::bind);
        try {
            return EvaluationBudget.run(bounds, frame, () -> compiled.evaluate(input, frame));
        } catch (RuntimeException e) {
            String exceeded = EvaluationBudget.exceededIn(e);
            if (exceeded != null) {
                throw new MappingException.BoundExceeded(where, "JSONata evaluation stopped: it " + exceeded, e);
            }
            throw new MappingException(where, "JSONata evaluation failed: "
                    + (e instanceof JException ? e.getMessage() : e.toString()), e);
        }
    }

    public boolean test(Object input, Map<String, Object> bindings) {
        return Jsonata.boolize(evaluate(input, bindings));
    }

    public boolean test(Object input, Map<String, Object> bindings, JsonataBounds bounds) {
        return Jsonata.boolize(evaluate(input, bindings, bounds));
    }

    @Override
    public String toString() {
        return where + ": " + text;
    }
}
