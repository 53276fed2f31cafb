package dev.webhookhub.security;

import java.time.Duration;
import java.util.Map;
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
    private final Map<String, CachedTenant> cache = new ConcurrentHashMap<>();

    public ApiKeyInterceptor(EnvironmentRepository environments) {
        this.environments = environments;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String key = bearer(request);
        if (key == null) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "missing 'Authorization: Bearer <api key>' header");
        }
        request.setAttribute(TENANT_ATTRIBUTE, resolve(key));
        return true;
    }

    public void forgetCachedKeys() {
        cache.clear();
    }

    private Tenant resolve(String key) {
        long now = System.nanoTime();
        CachedTenant cached = cache.get(key);
        if (cached != null && cached.expiresAtNanos() - now > 0) {
            return cached.tenant();
        }
        Tenant tenant = environments.environmentOfKey(key).map(Tenant::new)
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "the API key is not valid"));
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(key, new CachedTenant(tenant, now + CACHE_TTL.toNanos()));
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
