package dev.webhookhub.store;

import java.util.List;

import dev.webhookhub.mapping.NormalizedEvent;

/** Published inside the ingest transaction; listeners that want only committed events use AFTER_COMMIT. */
public record EventsStored(List<NormalizedEvent> events) {
}
