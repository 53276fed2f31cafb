package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.webhookhub.delivery.EndpointLane.Entry;
import dev.webhookhub.delivery.EndpointLane.Signal;

class EndpointLaneTest {

    @Test
    void deliveriesBeyondTheSlotsWaitInArrivalOrderUntilTheWaitingRoomIsFull() {
        var lane = new EndpointLane(2, 3);
        assertThat(lane.enter(job("a"), true, 1)).isEqualTo(Entry.ENTERED);
        assertThat(lane.enter(job("b"), true, 2)).isEqualTo(Entry.ENTERED);
        assertThat(lane.enter(job("c"), false, 3)).as("one that may not wait").isEqualTo(Entry.FULL);
        assertThat(lane.enter(job("c"), true, 3)).isEqualTo(Entry.WAITING);
        assertThat(lane.enter(job("d"), true, 4)).isEqualTo(Entry.WAITING);
        assertThat(lane.enter(job("e"), true, 5)).isEqualTo(Entry.WAITING);
        assertThat(lane.enter(job("f"), true, 6)).isEqualTo(Entry.FULL);

        var handed = lane.leave(Signal.SUCCESS);
        assertThat(handed.job().deliveryId()).as("the one that waited longest gets the slot").isEqualTo("c");
        assertThat(handed.since()).isEqualTo(3);
        assertThat(lane.inFlight()).as("the slot passed on, not freed").isEqualTo(2);
        assertThat(lane.leave(Signal.SUCCESS).job().deliveryId()).isEqualTo("d");
        assertThat(lane.leave(Signal.SUCCESS).job().deliveryId()).isEqualTo("e");
        assertThat(lane.leave(Signal.SUCCESS)).isNull();
        assertThat(lane.leave(Signal.SUCCESS)).isNull();
        assertThat(lane.inFlight()).isZero();
        assertThat(lane.waitingCount()).isZero();
    }

    @Test
    void congestionHalvesTheSlotsAndSuccessesGrowThemBackToTheCapOnly() {
        var lane = new EndpointLane(8, 100);
        assertThat(lane.limit()).as("a new endpoint may use the cap").isEqualTo(8);
        lane.enter(job("x"), true, 0);
        lane.leave(Signal.CONGESTION);
        assertThat(lane.limit()).isEqualTo(4);
        for (int i = 0; i < 3; i++) {
            lane.enter(job("x"), true, 0);
            lane.leave(Signal.CONGESTION);
        }
        assertThat(lane.limit()).as("never below one").isEqualTo(1);

        int successes = 0;
        while (lane.limit() < 8) {
            lane.enter(job("x"), true, 0);
            lane.leave(Signal.SUCCESS);
            successes++;
        }
        // additive: one more slot per round of successes (as many as the slots), about (8 x 8 - 1) / 2 from 1 to 8
        assertThat(successes).isBetween(25, 40);
        for (int i = 0; i < 50; i++) {
            lane.enter(job("x"), true, 0);
            lane.leave(Signal.SUCCESS);
        }
        assertThat(lane.limit()).as("never above the cap").isEqualTo(8);
        lane.enter(job("x"), true, 0);
        lane.leave(Signal.NONE);
        assertThat(lane.limit()).as("an attempt that says nothing changes nothing").isEqualTo(8);
    }

    @Test
    void afterAHalvingALeavingDeliveryFreesItsSlotUntilTheLaneIsBackUnderItsLimit() {
        var lane = new EndpointLane(4, 10);
        for (int i = 0; i < 4; i++) {
            assertThat(lane.enter(job("in-" + i), true, 0)).isEqualTo(Entry.ENTERED);
        }
        assertThat(lane.enter(job("waiting"), true, 1)).isEqualTo(Entry.WAITING);

        assertThat(lane.leave(Signal.CONGESTION)).as("4 in flight, limit now 2: 3 remain, over the limit").isNull();
        assertThat(lane.leave(Signal.NONE)).as("2 remain: at the limit").isNull();
        assertThat(lane.enter(job("late"), true, 2)).as("no slot while at the limit").isEqualTo(Entry.WAITING);
        var handed = lane.leave(Signal.NONE);
        assertThat(handed.job().deliveryId()).as("back at the limit: the slot is handed on").isEqualTo("waiting");
        assertThat(lane.inFlight()).isEqualTo(2);
    }

    @Test
    void theLongestWaitingAreEvictedFirstAndAllOnDemand() {
        var lane = new EndpointLane(1, 10);
        lane.enter(job("in"), true, 0);
        lane.enter(job("old"), true, 100);
        lane.enter(job("older-than-new"), true, 200);
        lane.enter(job("new"), true, 300);

        assertThat(lane.evict(250, false)).extracting(w -> w.job().deliveryId()).containsExactly("old", "older-than-new");
        assertThat(lane.waitingCount()).isEqualTo(1);
        assertThat(lane.evict(250, false)).isEmpty();
        assertThat(lane.evict(250, true)).extracting(w -> w.job().deliveryId()).containsExactly("new");
        assertThat(lane.leave(Signal.SUCCESS)).as("nothing left to hand the slot to").isNull();
        assertThat(lane.inFlight()).isZero();
    }

    @Test
    void whatAFullLaneSendsBackIsDueAfterThoseAheadOneSlotShareApartWithinTheBounds() {
        var lane = new EndpointLane(2, 2);
        long t = -5_000_000_000L; // System.nanoTime() may be negative
        for (String id : new String[] {"a", "b", "c", "d"}) {
            lane.enter(job(id), true, t);
        }
        assertThat(lane.enter(job("e"), true, t)).isEqualTo(Entry.FULL);
        assertThat(lane.full(true, t)).isTrue();
        // 100 per answer, two slots: one every 50; four ahead of the first
        assertThat(lane.returnAt(t, 100, 10, 260)).isEqualTo(t + 200);
        assertThat(lane.returnAt(t, 100, 10, 260)).isEqualTo(t + 250);
        assertThat(lane.returnAt(t, 100, 10, 260)).as("no later than the bound").isEqualTo(t + 260);
        assertThat(lane.returnAt(t, 100, 10, 260)).isEqualTo(t + 260);
        assertThat(lane.returnAt(t + 10_000, 100, 10, 260)).as("later, from the lane as it is then").isEqualTo(t + 10_200);
        assertThat(lane.returnAt(t + 20_000, 0, 10, 260)).as("no answer time known: the shortest delay").isEqualTo(t + 20_010);
    }

    @Test
    void aNewDeliveryQueuesBehindThoseSentBackUnlessASlotIsFree() {
        var lane = new EndpointLane(1, 5);
        long t = -1_000L;
        assertThat(lane.full(true, t)).as("a new lane").isFalse();
        lane.enter(job("a"), true, t);
        assertThat(lane.full(true, t)).as("room to wait").isFalse();
        assertThat(lane.full(false, t)).as("one that may not wait").isTrue();
        assertThat(lane.returnAt(t, 100, 50, 1_000)).isEqualTo(t + 100);

        assertThat(lane.full(true, t + 50)).as("one sent back is still to come back: behind it").isTrue();
        assertThat(lane.full(true, t + 201)).as("all sent back are due").isFalse();
        lane.leave(Signal.SUCCESS);
        assertThat(lane.full(true, t + 50)).as("a free slot is used").isFalse();
    }

    private static DeliveryJob job(String id) {
        return new DeliveryJob(id, "env", "evt", "type", "source", "{}", null, 0, "wh", "http://127.0.0.1/", true, "standard",
                "secret", null, null, null, java.util.List.of(), null, java.util.Map.of(), false, false, null, null);
    }
}
