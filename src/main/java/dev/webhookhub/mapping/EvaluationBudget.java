package dev.webhookhub.mapping;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.dashjoin.jsonata.Functions;
import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.Jsonata.JFunction;

/**
 * The running account of one JSONata evaluation against its {@link JsonataBounds}. JSONata calls it on entering and
 * leaving every node of the expression, which is where a loop, a recursion or a growing value shows; the few
 * built-in functions that can do a lot of work in one call (a regular expression that backtracks, {@code $pad} to a
 * huge width, {@code $join} or {@code $replace} that multiply a string) are replaced by versions that check first.
 * {@code $eval} is switched off: an expression must be known when it is saved.
 */
final class EvaluationBudget {

    private static final ThreadLocal<EvaluationBudget> CURRENT = new ThreadLocal<>();

    /**
     * The most one step of an evaluation counts against its time. A longer gap between two steps is the thread not
     * running (a busy machine, a virtual thread waiting for a carrier, a collection), not the expression: on a wall
     * clock a loaded hub stopped trivial expressions and refused valid events. A single built-in call on large
     * values can also take longer; the size bounds keep that short.
     */
    private static final long MAX_STEP_NANOS = Duration.ofMillis(10).toNanos();

    private final JsonataBounds bounds;
    private final long limit;
    private final long maxStep;
    private long spent;
    private long last;
    private int depth;
    private String exceeded;

    private EvaluationBudget(JsonataBounds bounds) {
        this.bounds = bounds;
        this.limit = bounds.timeout().toNanos();
        this.maxStep = Math.min(MAX_STEP_NANOS, limit / 10);
        this.last = System.nanoTime();
    }

    /** Runs {@code evaluation} under a budget that the expression's frame reports to. */
    static Object run(JsonataBounds bounds, Jsonata.Frame frame, java.util.function.Supplier<Object> evaluation) {
        EvaluationBudget budget = new EvaluationBudget(bounds);
        frame.setEvaluateEntryCallback((expr, input, environment) -> budget.enter(environment));
        frame.setEvaluateExitCallback((expr, input, environment, result) -> budget.exit(environment, result));
        EvaluationBudget outer = CURRENT.get();
        CURRENT.set(budget);
        try {
            return evaluation.get();
        } catch (StackOverflowError e) {
            throw budget.exceed("nesting too deep for the stack");
        } finally {
            CURRENT.set(outer);
        }
    }

    /** Why the evaluation was stopped, or null if it was not stopped for a bound. */
    static String exceededIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Exceeded exceeded) {
                return exceeded.getMessage();
            }
        }
        return null;
    }

    private void enter(Jsonata.Frame environment) {
        if (!environment.isParallelCall) {
            depth++;
            if (depth > bounds.maxDepth()) {
                throw exceed("nested deeper than " + bounds.maxDepth() + " (a recursion that does not end?)");
            }
        }
        checkTime();
    }

    private void exit(Jsonata.Frame environment, Object result) {
        if (exceeded != null) {
            // JSONata caught what a bound threw (some of its functions do): the evaluation is over all the same
            throw new Exceeded(exceeded);
        }
        if (!environment.isParallelCall) {
            depth--;
        }
        checkTime();
        if (result instanceof String text) {
            checkLength(text.length());
        } else if (result instanceof List<?> items && items.size() > bounds.maxItems()) {
            throw exceed("built a sequence of " + items.size() + " items, more than " + bounds.maxItems());
        }
    }

    private void checkTime() {
        long now = System.nanoTime();
        spent += Math.min(now - last, maxStep);
        last = now;
        if (spent > limit) {
            throw exceed("ran longer than " + bounds.timeout().toMillis() + " ms");
        }
    }

    private void checkLength(long length) {
        if (length > bounds.maxStringLength()) {
            throw exceed("built a string of " + length + " characters, more than " + bounds.maxStringLength());
        }
    }

    private Exceeded exceed(String why) {
        exceeded = why;
        return new Exceeded(why);
    }

    /** A bound was reached: the evaluation is over, whatever JSONata makes of the exception on its way out. */
    static final class Exceeded extends JException {
        private final String why;

        Exceeded(String why) {
            super(why, -1);
            this.why = why;
        }

        @Override
        public String getMessage() {
            return why;
        }
    }

    /** Replaces the built-ins that could blow a bound in a single call with ones that check first. */
    static void registerOn(Jsonata expression) {
        expression.registerFunction("pad", new JFunction((input, args) -> {
            Number width = (Number) arg(args, 1);
            if (width != null) {
                budget().checkLength(Math.abs(width.longValue()));
            }
            return pad((String) arg(args, 0), width, (String) arg(args, 2));
        }, "<s-ns?:s>"));
        expression.registerFunction("join", new JFunction((input, args) -> {
            @SuppressWarnings("unchecked")
            List<String> strings = (List<String>) arg(args, 0);
            String separator = (String) arg(args, 1);
            if (strings != null) {
                long length = (long) Math.max(0, strings.size() - 1) * (separator == null ? 0 : separator.length());
                for (String s : strings) {
                    length += s == null ? 0 : s.length();
                }
                budget().checkLength(length);
            }
            return Functions.join(strings, separator);
        }, "<a<s>s?:s>"));
        expression.registerFunction("replace", new JFunction((input, args) -> {
            String text = (String) arg(args, 0);
            Object pattern = arg(args, 1);
            Object replacement = arg(args, 2);
            Number limit = (Number) arg(args, 3);
            if (text != null && pattern != null) {
                long matches = budget().count(text, pattern);
                if (replacement instanceof String r) {
                    budget().checkLength(text.length() + matches * r.length());
                }
            }
            return Functions.replace(text, pattern, replacement, limit == null ? null : limit.intValue());
        }, "<s-(sf)(sf)n?:s>"));
        expression.registerFunction("match", new JFunction((input, args) -> {
            String text = (String) arg(args, 0);
            if (text != null && arg(args, 1) instanceof Pattern regex) {
                budget().count(text, regex);
            }
            Number limit = (Number) arg(args, 2);
            return Functions.match(text, (Pattern) arg(args, 1), limit == null ? null : limit.intValue());
        }, "<s-f<s:o>n?:a<o>>"));
        expression.registerFunction("contains", new JFunction((input, args) -> {
            String text = (String) arg(args, 0);
            if (text != null && arg(args, 1) instanceof Pattern regex) {
                budget().count(text, regex);
            }
            return Functions.contains(text, arg(args, 1));
        }, "<s-(sf):b>"));
        expression.registerFunction("split", new JFunction((input, args) -> {
            String text = (String) arg(args, 0);
            if (text != null && arg(args, 1) != null) {
                long parts = budget().count(text, arg(args, 1)) + 1;
                if (parts > budget().bounds.maxItems()) {
                    throw budget().exceed("split into " + parts + " parts, more than " + budget().bounds.maxItems());
                }
            }
            return Functions.split(text, arg(args, 1), (Number) arg(args, 2));
        }, "<s-(sf)n?:a<s>>"));
        expression.registerFunction("eval", new JFunction((input, args) -> {
            throw new JException("$eval is not available: an expression must be complete when it is saved", -1);
        }, "<sx?:x>"));
    }

    /**
     * JSONata's {@code $pad}: {@code text} padded with {@code with} (a space by default) to {@code width} characters,
     * on the right for a positive width, on the left for a negative one. In linear time: the library's own builds the
     * padding by repeated concatenation, quadratic in the width, in one call that no bound can interrupt.
     */
    static String pad(String text, Number width, String with) {
        if (text == null) {
            return null;
        }
        String unit = with == null || with.isEmpty() ? " " : with;
        int wanted = Math.abs(width.intValue());
        int missing = wanted - text.codePointCount(0, text.length());
        if (missing <= 0) {
            return text;
        }
        StringBuilder padding = new StringBuilder();
        int units = unit.codePointCount(0, unit.length());
        for (int have = 0; have < missing; have += units) {
            padding.append(unit);
        }
        String cut = padding.substring(0, padding.offsetByCodePoints(0, missing));
        return width.intValue() < 0 ? cut + text : text + cut;
    }

    private static Object arg(List<?> args, int index) {
        return args != null && index < args.size() ? args.get(index) : null;
    }

    private static EvaluationBudget budget() {
        EvaluationBudget budget = CURRENT.get();
        if (budget == null) {
            throw new IllegalStateException("JSONata evaluated outside an Expression");
        }
        return budget;
    }

    /**
     * How often {@code pattern} (a string or a regular expression) occurs in {@code text}. A regular expression
     * scans a view of the text that checks the clock as the engine reads it, so catastrophic backtracking ends
     * when its time is spent instead of never.
     */
    private long count(String text, Object pattern) {
        long count = 0;
        if (pattern instanceof String literal) {
            if (literal.isEmpty()) {
                return text.length() + 1L;
            }
            for (int at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + literal.length())) {
                count++;
            }
            return count;
        }
        if (pattern instanceof Pattern regex) {
            Matcher matcher = regex.matcher(new TimedText(text, this));
            while (matcher.find()) {
                count++;
                if (matcher.end() == matcher.start() && matcher.end() == text.length()) {
                    break;
                }
            }
        }
        return count;
    }

    /** The text a regular expression runs over, checking the time spent every few thousand characters read. */
    private record TimedText(String text, EvaluationBudget budget, int[] reads) implements CharSequence {
        TimedText(String text, EvaluationBudget budget) {
            this(text, budget, new int[1]);
        }

        @Override
        public char charAt(int index) {
            if ((++reads[0] & 0xFFF) == 0) {
                budget.checkTime();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new TimedText(text.substring(start, end), budget, reads);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
