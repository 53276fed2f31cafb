package dev.webhookhub.api;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** An error the client can act on; rendered as application/problem+json by {@link ProblemHandler}. */
public class ApiException extends RuntimeException {

    private final ProblemDetail problem;

    public ApiException(HttpStatus status, String detail) {
        this(status, detail, Map.of());
    }

    public ApiException(HttpStatus status, String detail, Map<String, ?> properties) {
        super(detail);
        this.problem = ProblemDetail.forStatusAndDetail(status, detail);
        properties.forEach(problem::setProperty);
    }

    public ProblemDetail problem() {
        return problem;
    }

    public static ApiException notFound(String what, String id) {
        return new ApiException(HttpStatus.NOT_FOUND, what + " '" + id + "' does not exist");
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, detail);
    }
}
