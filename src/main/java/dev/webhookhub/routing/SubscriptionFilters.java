package dev.webhookhub.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.webhookhub.mapping.Expression;
import dev.webhookhub.mapping.MappingException;
import dev.webhookhub.subscription.Subscription;

/** Evaluates a subscription's optional JSONata {@code filter} on the envelope; compiled once per filter text. */
@Component
public class SubscriptionFilters {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionFilters.class);

    private final Map<String, Expression> compiled = new ConcurrentHashMap<>();

    public boolean accepts(Subscription subscription, Map<String, Object> envelope) {
        if (subscription.filter() == null) {
            return true;
        }
        Expression filter = compiled.computeIfAbsent(subscription.filter(), text -> Expression.compile("filter", text));
        try {
            return filter.test(envelope, Map.of());
        } catch (MappingException e) {
            log.warn("filter of webhook {} failed on an envelope, not delivering: {}", subscription.id(), e.getMessage());
            return false;
        }
    }
}
