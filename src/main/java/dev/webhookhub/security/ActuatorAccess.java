package dev.webhookhub.security;

import java.io.IOException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.webhookhub.api.ApiException;
import dev.webhookhub.api.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * On the main port, the actuator answers health probes to anyone and everything else (metrics name every source
 * and endpoint) only with the admin token. A separate {@code management.server.port} is served by its own context,
 * without this filter: bind it where only the scraper reaches it.
 */
@Component
public class ActuatorAccess extends OncePerRequestFilter {

    private final AdminTokenInterceptor adminToken;

    public ActuatorAccess(AdminTokenInterceptor adminToken) {
        this.adminToken = adminToken;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !path.startsWith("/actuator") || path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean admin;
        try {
            admin = adminToken.isAdmin(request);
        } catch (ApiException tooMany) {
            tooMany.retryAfter().ifPresent(after -> response.setHeader(HttpHeaders.RETRY_AFTER,
                    Long.toString(Math.max(1, after.toSeconds()))));
            ProblemResponses.write(request, response, HttpStatus.TOO_MANY_REQUESTS, tooMany.getMessage());
            return;
        }
        if (!admin) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            ProblemResponses.write(request, response, HttpStatus.UNAUTHORIZED,
                    "the actuator needs 'Authorization: Bearer <admin token>'; only /actuator/health is open");
            return;
        }
        chain.doFilter(request, response);
    }
}
