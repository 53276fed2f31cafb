package dev.webhookhub.operational;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.webhookhub.HubProperties;
import dev.webhookhub.delivery.DeliveryRepository;
import dev.webhookhub.delivery.OperationalEvents;
import dev.webhookhub.subscription.Subscription;
import dev.webhookhub.subscription.SubscriptionRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

/**
 * Lag alerts, run by the {@code check-webhook-lag} route: a webhook lags when its oldest waiting delivery is older
 * than its threshold ({@code lag_threshold_seconds}, else {@code hub.delivery.lag.threshold}). The first check that
 * sees it announces {@code webhook.lagging}, the first that sees it caught up {@code webhook.recovered}; the mark
 * is kept in the store and set by a conditional update, so of several instances exactly one announces each change.
 * A paused webhook holds its deliveries on purpose and is left as it is. Every webhook with waiting deliveries has
 * its lag in {@code hub_webhook_lag_seconds}.
 */
@Component
public class WebhookLagMonitor {

    private static final Logger log = LoggerFactory.getLogger(WebhookLagMonitor.class);

    private final SubscriptionRepository subscriptions;
    private final DeliveryRepository deliveries;
    private final OperationalEvents operational;
    private final TransactionTemplate transaction;
    private final Duration defaultThreshold;
    private final MultiGauge lag;

    public WebhookLagMonitor(SubscriptionRepository subscriptions, DeliveryRepository deliveries,
            OperationalEvents operational, PlatformTransactionManager transactions, HubProperties properties,
            MeterRegistry registry) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.operational = operational;
        this.transaction = new TransactionTemplate(transactions);
        this.defaultThreshold = properties.delivery().lag().threshold();
        this.lag = MultiGauge.builder("hub.webhook.lag")
                .baseUnit("seconds")
                .description("age of the webhook's oldest delivery not yet made (webhooks with deliveries waiting)")
                .register(registry);
    }

    /** Route step. */
    public void check() {
        Instant now = Instant.now();
        Set<String> lagging = subscriptions.lagging();
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (String environmentId : subscriptions.environmentsWithWebhooks()) {
            Map<String, DeliveryRepository.Waiting> waiting = deliveries.waitingByWebhook(environmentId);
            for (Subscription webhook : subscriptions.active(environmentId)) {
                if (webhook.operational()) {
                    continue;
                }
                DeliveryRepository.Waiting w = waiting.get(webhook.id());
                long lagSeconds = w == null || w.oldest() == null ? 0 : Math.max(0, Duration.between(w.oldest(), now).toSeconds());
                if (w != null) {
                    rows.add(MultiGauge.Row.of(Tags.of("webhook", webhook.id(), "environment", environmentId), lagSeconds));
                }
                if (!webhook.paused()) {
                    long threshold = webhook.lagThresholdSeconds() != null ? webhook.lagThresholdSeconds()
                            : defaultThreshold.toSeconds();
                    announce(webhook, lagging.contains(webhook.id()), lagSeconds, threshold, w == null ? 0 : w.count(), now);
                }
            }
        }
        lag.register(rows, true);
    }

    private void announce(Subscription webhook, boolean marked, long lagSeconds, long threshold, long waiting, Instant now) {
        OperationalEvents.About about = OperationalEvents.About.of(webhook);
        if (lagSeconds > threshold && !marked) {
            transaction.executeWithoutResult(status -> {
                if (subscriptions.startLagging(webhook.id(), now)) {
                    log.warn("webhook {} ({}) is lagging: its oldest waiting delivery is {} s old (threshold {} s, {} waiting)",
                            webhook.id(), webhook.targetUrl(), lagSeconds, threshold, waiting);
                    operational.record(List.of(OperationalEvents.lagging(about, lagSeconds, threshold, waiting)));
                }
            });
        } else if (lagSeconds <= threshold && marked) {
            transaction.executeWithoutResult(status -> {
                if (subscriptions.stopLagging(webhook.id())) {
                    log.info("webhook {} ({}) caught up: lag {} s (threshold {} s)", webhook.id(), webhook.targetUrl(),
                            lagSeconds, threshold);
                    operational.record(List.of(OperationalEvents.recovered(about, "lagging")));
                }
            });
        }
    }
}
