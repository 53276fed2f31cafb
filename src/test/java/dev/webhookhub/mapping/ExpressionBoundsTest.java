package dev.webhookhub.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Every JSONata evaluation ends, in a value or a MappingException: whatever the expression does to time, stack, strings
 * or sequences, the bound stops it (and says which), and a Java StackOverflowError never escapes.
 */
class ExpressionBoundsTest {

    private static final JsonataBounds BOUNDS = new JsonataBounds(Duration.ofMillis(100), 200, 100_000, 10_000);
    /** For the cases that must trip a size or depth bound: a slow machine must not make the clock trip first. */
    private static final JsonataBounds PATIENT = new JsonataBounds(Duration.ofSeconds(10), 200, 100_000, 10_000);
    private static final Map<String, Object> ENVELOPE = Map.of("text", "1,".repeat(60), "n", 3);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            infinite tail recursion  | ($f:=function($n){$f($n+1)};$f(0))                      | ran longer than 100 ms
            long tail recursion      | ($f:=function($n){$n>=3000000?false:$f($n+1)};$f(0))    | ran longer than 100 ms
            deep recursion           | ($f:=function($n){$n=0?0:1+$f($n-1)};$f(100000))        | nested deeper than 200
            range of ten million     | $count([1..10000000].($ * 2)) > 0                        | more than 10000
            huge pad                 | $length($pad("", 100000000)) > 0                         | more than 100000
            doubling string          | ($f:=function($s,$n){$n=0?$s:$f($s&$s,$n-1)};$length($f("ab",40)) > 0) | more than 100000
            join bomb                | $length($join([1..3].$pad("x", 50000))) > 0              | more than 100000
            backtracking regex       | $contains(text, /(.*?,){11}P/)                           | ran longer than 100 ms
            backtracking match       | $count($match(text, /(.*?,){11}P/)) > 0                  | ran longer than 100 ms
            replace bomb             | $length($replace($pad("", 50000, "a"), "a", $pad("", 50000, "b"))) > 0 | more than 100000
            """)
    void aBoundStopsTheEvaluationAndSaysWhich(String what, String expression, String why) {
        var compiled = Expression.compile("filter", expression, why.startsWith("ran longer") ? BOUNDS : PATIENT);
        long started = System.nanoTime();
        assertThatThrownBy(() -> compiled.test(ENVELOPE, Map.of()))
                .isInstanceOf(MappingException.BoundExceeded.class)
                .hasMessageContaining(why);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as(what).isLessThan(Duration.ofSeconds(12));
    }

    @Test
    void timeTheThreadDidNotRunDoesNotCountAgainstTheExpression() {
        // a step that waits stands for a thread that did not run: a busy machine, a virtual thread without a carrier;
        // on a wall clock these six steps would be stopped at 100 ms, yet the expression itself does almost nothing
        var pause = new com.dashjoin.jsonata.Jsonata.JFunction((input, args) -> {
            try {
                Thread.sleep(60);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return true;
        }, "<:b>");
        var compiled = Expression.compile("filter", "$pause() and $pause() and $pause() and $pause() and $pause() and $pause()", BOUNDS);
        long started = System.nanoTime();
        assertThat(compiled.test(ENVELOPE, Map.of("pause", pause))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(300));
    }

    @Test
    void aRecursionDeeperThanTheStackIsStoppedNotThrownAsAnError() {
        var generous = new JsonataBounds(Duration.ofSeconds(10), 10_000_000, 100_000, 10_000);
        var compiled = Expression.compile("filter", "($f:=function($n){$n=0?0:1+$f($n-1)};$f(10000000))", generous);
        assertThatThrownBy(() -> compiled.test(ENVELOPE, Map.of()))
                .isInstanceOf(MappingException.BoundExceeded.class)
                .hasMessageContaining("nesting too deep for the stack");
    }

    @Test
    void aRangeBeyondJsonatasOwnLimitIsAnOrdinaryError() {
        var compiled = Expression.compile("filter", "$count([1..100000000]) > 0", BOUNDS);
        assertThatThrownBy(() -> compiled.test(ENVELOPE, Map.of()))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("JSONata evaluation failed");
    }

    @Test
    void evalIsSwitchedOff() {
        var compiled = Expression.compile("filter", "$eval('1 + 1') = 2", BOUNDS);
        assertThatThrownBy(() -> compiled.test(ENVELOPE, Map.of())).isInstanceOf(MappingException.class)
                .hasMessageContaining("$eval is not available");
    }

    @Test
    void theReplacedFunctionsStillWorkWithinTheirBounds() {
        var values = Map.<String, Object>of("s", "a-b-c", "word", "aaab");
        assertThat(Expression.compile("x", "$pad(s, 8, '*')", BOUNDS).evaluate(values, Map.of())).isEqualTo("a-b-c***");
        assertThat(Expression.compile("x", "$pad(s, -9, '<>')", BOUNDS).evaluate(values, Map.of())).isEqualTo("<><>a-b-c");
        assertThat(Expression.compile("x", "$pad('😀', 3)", BOUNDS).evaluate(values, Map.of())).isEqualTo("😀  ");
        assertThat(Expression.compile("x", "$pad(s, 2)", BOUNDS).evaluate(values, Map.of())).isEqualTo("a-b-c");
        assertThat(Expression.compile("x", "$join(['a','b'], '+')", BOUNDS).evaluate(values, Map.of())).isEqualTo("a+b");
        assertThat(Expression.compile("x", "$replace(s, '-', '')", BOUNDS).evaluate(values, Map.of())).isEqualTo("abc");
        assertThat(Expression.compile("x", "$replace(s, /-/, '_')", BOUNDS).evaluate(values, Map.of())).isEqualTo("a_b_c");
        assertThat(Expression.compile("x", "$contains(word, /a+b/)", BOUNDS).evaluate(values, Map.of())).isEqualTo(true);
        assertThat(Expression.compile("x", "$split(s, '-')", BOUNDS).evaluate(values, Map.of()))
                .isEqualTo(java.util.List.of("a", "b", "c"));
        assertThat(Expression.compile("x", "$match(word, /a/).index", BOUNDS).evaluate(values, Map.of()))
                .isEqualTo(java.util.List.of(0, 1, 2));
    }
}
