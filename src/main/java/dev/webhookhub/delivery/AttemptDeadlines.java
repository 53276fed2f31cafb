package dev.webhookhub.delivery;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import jakarta.annotation.PreDestroy;

/**
 * One hard deadline per HTTP attempt, however an endpoint trickles its bytes: the socket timeouts bound each read,
 * not the sum of them. When the deadline passes, the attempt's thread is interrupted; deliveries run on virtual
 * threads, where an interrupt closes the socket the thread is blocked on, so the attempt ends at once.
 */
@Component
public class AttemptDeadlines {

    private final ScheduledThreadPoolExecutor alarms = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().name("attempt-deadlines").daemon().factory());

    public AttemptDeadlines() {
        alarms.setRemoveOnCancelPolicy(true);
    }

    /** Starts the deadline of an attempt made on the calling thread. */
    public Deadline start(Duration limit) {
        return new Deadline(Thread.currentThread(), limit);
    }

    @PreDestroy
    void stop() {
        alarms.shutdownNow();
    }

    /** The deadline of one attempt; {@link #finish()} it on the attempt's thread when the attempt is over. */
    public final class Deadline {
        private static final int RUNNING = 0;
        private static final int EXPIRED = 1;
        private static final int FINISHED = 2;

        private final Thread thread;
        private final Duration limit;
        private final ScheduledFuture<?> alarm;
        private int state = RUNNING;
        private boolean expired;

        private Deadline(Thread thread, Duration limit) {
            this.thread = thread;
            this.limit = limit;
            this.alarm = alarms.schedule(this::expire, limit.toNanos(), TimeUnit.NANOSECONDS);
        }

        private synchronized void expire() {
            if (state == RUNNING) {
                state = EXPIRED;
                expired = true;
                thread.interrupt();
            }
        }

        /**
         * Ends the deadline; if it had passed, the interrupt it sent is cleared so that it cannot hit whatever the
         * thread does next.
         *
         * @return whether the deadline passed before the attempt was over
         */
        public synchronized boolean finish() {
            alarm.cancel(false);
            if (state == EXPIRED) {
                Thread.interrupted();
            }
            state = FINISHED;
            return expired;
        }

        public synchronized boolean expired() {
            return expired;
        }

        public Duration limit() {
            return limit;
        }

        /** "deadline of 5 s exceeded", as the attempt log puts it. */
        public String exceeded() {
            long millis = limit.toMillis();
            return "deadline of " + (millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms") + " exceeded";
        }
    }
}
