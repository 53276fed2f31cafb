package dev.webhookhub.api;

import java.io.IOException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.webhookhub.HubProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Every request body is bounded before anything parses it: ingest by {@code hub.ingest.max-bytes}, everything else
 * by {@code hub.api.max-body-bytes}. A declared length over the limit is refused at once; a chunked body stops being
 * read at the limit ({@link BodyTooLarge}), which {@link ProblemHandler} answers with 413.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class RequestBodyLimit extends OncePerRequestFilter {

    private final long ingestLimit;
    private final long apiLimit;

    public RequestBodyLimit(HubProperties properties) {
        this.ingestLimit = properties.ingest().maxBytes().toBytes();
        this.apiLimit = properties.api().maxBodyBytes().toBytes();
    }

    /** Reading went past the limit; nothing of the request was acted on. */
    public static final class BodyTooLarge extends IOException {
        BodyTooLarge(String message) {
            super(message);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean ingest = request.getRequestURI().startsWith("/v1/ingest/") || request.getRequestURI().startsWith("/v1/inbound/");
        long limit = ingest ? ingestLimit : apiLimit;
        String refusal = "the request body is larger than " + (ingest ? "hub.ingest.max-bytes" : "hub.api.max-body-bytes")
                + " (" + limit + " bytes)";
        if (request.getContentLengthLong() > limit) {
            response.setHeader("Connection", "close");
            ProblemResponses.write(request, response, HttpStatus.PAYLOAD_TOO_LARGE, refusal);
            return;
        }
        chain.doFilter(new Bounded(request, limit, refusal), response);
    }

    private static final class Bounded extends HttpServletRequestWrapper {

        private final long limit;
        private final String refusal;
        private ServletInputStream stream;

        Bounded(HttpServletRequest request, long limit, String refusal) {
            super(request);
            this.limit = limit;
            this.refusal = refusal;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CountingStream(super.getInputStream(), limit, refusal);
            }
            return stream;
        }
    }

    private static final class CountingStream extends ServletInputStream {

        private final ServletInputStream in;
        private final long limit;
        private final String refusal;
        private long read;

        CountingStream(ServletInputStream in, long limit, String refusal) {
            this.in = in;
            this.limit = limit;
            this.refusal = refusal;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, (int) Math.min(length, limit - read + 1));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws BodyTooLarge {
            read += n;
            if (read > limit) {
                throw new BodyTooLarge(refusal);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
