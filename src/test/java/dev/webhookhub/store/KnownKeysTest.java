package dev.webhookhub.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class KnownKeysTest {

    @Test
    void untilTheStoresKeysAreLoadedEveryKeyMightBeKnown() {
        var known = new KnownKeys(1_000);
        assertThat(known.mightHold("env", "configly", "raw:never-seen")).isTrue();

        known.loaded();
        assertThat(known.mightHold("env", "configly", "raw:never-seen")).isFalse();
    }

    @Test
    void aKeyAddedIsKnownAndTheSameKeyOfAnotherEnvironmentOrSourceIsNot() {
        var known = new KnownKeys(1_000);
        known.loaded();
        known.add("env-a", "configly", "raw:k1");

        assertThat(known.mightHold("env-a", "configly", "raw:k1")).isTrue();
        assertThat(known.mightHold("env-b", "configly", "raw:k1")).isFalse();
        assertThat(known.mightHold("env-a", "synq", "raw:k1")).isFalse();
    }

    @Test
    void whenTheNewerGenerationIsFullTheOlderIsForgotten() {
        var known = new KnownKeys(1_000);
        known.loaded();
        IntStream.range(0, 1_000).forEach(i -> known.add("env", "configly", "first-" + i));
        IntStream.range(0, 999).forEach(i -> known.add("env", "configly", "second-" + i));

        // the first thousand filled a generation and are the older one now: still known
        assertThat(IntStream.range(0, 1_000).filter(i -> known.mightHold("env", "configly", "first-" + i))).hasSize(1_000);
        assertThat(IntStream.range(0, 999).filter(i -> known.mightHold("env", "configly", "second-" + i))).hasSize(999);

        known.add("env", "configly", "second-999");

        assertThat(IntStream.range(0, 1_000).filter(i -> known.mightHold("env", "configly", "second-" + i))).hasSize(1_000);
        // forgotten but for the filter's false positives (1 % per generation asked)
        assertThat(IntStream.range(0, 1_000).filter(i -> known.mightHold("env", "configly", "first-" + i)).count())
                .isLessThan(60);
    }

    @Test
    void aFilterOfNoKeysIsOffAndEveryKeyIsLookedUp() {
        var known = new KnownKeys(0);
        known.add("env", "configly", "k");
        known.loaded();

        assertThat(known.mightHold("env", "configly", "anything")).isTrue();
    }

    @Test
    void aNegativeSizeIsRefusedWithTheSettingsName() {
        assertThatThrownBy(() -> new KnownKeys(-1)).hasMessageContaining("hub.ingest.idempotency-filter-keys is -1");
    }
}
