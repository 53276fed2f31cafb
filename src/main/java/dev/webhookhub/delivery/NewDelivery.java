package dev.webhookhub.delivery;

/** A delivery the router decided on: one event to one subscription. */
public record NewDelivery(String id, String eventId, String subscriptionId) {
}
