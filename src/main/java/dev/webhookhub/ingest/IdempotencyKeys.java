package dev.webhookhub.ingest;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.webhookhub.store.IdempotencyRepository;
import dev.webhookhub.store.IdempotencyRepository.Claim;

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

    /**
     * Commit step: remembers every member's request key and the dedupKeys its raw events introduced. A member whose
     * key another request took since it looked is set aside; mapped again, it is answered from that request's ids.
     */
    public CommitGroup remember(CommitGroup group) {
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < group.members().size(); i++) {
            IngestBatch member = group.members().get(i);
            if (member.idempotencyKey() != null) {
                claims.add(new Claim(i, member.environmentId(), member.source(), REQUEST + member.idempotencyKey(),
                        member.eventIds()));
            }
            int index = i;
            member.newKeys().forEach((key, ids) -> claims.add(new Claim(index, member.environmentId(), member.source(),
                    RAW + key, ids)));
        }
        repository.claim(claims);
        return group;
    }
}
