package dev.webhookhub.security;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

import dev.webhookhub.api.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Guards environment and key management (and the metrics on the main port) with {@code HUB_ADMIN_TOKEN}. */
@Component
public class AdminTokenInterceptor implements HandlerInterceptor {

    private final BootstrapEnvironment bootstrap;
    private final AuthFailureLimiter failures;

    public AdminTokenInterceptor(BootstrapEnvironment bootstrap, AuthFailureLimiter failures) {
        this.bootstrap = bootstrap;
        this.failures = failures;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!isAdmin(request)) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "environment management needs 'Authorization: Bearer <admin token>'");
        }
        return true;
    }

    /** Whether the request carries the admin token; a wrong one counts against its address. */
    public boolean isAdmin(HttpServletRequest request) {
        failures.check(request.getRemoteAddr());
        String token = ApiKeyInterceptor.bearer(request);
        if (token == null || !Secrets.constantTimeEquals(token, bootstrap.adminToken())) {
            failures.failed(request.getRemoteAddr());
            return false;
        }
        return true;
    }
}
