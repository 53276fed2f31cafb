package dev.webhookhub.store;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;

/**
 * A Bloom filter of the idempotency keys the store holds, so that a key that is certainly new (nearly every one) is
 * not looked up before its commit claims it. It only ever answers "maybe" or "no"; the commit's insert-if-absent
 * stays what decides, so a wrong "no" (a key another hub stored, or one older than the filter remembers) costs the
 * request one more mapping, never a duplicate.
 *
 * <p>Two generations of {@code capacity} keys each bound the memory: when the newer is full, the older is dropped and
 * its keys are answered "no" from then on. Until {@link #loaded} every key is a "maybe", so a hub that has not read
 * the store's keys yet looks every key up, as without a filter.
 */
final class KnownKeys {

    private static final double FALSE_POSITIVES = 0.01;

    private record Generation(BloomFilter<CharSequence> keys, AtomicInteger added) {
    }

    private record Generations(Generation newer, Generation older) {
    }

    private final int capacity;
    private final AtomicReference<Generations> generations;
    private volatile boolean loaded;

    /** @param capacity keys per generation; 0 turns the filter off (every key is a "maybe") */
    KnownKeys(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("hub.ingest.idempotency-filter-keys is " + capacity
                    + ": give the keys each generation of the filter holds, or 0 for no filter");
        }
        this.capacity = capacity;
        this.generations = new AtomicReference<>(capacity == 0 ? null : new Generations(generation(), null));
    }

    private Generation generation() {
        return new Generation(BloomFilter.create(Funnels.stringFunnel(StandardCharsets.UTF_8), capacity,
                FALSE_POSITIVES), new AtomicInteger());
    }

    /** False only for a key that is not in the store as far as this hub knows. */
    boolean mightHold(String environmentId, String source, String key) {
        Generations now = generations.get();
        if (!loaded || now == null) {
            return true;
        }
        String entry = entry(environmentId, source, key);
        return now.newer().keys().mightContain(entry) || now.older() != null && now.older().keys().mightContain(entry);
    }

    /** Remembers a key that is (or is about to be) in the store. */
    void add(String environmentId, String source, String key) {
        Generations now = generations.get();
        if (now == null) {
            return;
        }
        now.newer().keys().put(entry(environmentId, source, key));
        if (now.newer().added().incrementAndGet() == capacity) {
            generations.compareAndSet(now, new Generations(generation(), now.newer()));
        }
    }

    /** The store's newest keys (up to one generation) have been {@link #add added}: a "no" is now worth believing. */
    void loaded() {
        loaded = true;
    }

    /** How many keys the filter loads from the store at start: the newest that fit one generation. */
    int capacity() {
        return capacity;
    }

    private static String entry(String environmentId, String source, String key) {
        return environmentId + '\n' + source + '\n' + key;
    }
}
