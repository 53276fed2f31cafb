package dev.webhookhub.ingest;

import org.springframework.stereotype.Component;

import dev.webhookhub.store.IdempotencyRepository;

/** Ingest route steps for the Idempotency-Key header and mapping dedupKeys. */
@Component
public class IdempotencyKeys {

    static final String REQUEST = "request:";
    static final String RAW = "raw:";

    private final IdempotencyRepository repository;

    public IdempotencyKeys(IdempotencyRepository repository) {
        this.repository = repository;
    }

    /** A repeated Idempotency-Key within the retention window: answer with the original ids, create nothing. */
    public IngestBatch recall(IngestBatch batch) {
        if (batch.idempotencyKey() == null) {
            return batch;
        }
        return repository.find(batch.environmentId(), batch.source(), REQUEST + batch.idempotencyKey())
                .map(batch::replay)
                .orElse(batch);
    }

    /** After the batch is stored: remember its request key and the dedupKeys its raw events introduced. */
    public IngestBatch remember(IngestBatch batch) {
        if (batch.idempotencyKey() != null) {
            repository.remember(batch.environmentId(), batch.source(), REQUEST + batch.idempotencyKey(), batch.eventIds());
        }
        batch.newKeys().forEach((key, ids) -> repository.remember(batch.environmentId(), batch.source(), RAW + key, ids));
        return batch;
    }
}
