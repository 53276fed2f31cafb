package dev.webhookhub.security;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

import dev.webhookhub.api.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Resolves {@code Authorization: Bearer <api key>} to the key's environment. Lookups are cached briefly so
 * that ingest does not pay a query per request; a revoked key stops working within {@link #CACHE_TTL}.
 */
@Component
public class ApiKeyInterceptor implements HandlerInterceptor {

    static final String TENANT_ATTRIBUTE = Tenant.class.getName();
    private static final Duration CACHE_TTL = Duration.ofSeconds(10);

    private record CachedTenant(Tenant tenant, long expiresAtNanos) {
    }

    private final EnvironmentRepository environments;
    private final AuthFailureLimiter failures;
    private final Map<String, CachedTenant> cache = new ConcurrentHashMap<>();

    public ApiKeyInterceptor(EnvironmentRepository environments, AuthFailureLimiter failures) {
        this.environments = environments;
        this.failures = failures;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String key = bearer(request);
        Tenant tenant = key == null ? null : cached(key);
        if (tenant == null) {
            failures.check(request.getRemoteAddr());
            if (key == null) {
                failures.failed(request.getRemoteAddr());
                throw new ApiException(HttpStatus.UNAUTHORIZED, "missing 'Authorization: Bearer <api key>' header");
            }
            tenant = lookUp(key).orElse(null);
            if (tenant == null) {
                failures.failed(request.getRemoteAddr());
                throw new ApiException(HttpStatus.UNAUTHORIZED, "the API key is not valid");
            }
        }
        request.setAttribute(TENANT_ATTRIBUTE, tenant);
        return true;
    }

    public void forgetCachedKeys() {
        cache.clear();
    }

    private Tenant cached(String key) {
        CachedTenant cached = cache.get(key);
        return cached != null && cached.expiresAtNanos() - System.nanoTime() > 0 ? cached.tenant() : null;
    }

    private Optional<Tenant> lookUp(String key) {
        Optional<Tenant> tenant = environments.environmentOfKey(key).map(Tenant::new);
        tenant.ifPresent(found -> {
            if (cache.size() > 10_000) {
                cache.clear();
            }
            cache.put(key, new CachedTenant(found, System.nanoTime() + CACHE_TTL.toNanos()));
        });
        return tenant;
    }

    static String bearer(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).strip();
        return token.isEmpty() ? null : token;
    }
}
