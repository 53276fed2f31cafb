package dev.webhookhub.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the {@code commit-ingest} route writes in one transaction: the prepared batches of one or more ingest
 * requests (their events mapped, their deliveries routed). A step that finds a member's prepared state out of date
 * (another request changed a mapping state key or took an idempotency key first) throws {@link MembersSetAside}:
 * the transaction rolls back and those members are mapped again.
 */
public record CommitGroup(List<IngestBatch> members) {

    public CommitGroup {
        members = List.copyOf(members);
    }

    public static CommitGroup of(IngestBatch batch) {
        return new CommitGroup(List.of(batch));
    }

    /** Thrown by a commit step: these members (indexes into {@link #members}) were prepared on data that changed. */
    public static class MembersSetAside extends RuntimeException {
        private final Set<Integer> indexes;

        public MembersSetAside(Set<Integer> indexes, String why) {
            super(why, null, false, false);
            this.indexes = new TreeSet<>(indexes);
        }

        public Set<Integer> indexes() {
            return indexes;
        }
    }

    /** The members in the given order without those at {@code indexes}. */
    CommitGroup without(Set<Integer> indexes) {
        List<IngestBatch> kept = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            if (!indexes.contains(i)) {
                kept.add(members.get(i));
            }
        }
        return new CommitGroup(kept);
    }
}
