package dev.webhookhub.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.webhookhub.mapping.NormalizedEvent;
import dev.webhookhub.store.EventRepository;
import dev.webhookhub.store.JsonColumns;
import dev.webhookhub.store.TimeOrderedIds;
import dev.webhookhub.store.Timestamps;
import dev.webhookhub.subscription.Subscription;
import dev.webhookhub.subscription.OperationalTypes;
import dev.webhookhub.subscription.SubscriptionRepository;

/**
 * The hub's own events about an environment's webhooks, for the environment's operational webhooks: stored as
 * events of source {@value Subscription#OPERATIONAL_SOURCE} and delivered, signed, by the same engine as any
 * other event. A notice about an operational webhook is dropped, so an operational endpoint that fails never
 * produces events about itself (nor a loop of them); a notice no operational webhook wants is not stored.
 */
@Component
public class OperationalEvents {

    private static final Logger log = LoggerFactory.getLogger(OperationalEvents.class);

    /** The webhook a notice is about. */
    public record About(String environmentId, String webhookId, String url, boolean operational) {

        static About of(DeliveryJob job) {
            return new About(job.environmentId(), job.subscriptionId(), job.targetUrl(), job.operational());
        }

        public static About of(Subscription webhook) {
            return new About(webhook.environmentId(), webhook.id(), webhook.targetUrl(), webhook.operational());
        }
    }

    /** Something worth telling about a webhook: the event's type and its {@code data} after webhook_id and url. */
    public record Notice(About about, String type, Map<String, Object> data) {
    }

    private final EventRepository events;
    private final DeliveryRepository deliveries;
    private final SubscriptionRepository subscriptions;
    private final JsonColumns json;

    public OperationalEvents(EventRepository events, DeliveryRepository deliveries, SubscriptionRepository subscriptions,
            JsonColumns json) {
        this.events = events;
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.json = json;
    }

    static Notice disabled(About about, String reason) {
        return new Notice(about, OperationalTypes.WEBHOOK_DISABLED, data("reason", reason));
    }

    static Notice failing(About about, Instant since, Integer statusCode, String error) {
        return new Notice(about, OperationalTypes.WEBHOOK_FAILING, data("failing_since", Timestamps.iso(since), "last_status_code",
                statusCode, "last_error", error));
    }

    /** @param from what it recovered from: {@code failing} (delivered again) or {@code lagging} (caught up) */
    public static Notice recovered(About about, String from) {
        return new Notice(about, OperationalTypes.WEBHOOK_RECOVERED, data("recovered_from", from));
    }

    public static Notice lagging(About about, long lagSeconds, long thresholdSeconds, long waiting) {
        return new Notice(about, OperationalTypes.WEBHOOK_LAGGING, data("lag_seconds", lagSeconds, "threshold_seconds", thresholdSeconds,
                "waiting", waiting));
    }

    static Notice dead(DeliveryJob job, int attempts, Integer statusCode, String error) {
        return new Notice(About.of(job), OperationalTypes.DELIVERY_DEAD, data("delivery_id", job.deliveryId(), "event_id", job.eventId(),
                "event_type", job.eventType(), "attempts", attempts, "last_status_code", statusCode, "last_error", error));
    }

    /**
     * In the caller's transaction: an event for each notice some operational webhook of its environment wants, and
     * a delivery of it to each of those, sent once the transaction commits.
     */
    public void record(List<Notice> notices) {
        List<DeliveryJob> scheduled = new ArrayList<>();
        for (Notice notice : notices) {
            if (notice.about().operational()) {
                continue;
            }
            String environmentId = notice.about().environmentId();
            List<Subscription> receivers = subscriptions.active(environmentId).stream()
                    .filter(s -> s.wants(Subscription.OPERATIONAL_SOURCE, notice.type()))
                    .toList();
            if (receivers.isEmpty()) {
                continue;
            }
            Instant now = Timestamps.now();
            Map<String, Object> envelope = envelope(notice, now);
            var event = new NormalizedEvent(TimeOrderedIds.evt(), Subscription.OPERATIONAL_SOURCE, notice.type(), now,
                    envelope, json.write(envelope));
            events.insert(event.id(), environmentId, event.source(), event.type(), event.envelopeJson(), now);
            for (Subscription receiver : receivers) {
                scheduled.add(DeliveryJob.first(TimeOrderedIds.delivery(now, event.id(), receiver.id()), event, receiver,
                        null, null));
            }
            log.info("{} about webhook {} ({}): event {} for {} operational webhook(s)", notice.type(),
                    notice.about().webhookId(), notice.about().url(), event.id(), receivers.size());
        }
        deliveries.schedule(scheduled);
    }

    /** {@code {"type", "timestamp", "data": {"webhook_id", "url", ...}}}, as Svix shapes its operational events. */
    private static Map<String, Object> envelope(Notice notice, Instant at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("webhook_id", notice.about().webhookId());
        data.put("url", notice.about().url());
        data.putAll(notice.data());
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("type", notice.type());
        envelope.put("timestamp", Timestamps.iso(at));
        envelope.put("data", data);
        return envelope;
    }

    /** Name, value pairs in order; null values are left out. */
    private static Map<String, Object> data(Object... pairs) {
        Map<String, Object> data = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                data.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return data;
    }
}
