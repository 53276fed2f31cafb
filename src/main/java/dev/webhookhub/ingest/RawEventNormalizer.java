package dev.webhookhub.ingest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.webhookhub.api.ApiException;
import dev.webhookhub.mapping.MappingException;
import dev.webhookhub.mapping.MappingRegistry;
import dev.webhookhub.mapping.MappingState;
import dev.webhookhub.mapping.NormalizedEvent;
import dev.webhookhub.mapping.Normalizer;
import dev.webhookhub.mapping.SourceMapping;
import dev.webhookhub.store.IdempotencyRepository;
import dev.webhookhub.store.MappingStateRepository;
import dev.webhookhub.tracing.HubTracing;

/** Ingest route step: maps each raw event of the batch, in order, by its source's mapping file. */
@Component
public class RawEventNormalizer {

    private final MappingRegistry mappings;
    private final Normalizer normalizer;
    private final MappingStateRepository stateRepository;
    private final IdempotencyRepository idempotency;

    private final HubTracing tracing;

    public RawEventNormalizer(MappingRegistry mappings, Normalizer normalizer, MappingStateRepository stateRepository,
            IdempotencyRepository idempotency, HubTracing tracing) {
        this.tracing = tracing;
        this.mappings = mappings;
        this.normalizer = normalizer;
        this.stateRepository = stateRepository;
        this.idempotency = idempotency;
    }

    /**
     * Maps each raw event in order, against the mapping state as it is now; the state it leaves is written by the
     * commit if nobody changed it meanwhile. A raw event whose dedupKey was ingested before (or earlier in the batch)
     * is not mapped again: it answers with the ids it produced then.
     */
    public IngestBatch normalize(IngestBatch batch) {
        return tracing.inSpan("mapping", () -> mapped(batch));
    }

    private IngestBatch mapped(IngestBatch batch) {
        SourceMapping mapping = mapping(batch.source());
        MappingStateRepository.Snapshot state = stateRepository.snapshot(batch.environmentId(), batch.source());
        List<NormalizedEvent> events = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        Map<String, List<String>> newKeys = new LinkedHashMap<>();
        for (int i = 0; i < batch.raws().size(); i++) {
            Object raw = batch.raws().get(i);
            // before the dedup key: a broken raw event must not pass as a repeat of a good one
            check(mapping, batch, i);
            String dedupKey = dedupKey(mapping, raw, batch, i);
            List<String> known = dedupKey == null ? null
                    : newKeys.containsKey(dedupKey) ? newKeys.get(dedupKey)
                    : idempotency.find(batch.environmentId(), batch.source(), IdempotencyKeys.RAW + dedupKey).orElse(null);
            if (known != null) {
                ids.addAll(known);
                continue;
            }
            List<NormalizedEvent> produced = mapOne(mapping, batch, i, state);
            events.addAll(produced);
            List<String> producedIds = produced.stream().map(NormalizedEvent::id).toList();
            ids.addAll(producedIds);
            if (dedupKey != null) {
                newKeys.put(dedupKey, producedIds);
            }
        }
        return batch.withEvents(events, ids, newKeys, state.writes());
    }

    /** The envelopes the batch would produce, read against stored state, storing nothing. */
    public List<NormalizedEvent> preview(IngestBatch batch) {
        SourceMapping mapping = mapping(batch.source());
        return map(mapping, batch, stateRepository.snapshot(batch.environmentId(), batch.source()));
    }

    public SourceMapping mapping(String source) {
        return mappings.source(source).orElseThrow(() -> ApiException.notFound("source", source));
    }

    private List<NormalizedEvent> map(SourceMapping mapping, IngestBatch batch, MappingState state) {
        List<NormalizedEvent> events = new ArrayList<>();
        for (int i = 0; i < batch.raws().size(); i++) {
            check(mapping, batch, i);
            events.addAll(mapOne(mapping, batch, i, state));
        }
        return events;
    }

    private void check(SourceMapping mapping, IngestBatch batch, int index) {
        try {
            normalizer.checkRaw(mapping, batch.raws().get(index));
        } catch (MappingException e) {
            throw batch.raws().size() == 1 ? e : new BatchItemException(index, e);
        }
    }

    private List<NormalizedEvent> mapOne(SourceMapping mapping, IngestBatch batch, int index, MappingState state) {
        try {
            return normalizer.normalizeChecked(mapping, batch.raws().get(index), batch.environmentId(), state);
        } catch (MappingException e) {
            throw batch.raws().size() == 1 ? e : new BatchItemException(index, e);
        }
    }

    private static String dedupKey(SourceMapping mapping, Object raw, IngestBatch batch, int index) {
        if (mapping.dedupKey() == null) {
            return null;
        }
        try {
            Object key = mapping.dedupKey().evaluate(raw, Map.of("environment", batch.environmentId()));
            return key == null ? null : String.valueOf(key);
        } catch (MappingException e) {
            throw batch.raws().size() == 1 ? e : new BatchItemException(index, e);
        }
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
