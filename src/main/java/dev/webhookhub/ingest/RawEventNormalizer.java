package dev.webhookhub.ingest;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.webhookhub.api.ApiException;
import dev.webhookhub.mapping.MappingException;
import dev.webhookhub.mapping.MappingRegistry;
import dev.webhookhub.mapping.MappingState;
import dev.webhookhub.mapping.NormalizedEvent;
import dev.webhookhub.mapping.Normalizer;
import dev.webhookhub.mapping.SourceMapping;
import dev.webhookhub.store.MappingStateRepository;

/** Ingest route step: maps each raw event of the batch, in order, by its source's mapping file. */
@Component
public class RawEventNormalizer {

    private final MappingRegistry mappings;
    private final Normalizer normalizer;
    private final MappingStateRepository stateRepository;

    public RawEventNormalizer(MappingRegistry mappings, Normalizer normalizer, MappingStateRepository stateRepository) {
        this.mappings = mappings;
        this.normalizer = normalizer;
        this.stateRepository = stateRepository;
    }

    public IngestBatch normalize(IngestBatch batch) {
        SourceMapping mapping = mapping(batch.source());
        MappingState state = stateRepository.forUpdate(batch.environmentId(), batch.source());
        return batch.withEvents(map(mapping, batch, state));
    }

    /** The envelopes the batch would produce, read against stored state, storing nothing. */
    public List<NormalizedEvent> preview(IngestBatch batch) {
        SourceMapping mapping = mapping(batch.source());
        MappingState state = MappingState.readOnly(stateRepository.readOnly(batch.environmentId(), batch.source()));
        return map(mapping, batch, state);
    }

    public SourceMapping mapping(String source) {
        return mappings.source(source).orElseThrow(() -> ApiException.notFound("source", source));
    }

    private List<NormalizedEvent> map(SourceMapping mapping, IngestBatch batch, MappingState state) {
        List<NormalizedEvent> events = new ArrayList<>();
        for (int i = 0; i < batch.raws().size(); i++) {
            try {
                events.addAll(normalizer.normalize(mapping, batch.raws().get(i), batch.environmentId(), state));
            } catch (MappingException e) {
                throw batch.raws().size() == 1 ? e : new BatchItemException(i, e);
            }
        }
        return events;
    }

    /** A batch is all-or-nothing: the first raw event that fails names its index. */
    public static class BatchItemException extends MappingException {
        private final int index;

        BatchItemException(int index, MappingException cause) {
            super(cause.rule(), "batch item " + index + ": " + cause.getMessage(), cause.errors());
            this.index = index;
        }

        public int index() {
            return index;
        }
    }
}
