package dev.webhookhub.security;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.webhookhub.HubProperties;
import dev.webhookhub.api.ApiException;

/**
 * Failed authentications per client address in a fixed window. An address that reached {@code hub.api.max-auth-failures}
 * is refused (429) until its window ends, before any key is looked up: guessing keys costs the store nothing and
 * gets nowhere. Keys already known to be valid are not checked here, so a tenant behind the same NAT keeps working.
 */
@Component
public class AuthFailureLimiter {

    private static final Logger log = LoggerFactory.getLogger(AuthFailureLimiter.class);
    private static final int MAX_ADDRESSES = 100_000;

    private record Window(long startedNanos, int failures) {
    }

    private final int maxFailures;
    private final long windowNanos;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public AuthFailureLimiter(HubProperties properties) {
        this.maxFailures = properties.api().maxAuthFailures();
        this.windowNanos = properties.api().authFailureWindow().toNanos();
    }

    /** @throws ApiException 429 while the address is over its limit */
    public void check(String address) {
        if (maxFailures <= 0) {
            return;
        }
        Window window = windows.get(address);
        long now = System.nanoTime();
        if (window != null && window.failures() >= maxFailures && now - window.startedNanos() < windowNanos) {
            Duration left = Duration.ofNanos(windowNanos - (now - window.startedNanos()));
            throw ApiException.tooManyRequests("too many failed authentications from this address; retry in "
                    + Math.max(1, left.toSeconds()) + " s", left.plusSeconds(1));
        }
    }

    public void failed(String address) {
        if (maxFailures <= 0) {
            return;
        }
        long now = System.nanoTime();
        Window window = windows.compute(address, (key, current) -> current == null
                || now - current.startedNanos() >= windowNanos ? new Window(now, 1)
                        : new Window(current.startedNanos(), current.failures() + 1));
        if (window.failures() == maxFailures) {
            log.warn("{} failed authentications from {} within {}; refusing it until the window ends", maxFailures,
                    address, Duration.ofNanos(windowNanos));
        }
        if (windows.size() > MAX_ADDRESSES) {
            windows.values().removeIf(w -> now - w.startedNanos() >= windowNanos);
            if (windows.size() > MAX_ADDRESSES) {
                windows.clear();
            }
        }
    }
}
