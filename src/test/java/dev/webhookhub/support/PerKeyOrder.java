package dev.webhookhub.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import dev.webhookhub.support.TestReceiver.Received;
import dev.webhookhub.support.TestReceiver.Reply;

/**
 * The receiver's side of ordered delivery: knows each key's events in ingest order (by a name each body carries, told
 * before the event is ingested, since its first attempt may arrive before the ingest call returns), answers through a
 * failure plan, and records a violation whenever a request for an event arrives while an earlier event of its key
 * has been neither answered 2xx nor given up (dead).
 */
public final class PerKeyOrder {

    private final Map<String, List<String>> byKey = new ConcurrentHashMap<>();
    private final Map<String, String> keyOf = new ConcurrentHashMap<>();
    private final Set<String> succeeded = ConcurrentHashMap.newKeySet();
    private final Set<String> givenUp = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<String> deliveredInOrder = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> failuresLeft = new ConcurrentHashMap<>();

    private final Function<String, String> nameInBody;

    /** @param nameInBody the event's name, as found in a delivered body */
    public PerKeyOrder(Function<String, String> nameInBody) {
        this.nameInBody = nameInBody;
    }

    /** The next event of a key, told before it is ingested. */
    public void expect(String key, String eventId) {
        byKey.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(eventId);
        keyOf.put(eventId, key);
    }

    /** The next event of a key, whose first {@code failures} requests {@link #failingAsPlanned} answers 503. */
    public void expect(String key, String eventId, int failures) {
        expect(key, eventId);
        if (failures > 0) {
            failuresLeft.put(eventId, failures);
        }
    }

    /**
     * Answers 503 to an event while it has failures left (503 is not redelivered in-process: each is an attempt the
     * hub schedules), else {@code otherwise}.
     */
    public Function<Received, Reply> failingAsPlanned(Reply otherwise) {
        return answering(event -> failuresLeft.getOrDefault(event, 0) > 0
                && failuresLeft.merge(event, -1, Integer::sum) >= 0 ? Reply.status(503) : otherwise);
    }

    /** An event the plan fails for good: its successors may go once the hub has given it up (check that apart). */
    public void givenUp(String eventId) {
        givenUp.add(eventId);
    }

    /** Answers by {@code plan} (given the event's name; null: 204), checking the order first. */
    public Function<Received, Reply> answering(Function<String, Reply> plan) {
        return request -> {
            String event = nameInBody.apply(request.body());
            int attempt = attempts.merge(event, 1, Integer::sum);
            String key = keyOf.get(event);
            if (key != null) {
                for (String earlier : byKey.get(key)) {
                    if (earlier.equals(event)) {
                        break;
                    }
                    if (!succeeded.contains(earlier) && !givenUp.contains(earlier)) {
                        violations.add(event + " (attempt " + attempt + ") arrived before " + earlier + " of key " + key
                                + " was delivered");
                    }
                }
            }
            Reply reply = plan.apply(event);
            if (reply == null) {
                reply = Reply.status(204);
            }
            if (reply.status() / 100 == 2 && succeeded.add(event)) {
                deliveredInOrder.add(event);
            }
            return reply;
        };
    }

    public int attempts(String eventId) {
        return attempts.getOrDefault(eventId, 0);
    }

    public boolean delivered(String eventId) {
        return succeeded.contains(eventId);
    }

    public boolean allDelivered() {
        return keyOf.keySet().stream().allMatch(e -> succeeded.contains(e) || givenUp.contains(e));
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** Event ids in the order they were first answered 2xx. */
    public List<String> deliveredInOrder() {
        return new ArrayList<>(deliveredInOrder);
    }

    public List<String> eventsOf(String key) {
        return List.copyOf(byKey.getOrDefault(key, List.of()));
    }
}
