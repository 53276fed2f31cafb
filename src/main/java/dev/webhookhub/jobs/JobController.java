package dev.webhookhub.jobs;

import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.webhookhub.security.Tenant;
import dev.webhookhub.subscription.SubscriptionService;
import io.swagger.v3.oas.annotations.Operation;

/** Bulk recovery of a webhook's deliveries, and the jobs that carry it out. */
@RestController
public class JobController {

    private static final int RECENT = 50;

    private final RecoveryJobs recovery;
    private final SubscriptionService webhooks;

    public JobController(RecoveryJobs recovery, SubscriptionService webhooks) {
        this.recovery = recovery;
        this.webhooks = webhooks;
    }

    @Operation(summary = "Send a webhook's failed and/or dead deliveries of a time range (and event types) again, from"
            + " the start of their schedule, as a job: 202 with its id; follow it at GET /v1/jobs/{id}")
    @PostMapping(path = "/v1/webhooks/{id}/recover", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, Object> recover(Tenant tenant, @PathVariable String id, @RequestBody RecoverRequest request) {
        Job job = recovery.start(webhooks.get(tenant.environmentId(), id), request);
        return Map.of("job_id", job.id(), "total", job.total());
    }

    @Operation(summary = "How many deliveries POST /v1/webhooks/{id}/recover with this body would send again now")
    @PostMapping(path = "/v1/webhooks/{id}/recover/preview", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> preview(Tenant tenant, @PathVariable String id, @RequestBody RecoverRequest request) {
        return Map.of("matched", recovery.preview(webhooks.get(tenant.environmentId(), id), request));
    }

    @GetMapping("/v1/jobs")
    public Map<String, Object> list(Tenant tenant) {
        List<JobResponse> jobs = recovery.recent(tenant.environmentId(), RECENT).stream().map(JobResponse::of).toList();
        return Map.of("data", jobs);
    }

    @Operation(summary = "A job's status (queued, running, done, cancelled, failed) and progress (processed of total)")
    @GetMapping("/v1/jobs/{id}")
    public JobResponse get(Tenant tenant, @PathVariable String id) {
        return JobResponse.of(recovery.get(tenant.environmentId(), id));
    }

    @Operation(summary = "Stop a queued or running job after the page under way; 409 when it has finished")
    @PostMapping("/v1/jobs/{id}/cancel")
    public JobResponse cancel(Tenant tenant, @PathVariable String id) {
        return JobResponse.of(recovery.cancel(tenant.environmentId(), id));
    }
}
