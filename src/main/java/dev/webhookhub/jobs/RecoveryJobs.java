package dev.webhookhub.jobs;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.webhookhub.HubProperties;
import dev.webhookhub.api.ApiException;
import dev.webhookhub.delivery.DeliveryRepository;
import dev.webhookhub.delivery.InstanceId;
import dev.webhookhub.mapping.MappingRegistry;
import dev.webhookhub.store.Timestamps;
import dev.webhookhub.subscription.OperationalTypes;
import dev.webhookhub.subscription.Subscription;

/**
 * Bulk recovery: a webhook's failed or dead deliveries of a time range (and event types) sent again from the start
 * of their schedule, as a job. The job counts its matches when started, then goes through them in (created_at, id)
 * order, a page per transaction, recording its cursor with each page: a cancel stops it after the page under way,
 * and a job whose instance stopped is taken over from its cursor once its lease has run out. Deliveries made after
 * the job started are not its business (its range ends at most at its start), nor are the ones it has recovered
 * when they fail again.
 */
@Component
public class RecoveryJobs {

    private static final Logger log = LoggerFactory.getLogger(RecoveryJobs.class);
    private static final Set<String> STATUSES = Set.of(DeliveryRepository.FAILED, DeliveryRepository.DEAD);
    private static final int MAX_EVENT_TYPES = 50;
    private static final Duration RETRY_UNFINISHED = Duration.ofSeconds(10);

    private final JobRepository jobs;
    private final MappingRegistry mappings;
    private final TransactionTemplate transaction;
    private final String instance;
    private final HubProperties.Jobs settings;

    public RecoveryJobs(JobRepository jobs, MappingRegistry mappings, PlatformTransactionManager transactions,
            InstanceId instance, HubProperties properties) {
        this.jobs = jobs;
        this.mappings = mappings;
        this.transaction = new TransactionTemplate(transactions);
        this.instance = instance.value();
        this.settings = properties.jobs();
    }

    /** How many deliveries a recovery with this request would re-send now. */
    public long preview(Subscription webhook, RecoverRequest request) {
        return jobs.countMatching(webhook.id(), filter(request, Timestamps.now()));
    }

    public Job start(Subscription webhook, RecoverRequest request) {
        if (!webhook.active()) {
            throw new ApiException(HttpStatus.CONFLICT, "webhook " + webhook.id()
                    + " is disabled; enable it (PATCH is_active=true) before recovering its deliveries");
        }
        Instant now = Timestamps.now();
        RecoveryFilter filter = filter(request, now);
        return transaction.execute(status -> {
            if (jobs.unfinished(webhook.environmentId()) >= settings.maxUnfinishedPerEnvironment()) {
                throw ApiException.tooManyRequests("this environment has " + settings.maxUnfinishedPerEnvironment()
                        + " unfinished jobs; wait for one or cancel one", RETRY_UNFINISHED);
            }
            Job job = new Job(UUID.randomUUID().toString(), webhook.environmentId(), Job.RECOVER, webhook.id(), filter,
                    Job.QUEUED, jobs.countMatching(webhook.id(), filter), 0, null, now, now, null);
            jobs.insert(job);
            log.info("recovery job {} of webhook {} queued: {} deliveries ({})", job.id(), webhook.id(), job.total(), filter);
            return job;
        });
    }

    public Job get(String environmentId, String id) {
        return jobs.find(environmentId, id).orElseThrow(() -> ApiException.notFound("job", id));
    }

    public List<Job> recent(String environmentId, int limit) {
        return jobs.recent(environmentId, limit);
    }

    /** Stops the job after the page under way; a finished job is left as it is (409). */
    public Job cancel(String environmentId, String id) {
        Job job = get(environmentId, id);
        if (!jobs.cancel(environmentId, id, Timestamps.now())) {
            throw new ApiException(HttpStatus.CONFLICT, "job " + id + " is " + job.status() + " already");
        }
        log.info("job {} cancelled after {} of {}", id, job.processed(), job.total());
        return get(environmentId, id);
    }

    /** Route step: takes one queued (or abandoned) job and runs it to its end, page by page. */
    public void runDue() {
        Instant now = Timestamps.now();
        Optional<JobRepository.Claimed> claimed = jobs.claim(instance, now, now.plus(settings.lease()));
        if (claimed.isEmpty()) {
            return;
        }
        Job job = claimed.get().job();
        JobRepository.Cursor cursor = claimed.get().cursor();
        long started = System.nanoTime();
        long recovered = 0;
        try {
            while (true) {
                switch (nextPage(job, cursor)) {
                    case Advanced advanced -> {
                        cursor = advanced.page().last();
                        recovered += advanced.page().recovered();
                    }
                    case Finished finished -> {
                        jobs.finish(job.id(), instance, Job.DONE, null, Timestamps.now());
                        log.info("recovery job {} of webhook {} done: {} deliveries due again in {} ms", job.id(),
                                job.webhookId(), recovered, Duration.ofNanos(System.nanoTime() - started).toMillis());
                        return;
                    }
                    case Stopped stopped -> {
                        log.info("recovery job {} stopped after {} deliveries: cancelled, or taken over", job.id(), recovered);
                        return;
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("recovery job {} failed after {} deliveries: {}", job.id(), recovered, e.toString());
            jobs.finish(job.id(), instance, Job.FAILED, e.getMessage() == null ? e.toString()
                    : e.getMessage().substring(0, Math.min(1000, e.getMessage().length())), Timestamps.now());
        }
    }

    /** What one page of a job came to. */
    private sealed interface Step {
    }

    private record Advanced(JobRepository.Page page) implements Step {
    }

    private record Finished() implements Step {
    }

    /** Cancelled, or taken over by another instance after this one's lease ran out: its page is rolled back. */
    private record Stopped() implements Step {
    }

    /** One page in one transaction, with the job's progress. */
    private Step nextPage(Job job, JobRepository.Cursor from) {
        return transaction.execute(status -> {
            Instant at = Timestamps.now();
            JobRepository.Page page = jobs.recoverPage(job.webhookId(), job.filter(), from, settings.pageSize(), at);
            if (page.last() == null) {
                return new Finished();
            }
            if (!jobs.advance(job.id(), instance, page.recovered(), page.last(), at, at.plus(settings.lease()))) {
                status.setRollbackOnly();
                return new Stopped();
            }
            return new Advanced(page);
        });
    }

    private RecoveryFilter filter(RecoverRequest request, Instant now) {
        if (request == null || request.since() == null) {
            throw ApiException.badRequest("since is required: an ISO-8601 instant, e.g. 2026-04-15T14:30:00Z");
        }
        Instant since = instant("since", request.since());
        Instant until = request.until() == null ? now : instant("until", request.until());
        if (until.isAfter(now)) {
            until = now;
        }
        if (!since.isBefore(until)) {
            throw ApiException.badRequest("since must be before until (and before now)");
        }
        List<String> statuses = request.statuses() == null || request.statuses().isEmpty()
                ? List.of(DeliveryRepository.FAILED, DeliveryRepository.DEAD) : List.copyOf(request.statuses());
        if (!STATUSES.containsAll(statuses)) {
            throw ApiException.badRequest("statuses are failed and/or dead");
        }
        List<String> types = request.eventTypes() == null || request.eventTypes().isEmpty() ? null : List.copyOf(request.eventTypes());
        if (types != null) {
            if (types.size() > MAX_EVENT_TYPES) {
                throw ApiException.badRequest("at most " + MAX_EVENT_TYPES + " event_types");
            }
            List<String> unknown = types.stream()
                    .filter(t -> !mappings.eventTypes().containsKey(t) && !OperationalTypes.ALL.contains(t)).toList();
            if (!unknown.isEmpty()) {
                throw ApiException.badRequest("unknown event type(s) " + unknown + "; see GET /v1/event-types");
            }
        }
        return new RecoveryFilter(since, until, statuses, types);
    }

    private static Instant instant(String field, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(field + " must be an ISO-8601 instant, e.g. 2026-04-15T14:30:00Z");
        }
    }
}
