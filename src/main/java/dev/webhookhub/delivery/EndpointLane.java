package dev.webhookhub.delivery;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One endpoint's deliveries in flight, and those that wait in memory for one of its slots. How many may be in flight
 * adapts: it halves when the endpoint fails or slows down and grows back by one per round of successes (AIMD),
 * never above the hub's per-endpoint cap. A finishing delivery hands its slot straight to the one that has waited
 * longest, so that a busy but healthy endpoint's deliveries wait here rather than go back through the store.
 */
final class EndpointLane {

    /** A delivery waiting for a slot, since when ({@link System#nanoTime()}). */
    record Waiting(DeliveryJob job, long since) {
    }

    enum Entry { ENTERED, WAITING, FULL }

    /** How a finished delivery went, for the limit: a success, a failure or slowdown, or nothing to learn. */
    enum Signal { SUCCESS, CONGESTION, NONE }

    private final int max;
    private final int maxWaiting;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private double limit;
    private int inFlight;
    /** When the next delivery sent back to the store because the lane is full should be due ({@link System#nanoTime()}). */
    private long nextReturn;
    private boolean sentBack;

    EndpointLane(int max, int maxWaiting) {
        this.max = max;
        this.maxWaiting = maxWaiting;
        this.limit = max;
    }

    /** Takes a slot if one is free; else the job waits here if there is room ({@code mayWait}), else the lane is full. */
    synchronized Entry enter(DeliveryJob job, boolean mayWait, long now) {
        if (inFlight < slots()) {
            inFlight++;
            return Entry.ENTERED;
        }
        if (mayWait && waiting.size() < maxWaiting) {
            waiting.add(new Waiting(job, now));
            return Entry.WAITING;
        }
        return Entry.FULL;
    }

    /**
     * Whether a new delivery should go to the store rather than into the lane: it finds no slot, and no room to wait
     * ({@code mayWait}: it may wait) or deliveries the lane sent back earlier are still to come back: it goes behind
     * them, so that under a backlog the oldest go first rather than whatever arrived last. A free slot is used.
     */
    synchronized boolean full(boolean mayWait, long now) {
        return inFlight >= slots() && (!mayWait || waiting.size() >= maxWaiting || sentBack && nextReturn - now > 0);
    }

    /**
     * A delivery gives its slot up: the limit learns from how it went, and the slot goes to the delivery that has
     * waited longest, which is returned (it holds the slot now), unless the lane is over its limit.
     */
    synchronized Waiting leave(Signal signal) {
        switch (signal) {
            case SUCCESS -> limit = Math.min(max, limit + 1 / limit);
            case CONGESTION -> limit = Math.max(1, limit / 2);
            case NONE -> { }
        }
        if (!waiting.isEmpty() && inFlight <= slots()) {
            return waiting.poll();
        }
        inFlight--;
        return null;
    }

    /**
     * When a delivery that found the lane full is due again: after those waiting here and those sent back before it,
     * one slot's share of the endpoint's answer time ({@code pace}) apart, so that what goes back to the store comes
     * back about as fast as the endpoint takes it rather than all at once, to be sent back again; between
     * {@code min} and {@code max} from {@code now} (nanoseconds).
     */
    synchronized long returnAt(long now, long pace, long min, long max) {
        long apart = pace / slots();
        long at = Math.max(now + min, now + (inFlight + waiting.size()) * apart);
        if (sentBack && nextReturn - at > 0) {
            at = nextReturn;
        }
        if (at - (now + max) > 0) {
            at = now + max;
        }
        nextReturn = at + apart;
        sentBack = true;
        return at;
    }

    /** Takes out the deliveries that have waited since before {@code since}, or all of them ({@code all}). */
    synchronized List<Waiting> evict(long since, boolean all) {
        List<Waiting> evicted = new ArrayList<>();
        // arrival order: the ones that waited longest are first
        while (!waiting.isEmpty() && (all || waiting.peek().since() - since < 0)) {
            evicted.add(waiting.poll());
        }
        return evicted;
    }

    private int slots() {
        return (int) limit;
    }

    synchronized int limit() {
        return slots();
    }

    synchronized int inFlight() {
        return inFlight;
    }

    synchronized int waitingCount() {
        return waiting.size();
    }
}
