package dev.webhookhub.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    @Test
    void uuidsAreVersion7AndCarryTheirMillisecond() {
        long before = System.currentTimeMillis();
        UUID id = UUID.fromString(TimeOrderedIds.uuid());
        long after = System.currentTimeMillis();

        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
    }

    @Test
    void evtIdsHaveTheDocumentedFormatAndCarryTheirMillisecond() {
        long before = System.currentTimeMillis();
        String id = TimeOrderedIds.evt();
        long after = System.currentTimeMillis();

        assertThat(id).matches("evt_[a-z0-9]{16}");
        assertThat(Long.parseLong(id.substring(4, 12), 36)).isBetween(before, after);
    }

    @Test
    void idsMadeInALaterMillisecondSortAfterEarlierOnes() throws InterruptedException {
        List<String> uuids = new ArrayList<>();
        List<String> evts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            uuids.add(TimeOrderedIds.uuid());
            evts.add(TimeOrderedIds.evt());
            Thread.sleep(2);
        }
        assertThat(uuids).isSorted();
        assertThat(evts).isSorted();
    }

    @Test
    void idsOfTheSameMillisecondStayUnique() {
        var seen = new HashSet<String>();
        for (int i = 0; i < 100_000; i++) {
            assertThat(seen.add(TimeOrderedIds.evt())).isTrue();
            assertThat(seen.add(TimeOrderedIds.uuid())).isTrue();
        }
    }

    @Test
    void aDeliveryIdIsTheSameForTheSameEventAndSubscriptionAndBeginsWithTheEventsMillisecond() {
        Instant created = Instant.parse("2026-11-23T16:30:00.123Z");
        String id = TimeOrderedIds.delivery(created, "evt_0000000000000001", "sub-a");

        assertThat(TimeOrderedIds.delivery(created, "evt_0000000000000001", "sub-a")).isEqualTo(id);
        assertThat(TimeOrderedIds.delivery(created, "evt_0000000000000001", "sub-b")).isNotEqualTo(id);
        assertThat(TimeOrderedIds.delivery(created, "evt_0000000000000002", "sub-a")).isNotEqualTo(id);
        UUID uuid = UUID.fromString(id);
        assertThat(uuid.version()).isEqualTo(8);
        assertThat(uuid.variant()).isEqualTo(2);
        assertThat(uuid.getMostSignificantBits() >>> 16).isEqualTo(created.toEpochMilli());
        assertThat(TimeOrderedIds.delivery(created.plusMillis(1), "evt_0000000000000000", "sub-a")).isGreaterThan(id);
    }
}
