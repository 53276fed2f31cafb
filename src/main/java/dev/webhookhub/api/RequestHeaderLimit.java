package dev.webhookhub.api;

import java.io.IOException;
import java.util.Enumeration;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.webhookhub.HubProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Requests whose headers are larger than {@code hub.api.max-header-bytes} in all are refused with 431 before anything
 * reads them (a 24 KB bearer token, a 70 KB junk header). Tomcat reads headers up to
 * {@code server.max-http-request-header-size}, so the client gets this answer, and the body it already sent is
 * swallowed, rather than a connection reset.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class RequestHeaderLimit extends OncePerRequestFilter {

    private final long limit;

    public RequestHeaderLimit(HubProperties properties) {
        this.limit = properties.api().maxHeaderBytes().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long size = 0;
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements();) {
            String name = names.nextElement();
            for (Enumeration<String> values = request.getHeaders(name); values.hasMoreElements();) {
                size += name.length() + values.nextElement().length() + 4;
            }
        }
        if (size > limit) {
            ProblemResponses.write(request, response, HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                    "the request headers are larger than hub.api.max-header-bytes (" + limit + " bytes)");
            return;
        }
        chain.doFilter(request, response);
    }
}
