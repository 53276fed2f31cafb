package dev.webhookhub.mapping;

import java.time.Duration;

/**
 * What one JSONata evaluation may cost: its run time, the depth of nested evaluation (recursion), and the size of
 * any string or sequence it builds along the way. Subscription filters are tenant input and get tight bounds;
 * mapping files get wider ones ({@code hub.jsonata.*}).
 */
public record JsonataBounds(Duration timeout, int maxDepth, int maxStringLength, int maxItems) {

    public JsonataBounds {
        if (timeout == null || timeout.isNegative() || timeout.isZero() || maxDepth < 1 || maxStringLength < 1 || maxItems < 1) {
            throw new IllegalArgumentException("hub.jsonata bounds must be positive: " + timeout + ", " + maxDepth + ", "
                    + maxStringLength + ", " + maxItems);
        }
    }

    /** The same bounds with a tenth of the time. */
    public JsonataBounds tighter() {
        return new JsonataBounds(timeout.dividedBy(10).isZero() ? Duration.ofMillis(1) : timeout.dividedBy(10), maxDepth,
                maxStringLength, maxItems);
    }
}
