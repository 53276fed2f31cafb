package dev.webhookhub.delivery;

import java.util.List;

/**
 * Published inside the ingest transaction: the deliveries it stored, each ready for its first attempt; the dispatcher
 * sends them once it commits.
 */
public record DeliveriesScheduled(List<DeliveryJob> deliveries) {
}
