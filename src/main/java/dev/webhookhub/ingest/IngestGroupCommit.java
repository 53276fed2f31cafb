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
import org.apache.camel.RuntimeCamelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.webhookhub.HubProperties;
import dev.webhookhub.api.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Runs HTTP ingest requests through the {@code direct:ingest} route, gathering the ones that arrive together into
 * one transaction: each request still waits for the commit that makes its events durable, but a hundred
 * concurrent requests pay for one commit instead of a hundred (on H2 every commit writes a chunk of the file,
 * and commits queue for one lock). Nothing waits for company: a committer takes whatever is queued when it is
 * free, so a lone request is committed at once.
 *
 * <p>A request whose route step fails rolls the group back; it is then run again alone, in its own transaction,
 * where it fails (or succeeds) exactly as it would have without company, and the rest of the group is committed
 * without it. A store that is away fails the whole group: every request answers 503, nothing was acknowledged.
 * A request that no committer has taken within {@code hub.ingest.group-commit.max-wait} is answered 503 too: the
 * hub takes in more than it can commit, and the producer should back off rather than wait without bound.
 */
@Component
public class IngestGroupCommit implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IngestGroupCommit.class);
    private static final int RACE_RETRIES = 3;

    /** A request waiting for a group; completed with its stored batch, with null (run alone), or exceptionally. */
    private record Waiting(IngestBatch batch, CompletableFuture<IngestBatch> result) {
    }

    private final ProducerTemplate producer;
    private final TransactionTemplate transactions;
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
            HubProperties properties, MeterRegistry registry) {
        this.producer = producer;
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

    /** Stores the batch and returns it with its event ids once committed; throws what the route threw. */
    public IngestBatch ingest(IngestBatch batch) {
        if (!running || committers == 0 || batch.raws().size() >= maxEvents) {
            return alone(batch);
        }
        var waiting = new Waiting(batch, new CompletableFuture<>());
        queue.add(waiting);
        if (!running && queue.remove(waiting)) {
            return alone(batch);
        }
        IngestBatch stored;
        try {
            stored = waiting.result().get(maxWaitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (queue.remove(waiting)) {
                turnedAway.increment();
                throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "the hub is taking in more than it can commit;"
                        + " nothing was stored, retry shortly");
            }
            stored = joinTaken(waiting);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RejectedExecutionException("interrupted while waiting for the ingest commit");
        }
        return stored != null ? stored : alone(batch);
    }

    /** A committer has taken the request: its transaction is under way, so wait for its outcome. */
    private static IngestBatch joinTaken(Waiting waiting) {
        try {
            return waiting.result().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * In a transaction of its own. A request that raced another one for the same key (Idempotency-Key, dedupKey,
     * or a mapping state key seen for the first time) loses on a primary key or a lock; run again, it finds what
     * the winner committed.
     */
    private IngestBatch alone(IngestBatch batch) {
        for (int attempt = 1;; attempt++) {
            try {
                return route(batch);
            } catch (DuplicateKeyException | ConcurrencyFailureException raced) {
                if (attempt == RACE_RETRIES) {
                    throw raced;
                }
            }
        }
    }

    private IngestBatch route(IngestBatch batch) {
        try {
            return producer.requestBody("direct:ingest", batch, IngestBatch.class);
        } catch (CamelExecutionException e) {
            throw unwrap(e);
        }
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
                group.forEach(w -> w.result().complete(null));
            } finally {
                group.clear();
            }
        }
        refuseQueued();
    }

    /**
     * Commits the group. A request whose step fails is taken out and told to run alone, and the others go again;
     * a group of one answers with its own failure, except a lost race, which running alone retries.
     */
    private void commit(List<Waiting> group) {
        List<Waiting> members = new ArrayList<>(group);
        while (!members.isEmpty()) {
            List<IngestBatch> stored = new ArrayList<>(members.size());
            int[] at = {-1};
            try {
                transactions.executeWithoutResult(status -> {
                    for (Waiting member : members) {
                        at[0]++;
                        stored.add(route(member.batch()));
                    }
                    at[0] = -1;
                });
            } catch (RuntimeException e) {
                int failed = at[0];
                if (storeUnavailable(e)) {
                    members.forEach(member -> member.result().completeExceptionally(e));
                } else if (failed < 0) {
                    log.warn("commit of an ingest group of {} failed ({}); each request runs alone", members.size(), e.toString());
                    ranAlone.increment(members.size());
                    members.forEach(member -> member.result().complete(null));
                } else if (members.size() == 1) {
                    if (e instanceof DuplicateKeyException || e instanceof ConcurrencyFailureException) {
                        ranAlone.increment();
                        members.getFirst().result().complete(null);
                    } else {
                        members.getFirst().result().completeExceptionally(e);
                    }
                } else {
                    log.debug("ingest group of {}: request {} failed ({}); it runs alone, the others again", members.size(),
                            failed, e.toString());
                    ranAlone.increment();
                    members.remove(failed).result().complete(null);
                    continue;
                }
                return;
            }
            groupSizes.record(members.size());
            for (int i = 0; i < members.size(); i++) {
                members.get(i).result().complete(stored.get(i));
            }
            return;
        }
    }

    /** Failures of the store itself, not of a request: running a request alone would only fail the same way. */
    private static boolean storeUnavailable(RuntimeException e) {
        return e instanceof DataAccessResourceFailureException || e instanceof TransientDataAccessResourceException
                || e instanceof QueryTimeoutException || e instanceof CannotCreateTransactionException
                || e instanceof TransactionSystemException;
    }

    private void refuseQueued() {
        for (Waiting waiting; (waiting = queue.poll()) != null;) {
            waiting.result().completeExceptionally(new RejectedExecutionException("the hub is stopping"));
        }
    }

    /** The route wraps what its steps throw; answer with the step's own exception. */
    private static RuntimeException unwrap(RuntimeException e) {
        Throwable cause = e;
        while ((cause instanceof CamelExecutionException || cause instanceof RuntimeCamelException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof RuntimeException runtime ? runtime : e;
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
