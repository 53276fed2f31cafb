package dev.webhookhub.subscription;

import java.util.List;

/** The types of the hub's own events about webhooks; only operational webhooks receive them (docs/DELIVERY.md). */
public final class OperationalTypes {

    /** Disabled by the hub: the endpoint answered 410 Gone, or failed for longer than hub.delivery.disable-after. */
    public static final String WEBHOOK_DISABLED = "webhook.disabled";
    /** Its first failed attempt after a success. */
    public static final String WEBHOOK_FAILING = "webhook.failing";
    /** Delivered again after failing, or caught up after lagging. */
    public static final String WEBHOOK_RECOVERED = "webhook.recovered";
    /** Its oldest waiting delivery is older than its lag threshold. */
    public static final String WEBHOOK_LAGGING = "webhook.lagging";
    /** A delivery's retry schedule is used up. */
    public static final String DELIVERY_DEAD = "delivery.dead";

    public static final List<String> ALL = List.of(WEBHOOK_DISABLED, WEBHOOK_FAILING, WEBHOOK_RECOVERED,
            WEBHOOK_LAGGING, DELIVERY_DEAD);

    private OperationalTypes() {
    }
}
