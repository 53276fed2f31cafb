package dev.webhookhub.delivery;

import java.util.List;

/** Published inside the ingest transaction; the dispatcher picks the deliveries up once it commits. */
public record DeliveriesScheduled(List<NewDelivery> deliveries) {
}
