package dev.webhookhub.api;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.TransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.webhookhub.ingest.RawEventNormalizer;
import dev.webhookhub.mapping.MappingException;
import dev.webhookhub.store.StoreUnavailable;

/** Every error leaves as application/problem+json; nothing leaks a stack trace. */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e) {
        ProblemDetail problem = e.problem();
        var response = ResponseEntity.status(problem.getStatus());
        if (problem.getStatus() == HttpStatus.UNAUTHORIZED.value()) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        if (e.retryAfter().isPresent()) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, e.retryAfter().get().toSeconds())));
        } else if (problem.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
            response.header(HttpHeaders.RETRY_AFTER, "1");
        }
        return response.body(problem);
    }

    /** A raw event its mapping cannot turn into valid envelopes: name the rule and the schema errors. */
    @ExceptionHandler(MappingException.class)
    ResponseEntity<ProblemDetail> mapping(MappingException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_ENTITY, e.getMessage());
        problem.setTitle("Raw event does not map");
        problem.setProperty("rule", e.rule());
        if (!e.errors().isEmpty()) {
            problem.setProperty("errors", e.errors());
        }
        if (e instanceof RawEventNormalizer.BatchItemException item) {
            problem.setProperty("index", item.index());
        }
        return ResponseEntity.unprocessableEntity().body(problem);
    }

    /**
     * The database is away, or went away mid-transaction: tell the client to retry rather than pretend (500) or
     * acknowledge (202). A retry may duplicate an event whose commit went through unconfirmed; an Idempotency-Key
     * prevents that.
     */
    @ExceptionHandler({DataAccessException.class, TransactionException.class})
    ResponseEntity<ProblemDetail> unavailable(Exception e) {
        if (!StoreUnavailable.is(e)) {
            return unexpected(e);
        }
        log.warn("store unavailable: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "the event store is unavailable; the request was not acknowledged, retry later");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "5").body(problem);
    }

    /** A request body over its limit, found while reading it. */
    @ExceptionHandler(RequestBodyLimit.BodyTooLarge.class)
    ResponseEntity<ProblemDetail> tooLarge(RequestBodyLimit.BodyTooLarge e) {
        return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).header(HttpHeaders.CONNECTION, "close")
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage()));
    }

    /** Requests that arrive while the routes are starting or stopping: nothing was taken in, the client retries. */
    @ExceptionHandler(java.util.concurrent.RejectedExecutionException.class)
    ResponseEntity<ProblemDetail> notRunning(Exception e) {
        log.info("request refused while the hub is starting or stopping: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "the hub is starting or stopping; nothing was stored, retry shortly");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header(HttpHeaders.RETRY_AFTER, "1").body(problem);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        String incident = UUID.randomUUID().toString();
        log.error("unexpected error, incident {}", incident, e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "unexpected error; the log has the details under incident " + incident);
        problem.setProperty("incident", incident);
        return ResponseEntity.internalServerError().body(problem);
    }

    /** Malformed JSON or a field of the wrong type in a request body: say where. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        if (ex.getCause() instanceof RequestBodyLimit.BodyTooLarge tooLarge) {
            return ResponseEntity.status(HttpStatus.PAYLOAD_TOO_LARGE).body(tooLarge(tooLarge).getBody());
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, describe(ex.getCause()));
        return ResponseEntity.badRequest().body(problem);
    }

    static String describe(Throwable cause) {
        if (cause instanceof InvalidFormatException ife) {
            return "field '" + ife.getPathReference() + "' has the wrong type: " + ife.getOriginalMessage();
        }
        if (cause instanceof MismatchedInputException mie && !mie.getPath().isEmpty()) {
            return "field '" + fieldPath(mie) + "' has the wrong type";
        }
        if (cause instanceof JsonProcessingException jpe) {
            var location = jpe.getLocation();
            return "malformed JSON" + (location == null ? "" : " at line " + location.getLineNr() + ", column "
                    + location.getColumnNr()) + ": " + jpe.getOriginalMessage();
        }
        return "the request body is missing or is not valid JSON";
    }

    private static String fieldPath(MismatchedInputException e) {
        var path = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
