package dev.webhookhub.subscription;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.webhookhub.api.ApiException;
import dev.webhookhub.HubProperties;
import dev.webhookhub.mapping.MappingRegistry;
import dev.webhookhub.mapping.SampleEnvelopes;
import dev.webhookhub.mapping.SourceMapping;
import dev.webhookhub.security.Secrets;
import dev.webhookhub.security.TargetUrlGuard;
import dev.webhookhub.store.Timestamps;

/** Validates and applies subscription changes, always within the caller's environment. */
@Service
public class SubscriptionService {

    static final Duration PREVIOUS_SECRET_VALIDITY = Duration.ofHours(24);
    private static final int MAX_TIMEOUT_SECONDS = 120;
    private static final Duration MAX_RETRY_DELAY = Duration.ofHours(24);
    private static final int MAX_LAG_THRESHOLD_SECONDS = 7 * 24 * 3600;

    private final SubscriptionRepository subscriptions;
    private final MappingRegistry mappings;
    private final TargetUrlGuard targetGuard;
    private final BrokerDestinations brokers;
    private final SubscriptionFilters filters;
    private final SampleEnvelopes samples;
    private final int maxPerEnvironment;

    public SubscriptionService(SubscriptionRepository subscriptions, MappingRegistry mappings, TargetUrlGuard targetGuard,
            SubscriptionFilters filters, SampleEnvelopes samples, BrokerDestinations brokers, HubProperties properties) {
        this.brokers = brokers;
        this.subscriptions = subscriptions;
        this.mappings = mappings;
        this.targetGuard = targetGuard;
        this.filters = filters;
        this.samples = samples;
        this.maxPerEnvironment = properties.subscriptions().maxPerEnvironment();
    }

    /** A webhook, or with {@code operational} an operational webhook (which receives the hub's own events). */
    @Transactional
    public Subscription create(String environmentId, SubscriptionRequest request, boolean operational) {
        String target = target(request);
        if (target == null) {
            throw ApiException.badRequest("target_url (or url), or a destination, is required");
        }
        var now = Timestamps.now();
        var subscription = new Subscription(UUID.randomUUID().toString(), environmentId, target,
                request.isActive() == null || request.isActive(), emptyToNull(request.eventTypes()),
                emptyToNull(request.sources()), request.filter(),
                request.format() == null ? Subscription.FORMAT_NATIVE : request.format(), request.rateLimit(),
                request.description(), Secrets.newSigningSecret(), null, null, null, timeoutMs(request.timeoutSeconds()),
                schedule(request.retrySchedule()), null, now, now, null,
                WebhookHeaders.checked("headers", request.headers()),
                WebhookHeaders.checked("sensitive_headers", request.sensitiveHeaders()), Boolean.TRUE.equals(request.paused()),
                operational, lagThreshold(request.lagThresholdSeconds()), null, blankToNull(request.orderingKey()));
        validate(subscription);
        if (subscriptions.count(environmentId) >= maxPerEnvironment) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_ENTITY, "this environment has " + maxPerEnvironment
                    + " webhooks, as many as hub.subscriptions.max-per-environment allows; delete one first");
        }
        subscriptions.insert(subscription);
        return subscription;
    }

    @Transactional
    public Subscription update(String environmentId, String id, SubscriptionRequest request, boolean operational) {
        Subscription current = get(environmentId, id, operational);
        boolean reactivated = Boolean.TRUE.equals(request.isActive()) && !current.active();
        String target = target(request);
        var changed = new Subscription(current.id(), environmentId, target == null ? current.targetUrl() : target,
                request.isActive() == null ? current.active() : request.isActive(),
                request.eventTypes() == null ? current.eventTypes() : emptyToNull(request.eventTypes()),
                request.sources() == null ? current.sources() : emptyToNull(request.sources()),
                request.filter() == null ? current.filter() : blankToNull(request.filter()),
                request.format() == null ? current.format() : request.format(),
                request.rateLimit() == null ? current.rateLimit() : request.rateLimit(),
                request.description() == null ? current.description() : request.description(),
                current.secret(), current.previousSecret(), current.previousSecretExpiresAt(),
                reactivated ? null : current.disabledReason(),
                request.timeoutSeconds() == null ? current.timeoutMs() : timeoutMs(request.timeoutSeconds()),
                request.retrySchedule() == null ? current.retrySchedule() : schedule(request.retrySchedule()),
                reactivated ? null : current.failingSince(), current.createdAt(), Timestamps.now(),
                current.filterErrors(),
                request.headers() == null ? current.headers() : WebhookHeaders.checked("headers", request.headers()),
                request.sensitiveHeaders() == null ? current.sensitiveHeaders()
                        : WebhookHeaders.checked("sensitive_headers", request.sensitiveHeaders()),
                request.paused() == null ? current.paused() : request.paused(), current.operational(),
                request.lagThresholdSeconds() == null ? current.lagThresholdSeconds() : lagThreshold(request.lagThresholdSeconds()),
                current.laggingSince(),
                request.orderingKey() == null ? current.orderingKey() : blankToNull(request.orderingKey()));
        validate(changed);
        subscriptions.update(changed);
        if (current.paused() && !changed.paused()) {
            subscriptions.releaseHeld(changed.id());
        }
        return changed;
    }

    /**
     * A new signing secret; for the next 24 hours deliveries carry a signature with the old one too, so that
     * receivers can switch over without dropping a delivery.
     */
    @Transactional
    public Subscription rotateSecret(String environmentId, String id, boolean operational) {
        Subscription s = get(environmentId, id, operational);
        var now = Timestamps.now();
        var rotated = new Subscription(s.id(), s.environmentId(), s.targetUrl(), s.active(), s.eventTypes(), s.sources(),
                s.filter(), s.format(), s.rateLimit(), s.description(), Secrets.newSigningSecret(), s.secret(),
                now.plus(PREVIOUS_SECRET_VALIDITY), s.disabledReason(), s.timeoutMs(), s.retrySchedule(), s.failingSince(),
                s.createdAt(), now, s.filterErrors(), s.headers(), s.sensitiveHeaders(), s.paused(), s.operational(),
                s.lagThresholdSeconds(), s.laggingSince(), s.orderingKey());
        subscriptions.update(rotated);
        return rotated;
    }

    /** A webhook or an operational webhook: their deliveries, stats and tests are read alike. */
    public Subscription get(String environmentId, String id) {
        return subscriptions.find(environmentId, id).orElseThrow(() -> ApiException.notFound("webhook", id));
    }

    /** A webhook, or with {@code operational} an operational webhook; the other kind is not found. */
    public Subscription get(String environmentId, String id, boolean operational) {
        return subscriptions.find(environmentId, id).filter(s -> s.operational() == operational)
                .orElseThrow(() -> ApiException.notFound(operational ? "operational webhook" : "webhook", id));
    }

    public List<Subscription> page(String environmentId, boolean operational, String cursor, int limit) {
        if (cursor != null && subscriptions.find(environmentId, cursor).filter(s -> s.operational() == operational).isEmpty()) {
            throw ApiException.badRequest("cursor '" + cursor + "' is not a webhook of this list");
        }
        return subscriptions.page(environmentId, operational, cursor, limit);
    }

    @Transactional
    public void delete(String environmentId, String id, boolean operational) {
        get(environmentId, id, operational);
        subscriptions.delete(environmentId, id);
    }

    /** Where the request sends deliveries, as stored: its URL or its broker destination; null when it names neither. */
    private String target(SubscriptionRequest request) {
        boolean url = request.targetUrl() != null && !request.targetUrl().isBlank();
        if (url && request.destination() != null) {
            throw ApiException.badRequest("a webhook has either a url or a destination, not both");
        }
        if (request.destination() != null) {
            return brokers.of(request.destination()).target();
        }
        if (url && !(Destination.of(request.targetUrl().strip()) instanceof Destination.Http)) {
            throw ApiException.badRequest("url must be an http or https URL; a topic or queue goes in destination");
        }
        return url ? request.targetUrl().strip() : null;
    }

    private void validate(Subscription s) {
        if (s.operational()) {
            validateOperational(s);
        }
        WebhookHeaders.checkTogether(s.headers(), s.sensitiveHeaders());
        // the store's column sizes, said up front rather than as a database error
        checkLength("target_url", s.targetUrl(), 2048);
        checkLength("filter", s.filter(), 4000);
        checkLength("ordering_key", s.orderingKey(), 1000);
        checkLength("description", s.description(), 1000);
        checkDistinct("event_types", s.eventTypes());
        checkDistinct("sources", s.sources());
        Destination destination = Destination.of(s.targetUrl());
        (destination instanceof Destination.Http ? targetGuard.refusal(s.targetUrl()) : brokers.refusal(destination))
                .ifPresent(reason -> {
                    throw ApiException.badRequest(reason);
                });
        var known = mappings.eventTypes();
        if (s.eventTypes() != null && !s.operational()) {
            List<String> unknown = s.eventTypes().stream().filter(t -> !known.containsKey(t)).toList();
            if (!unknown.isEmpty()) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "unknown event type(s) " + unknown
                        + "; valid types are listed in valid_event_types and at GET /v1/event-types",
                        Map.of("valid_event_types", new ArrayList<>(known.keySet())));
            }
        }
        if (s.sources() != null) {
            List<String> unknown = s.sources().stream().filter(src -> mappings.source(src).isEmpty()).toList();
            if (!unknown.isEmpty()) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "unknown source(s) " + unknown,
                        Map.of("valid_sources", mappings.sources().stream().map(m -> m.source()).toList()));
            }
        }
        if (!Subscription.FORMAT_NATIVE.equals(s.format()) && !Subscription.FORMAT_CLOUDEVENTS.equals(s.format())) {
            throw ApiException.badRequest("format must be 'native' or 'cloudevents'");
        }
        if (s.rateLimit() != null && s.rateLimit() < 1) {
            throw ApiException.badRequest("rate_limit must be a positive number of deliveries per second");
        }
        if (s.filter() != null) {
            filters.refusal(s.filter(), samples.examplesOf(typesSeenBy(s))).ifPresent(reason -> {
                throw ApiException.badRequest(reason);
            });
        }
        if (s.orderingKey() != null) {
            filters.refusal(s.orderingKey(), samples.examplesOf(typesSeenBy(s))).ifPresent(reason -> {
                throw ApiException.badRequest("ordering_key: " + reason);
            });
        }
    }

    /** An operational webhook receives the hub's own event types at a URL; nothing else of a webhook applies. */
    private static void validateOperational(Subscription s) {
        if (!(Destination.of(s.targetUrl()) instanceof Destination.Http)) {
            throw ApiException.badRequest("an operational webhook delivers to a URL");
        }
        if (s.orderingKey() != null) {
            throw ApiException.badRequest("an operational webhook has no ordering_key");
        }
        if (s.eventTypes() != null) {
            List<String> unknown = s.eventTypes().stream().filter(t -> !OperationalTypes.ALL.contains(t)).toList();
            if (!unknown.isEmpty()) {
                throw new ApiException(HttpStatus.BAD_REQUEST, "unknown operational event type(s) " + unknown,
                        Map.of("valid_event_types", OperationalTypes.ALL));
            }
        }
    }

    /** The types whose events the webhook's filter will be asked about. */
    private List<String> typesSeenBy(Subscription s) {
        return mappings.eventTypes().values().stream()
                .filter(t -> !t.reserved() && s.wants(t.source(), t.type()))
                .map(SourceMapping.EventType::type)
                .toList();
    }

    private static void checkDistinct(String field, List<String> values) {
        if (values != null && new java.util.HashSet<>(values).size() < values.size()) {
            throw ApiException.badRequest(field + " lists a value more than once");
        }
    }

    private static void checkLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw ApiException.badRequest(field + " must be at most " + max + " characters");
        }
    }

    private static Integer lagThreshold(Integer seconds) {
        if (seconds != null && (seconds < 1 || seconds > MAX_LAG_THRESHOLD_SECONDS)) {
            throw ApiException.badRequest("lag_threshold_seconds must be between 1 and " + MAX_LAG_THRESHOLD_SECONDS);
        }
        return seconds;
    }

    private static Integer timeoutMs(Integer seconds) {
        if (seconds == null) {
            return null;
        }
        if (seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
            throw ApiException.badRequest("timeout_seconds must be between 1 and " + MAX_TIMEOUT_SECONDS);
        }
        return seconds * 1000;
    }

    private static List<Duration> schedule(List<String> entries) {
        if (entries == null || entries.isEmpty()) {
            return null;
        }
        if (entries.size() > 20) {
            throw ApiException.badRequest("retry_schedule has at most 20 delays");
        }
        try {
            List<Duration> schedule = RetrySchedules.parse(entries);
            if (schedule.stream().anyMatch(d -> d.compareTo(MAX_RETRY_DELAY) > 0)) {
                throw ApiException.badRequest("a retry delay is at most 24h");
            }
            return schedule;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static List<String> emptyToNull(List<String> values) {
        if (values != null && values.contains(null)) {
            throw ApiException.badRequest("event_types and sources hold names, not null");
        }
        return values == null || values.isEmpty() ? null : List.copyOf(values);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
