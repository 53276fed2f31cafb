package dev.webhookhub.store;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * The one list of failures that mean "the store cannot do this now, try again" rather than "this request is
 * wrong": the store is away, a lock wait or a query ran out of time. The API answers them with 503 and Retry-After;
 * a shared ingest transaction that hits one fails every request in it, but for a lost race on a key
 * ({@link org.springframework.dao.ConcurrencyFailureException}), which only its loser has to take again.
 */
public final class StoreUnavailable {

    /** For {@code @ExceptionHandler}: the exception types of {@link #is}. */
    public static final Class<?>[] TYPES = {DataAccessResourceFailureException.class, TransientDataAccessException.class,
            CannotCreateTransactionException.class, TransactionSystemException.class};

    private StoreUnavailable() {
    }

    public static boolean is(Throwable e) {
        for (Class<?> type : TYPES) {
            if (type.isInstance(e)) {
                return true;
            }
        }
        return false;
    }
}
