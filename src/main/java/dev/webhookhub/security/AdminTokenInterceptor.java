package dev.webhookhub.security;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

import dev.webhookhub.api.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Guards environment and key management with {@code HUB_ADMIN_TOKEN}. */
@Component
public class AdminTokenInterceptor implements HandlerInterceptor {

    private final BootstrapEnvironment bootstrap;

    public AdminTokenInterceptor(BootstrapEnvironment bootstrap) {
        this.bootstrap = bootstrap;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String token = ApiKeyInterceptor.bearer(request);
        if (token == null || !Secrets.constantTimeEquals(token, bootstrap.adminToken())) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "environment management needs 'Authorization: Bearer <admin token>'");
        }
        return true;
    }
}
