package dev.webhookhub.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.UUIDType;
import com.fasterxml.uuid.impl.TimeBasedEpochRandomGenerator;
import com.fasterxml.uuid.impl.UUIDUtil;

/**
 * Ids of events and deliveries. Each begins with the millisecond it was made, so new rows land at the end of the
 * id indexes instead of on a random page of them: H2 writes out every index page a commit touched, and PostgreSQL
 * logs a full image of each page first touched after a checkpoint. A random v4 UUID touched a different page for
 * every event (docs/BENCHMARKS.md, item 17). The rest of an id stays random, so ids cannot be guessed from one
 * another; they do tell when they were made, as the event's own timestamp does.
 */
public final class TimeOrderedIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Digits before letters: the order of the characters is the order of the numbers they spell. */
    private static final char[] BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final TimeBasedEpochRandomGenerator UUID_V7 = Generators.timeBasedEpochRandomGenerator(RANDOM);

    private TimeOrderedIds() {
    }

    /** A version 7 UUID (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. */
    public static String uuid() {
        return UUID_V7.generate().toString();
    }

    /**
     * {@code evt_} and 16 characters of {@code [0-9a-z]}, the format configly documents: 8 base-36 digits of the
     * Unix millisecond (in order until 2059, after which they wrap and stay unique by the rest), then 8 random ones.
     */
    public static String evt() {
        char[] chars = new char[16];
        long millis = System.currentTimeMillis();
        for (int i = 7; i >= 0; i--) {
            chars[i] = BASE36[(int) (millis % 36)];
            millis /= 36;
        }
        for (int i = 8; i < chars.length; i++) {
            chars[i] = BASE36[RANDOM.nextInt(BASE36.length)];
        }
        return "evt_" + new String(chars);
    }

    /**
     * The one id of an event's delivery to a subscription: a version 8 UUID of the event's creation millisecond and
     * a SHA-256 of both ids, so routing the same event twice (a Kafka record read again) names the same delivery.
     */
    public static String delivery(Instant eventCreatedAt, String eventId, String subscriptionId) {
        ByteBuffer hash = ByteBuffer.wrap(sha256(eventId + "|" + subscriptionId));
        long high = eventCreatedAt.toEpochMilli() << 16 | hash.getShort() & 0xFFFFL;
        return UUIDUtil.constructUUID(UUIDType.FREE_FORM, high, hash.getLong()).toString();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
