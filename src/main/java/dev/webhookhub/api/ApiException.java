package dev.webhookhub.api;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** An error the client can act on; rendered as application/problem+json by {@link ProblemHandler}. */
public class ApiException extends RuntimeException {

    private final ProblemDetail problem;
    private final Duration retryAfter;

    public ApiException(HttpStatus status, String detail) {
        this(status, detail, Map.of());
    }

    public ApiException(HttpStatus status, String detail, Map<String, ?> properties) {
        this(status, detail, properties, null);
    }

    private ApiException(HttpStatus status, String detail, Map<String, ?> properties, Duration retryAfter) {
        super(detail);
        this.problem = ProblemDetail.forStatusAndDetail(status, detail);
        this.retryAfter = retryAfter;
        properties.forEach(problem::setProperty);
    }

    public ProblemDetail problem() {
        return problem;
    }

    /** @return when the client may try again, if the error says so */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public static ApiException tooManyRequests(String detail, Duration retryAfter) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, detail, Map.of(), retryAfter);
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(HttpStatus.NOT_FOUND, what + " '" + id + "' does not exist");
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail);
    }
}
