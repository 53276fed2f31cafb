package dev.webhookhub.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.core.type.TypeReference;

import dev.webhookhub.subscription.SubscriptionFilters;
import dev.webhookhub.store.EventRepository;
import dev.webhookhub.store.EventRepository.StoredEvent;
import dev.webhookhub.store.JsonColumns;
import dev.webhookhub.subscription.Subscription;

/**
 * Re-sends a webhook every event of its environment since a time that it wants today (types, sources, filter),
 * delivered, failed or dead alike, as new deliveries due at once. Page by page, each page in its own short
 * transaction: a replay of millions of events never holds one transaction (and its locks) open, and what it
 * scheduled before a failure stays scheduled.
 */
@Component
public class Replayer {

    private static final int PAGE = 500;
    private static final TypeReference<Map<String, Object>> ENVELOPE = new TypeReference<>() {
    };

    private final EventRepository events;
    private final DeliveryRepository deliveries;
    private final SubscriptionFilters filters;
    private final JsonColumns json;
    private final TransactionTemplate transaction;

    public Replayer(EventRepository events, DeliveryRepository deliveries, SubscriptionFilters filters, JsonColumns json,
            PlatformTransactionManager transactions) {
        this.events = events;
        this.deliveries = deliveries;
        this.filters = filters;
        this.json = json;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** @return how many deliveries were created */
    public int replay(Subscription webhook, Instant since) {
        int replayed = 0;
        long afterSeq = 0;
        List<StoredEvent> page;
        do {
            page = events.since(webhook.environmentId(), since, afterSeq, PAGE);
            List<String> wanted = new ArrayList<>();
            for (StoredEvent event : page) {
                afterSeq = event.seq();
                if (webhook.wants(event.source(), event.type())
                        && (webhook.filter() == null || filters.accepts(webhook, json.read(event.envelope(), ENVELOPE)))) {
                    wanted.add(event.id());
                }
            }
            if (!wanted.isEmpty()) {
                transaction.executeWithoutResult(status -> deliveries.insertDue(webhook.environmentId(), webhook.id(), wanted));
                replayed += wanted.size();
            }
        } while (page.size() == PAGE);
        return replayed;
    }
}
