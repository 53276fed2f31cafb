package dev.webhookhub.delivery;

/** A delivery the router decided on: one event to one subscription; its ordering key when the webhook has one. */
public record NewDelivery(String id, String eventId, String subscriptionId, String orderingKey) {

    public NewDelivery(String id, String eventId, String subscriptionId) {
        this(id, eventId, subscriptionId, null);
    }
}
