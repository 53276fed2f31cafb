package dev.webhookhub.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.webhookhub.HubProperties;
import dev.webhookhub.api.ApiException;
import dev.webhookhub.store.DiskDurability;
import dev.webhookhub.store.StoreUnavailable;
import dev.webhookhub.tracing.HubTracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The last step of the ingest route: commits prepared batches through the {@code commit-ingest} route, gathering
 * the ones that arrive together into one transaction. Everything that reads and computes (mapping, filters, routing)
 * happened before, on each request's own thread; what is left here is set-based writes, so one tenant's slow
 * expression never holds the transaction that others wait for. Each request still waits for the commit that makes
 * its events durable, but a hundred concurrent requests pay for one commit instead of a hundred (on H2 every commit
 * writes a chunk of the file, and commits queue for one lock). Nothing waits for company: a committer takes whatever
 * is queued when it is free, so a lone request is committed at once.
 *
 * <p>A member whose prepared data moved (mapping state, idempotency key) rolls the group back and goes back to be
 * mapped again ({@link StaleBatch}); the others go again without it. Any other failure of a group splits it in halves
 * until the request that fails runs alone, in a transaction of its own, where it fails (or succeeds) exactly as it
 * would have without company; the others are still committed together. A store that is away fails the whole group: every request answers 503, nothing was acknowledged. A
 * request that no committer has taken within {@code hub.ingest.group-commit.max-wait} is answered 503 too: the hub
 * takes in more than it can commit, and the producer should back off rather than wait without bound.
 */
@Component
public class IngestGroupCommit implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IngestGroupCommit.class);

    /** How a request's batch fared in its group. */
    private sealed interface Outcome {
    }

    private record Committed(IngestBatch batch) implements Outcome {
    }

    private record SetAside(String why) implements Outcome {
    }

    private record RunAlone() implements Outcome {
    }

    /** A request waiting for a group. */
    private record Waiting(IngestBatch batch, CompletableFuture<Outcome> outcome) {
    }

    private final ProducerTemplate producer;
    private final HubTracing tracing;
    private final TransactionTemplate transactions;
    private final DiskDurability durability;
    private final int maxEvents;
    private final int committers;
    private final long maxWaitMillis;
    private final DistributionSummary groupSizes;
    private final Counter turnedAway;
    private final Counter ranAlone;
    private final BlockingQueue<Waiting> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    public IngestGroupCommit(ProducerTemplate producer, PlatformTransactionManager transactionManager,
            HubProperties properties, MeterRegistry registry, DiskDurability durability, HubTracing tracing) {
        this.tracing = tracing;
        this.producer = producer;
        this.durability = durability;
        this.transactions = new TransactionTemplate(transactionManager);
        this.maxEvents = properties.ingest().groupCommit().maxEvents();
        this.committers = properties.ingest().groupCommit().committers();
        this.maxWaitMillis = properties.ingest().groupCommit().maxWait().toMillis();
        this.turnedAway = Counter.builder("hub.ingest.group.turned.away")
                .description("ingest requests answered 503 after waiting hub.ingest.group-commit.max-wait for a committer")
                .register(registry);
        this.groupSizes = DistributionSummary.builder("hub.ingest.group.requests")
                .description("ingest requests committed together in one transaction").register(registry);
        this.ranAlone = Counter.builder("hub.ingest.group.ran.alone")
                .description("ingest requests taken out of a failed group and run in a transaction of their own")
                .register(registry);
    }

    /**
     * Route step: stores the prepared batch, with others or alone, and returns it once committed.
     *
     * @throws StaleBatch when it has to be mapped again; otherwise what the commit route threw
     */
    public IngestBatch commit(IngestBatch batch) {
        return tracing.inSpan("commit", () -> committed(batch));
    }

    private IngestBatch committed(IngestBatch batch) {
        if (!running || committers == 0 || batch.raws().size() >= maxEvents) {
            return alone(batch);
        }
        var waiting = new Waiting(batch, new CompletableFuture<>());
        queue.add(waiting);
        if (!running && queue.remove(waiting)) {
            return alone(batch);
        }
        Outcome outcome;
        try {
            outcome = waiting.outcome().get(maxWaitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (queue.remove(waiting)) {
                turnedAway.increment();
                throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "the hub is taking in more than it can commit;"
                        + " nothing was stored, retry shortly");
            }
            outcome = joinTaken(waiting);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for the ingest commit");
        }
        return switch (outcome) {
            case Committed committed -> committed.batch();
            case SetAside setAside -> throw new StaleBatch(setAside.why());
            case RunAlone runAlone -> alone(batch);
        };
    }

    /** A committer has taken the request: its transaction is under way, so wait for its outcome. */
    private static Outcome joinTaken(Waiting waiting) {
        try {
            return waiting.outcome().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** In a transaction of its own. A request that raced another one for a key loses on a primary key or a lock. */
    private IngestBatch alone(IngestBatch batch) {
        try {
            write(CommitGroup.of(batch));
        } catch (CommitGroup.MembersSetAside e) {
            throw new StaleBatch(e.getMessage());
        } catch (DuplicateKeyException | ConcurrencyFailureException raced) {
            throw new StaleBatch("raced another request for a key: " + raced.getClass().getSimpleName());
        }
        durability.force();
        return batch;
    }

    private void write(CommitGroup group) {
        transactions.executeWithoutResult(status -> {
            try {
                producer.requestBody("direct:commit-ingest", group);
            } catch (CamelExecutionException e) {
                throw IngestService.unwrap(e);
            }
        });
    }

    private void commitGroups() {
        List<Waiting> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Waiting first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                int events = first.batch().raws().size();
                for (Waiting next; events < maxEvents && (next = queue.peek()) != null
                        && events + next.batch().raws().size() <= maxEvents && queue.remove(next);) {
                    group.add(next);
                    events += next.batch().raws().size();
                }
                commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                log.error("ingest group commit failed unexpectedly; its {} requests run alone", group.size(), e);
                ranAlone.increment(group.size());
                group.forEach(w -> w.outcome().complete(new RunAlone()));
            } finally {
                group.clear();
            }
        }
        refuseQueued();
    }

    /**
     * Commits the group. Members set aside by a step leave it (to be mapped again) and the rest go again. Any other
     * failure splits the group in two halves that are committed on their own, down to the one request that fails,
     * which then runs alone; a store that is away fails them all.
     */
    private void commit(List<Waiting> waiting) {
        List<Waiting> members = new ArrayList<>(waiting);
        while (!members.isEmpty()) {
            try {
                write(new CommitGroup(members.stream().map(Waiting::batch).toList()));
            } catch (CommitGroup.MembersSetAside e) {
                List<Integer> indexes = new ArrayList<>(e.indexes());
                for (int i = indexes.size() - 1; i >= 0; i--) {
                    members.remove((int) indexes.get(i)).outcome().complete(new SetAside(e.getMessage()));
                }
                continue;
            } catch (RuntimeException e) {
                boolean raced = e instanceof DuplicateKeyException || e instanceof ConcurrencyFailureException;
                if (!raced && StoreUnavailable.is(e)) {
                    members.forEach(member -> member.outcome().completeExceptionally(e));
                } else if (members.size() == 1) {
                    ranAlone.increment();
                    members.getFirst().outcome().complete(new RunAlone());
                } else {
                    log.debug("commit of an ingest group of {} failed ({}); its halves go on their own", members.size(),
                            e.toString());
                    int half = members.size() / 2;
                    commit(members.subList(0, half));
                    commit(members.subList(half, members.size()));
                }
                return;
            }
            try {
                // committed, but not acknowledged before it is on the disk; a failure here must not commit it again
                durability.force();
            } catch (RuntimeException e) {
                members.forEach(member -> member.outcome().completeExceptionally(e));
                return;
            }
            groupSizes.record(members.size());
            members.forEach(member -> member.outcome().complete(new Committed(member.batch())));
            return;
        }
    }

    private void refuseQueued() {
        for (Waiting waiting; (waiting = queue.poll()) != null;) {
            waiting.outcome().completeExceptionally(new RejectedExecutionException("the hub is stopping"));
        }
    }

    @Override
    public void start() {
        running = true;
        for (int i = 1; i <= committers; i++) {
            Thread thread = Thread.ofPlatform().name("ingest-commit-" + i).daemon().start(this::commitGroups);
            threads.add(thread);
        }
    }

    /**
     * Requests already queued are still committed. This bean keeps the default phase, higher than the web server's,
     * so it stops first: a request that arrives afterwards runs alone, in its own transaction.
     */
    @Override
    public void stop() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        refuseQueued();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
