package dev.webhookhub.ingest;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.webhookhub.mapping.InboundWebhook;

/**
 * Checks that an inbound request came from the source's producer, by the scheme its mapping file declares, on the
 * exact bytes received. Pure: the same request, secret and time give the same verdict.
 */
final class InboundSignatures {

    /** The verdict on one request. */
    sealed interface Verdict {
    }

    /**
     * Signed by the producer. {@code deliveryId} names this delivery of it (webhook-id, the signature of a timestamped
     * request, the id header), so that one sent again is stored once; null when the scheme gives none.
     */
    record Verified(String deliveryId) implements Verdict {
    }

    /** Not signed by the producer, or too old: what the 401 says. */
    record Refused(String reason) implements Verdict {
    }

    private InboundSignatures() {
    }

    /** @param headers the request's headers by name, any case */
    static Verdict verify(InboundWebhook inbound, String secret, Function<String, String> headers, byte[] body,
            Instant now) {
        return switch (inbound.scheme()) {
            case STANDARD_WEBHOOKS -> standardWebhooks(inbound, secret, headers, body, now);
            case HMAC_SHA256 -> hmacOfBody(inbound, secret, headers, body);
            case STRIPE -> stripe(inbound, secret, headers, body, now);
            case TOKEN -> token(inbound, secret, headers);
        };
    }

    private static Verdict standardWebhooks(InboundWebhook inbound, String secret, Function<String, String> headers,
            byte[] body, Instant now) {
        String id = headers.apply("webhook-id");
        String timestamp = headers.apply("webhook-timestamp");
        String signatures = headers.apply("webhook-signature");
        if (id == null || timestamp == null || signatures == null) {
            return new Refused("webhook-id, webhook-timestamp and webhook-signature are required");
        }
        Verdict stale = checkTime(timestamp.strip(), inbound.tolerance(), now);
        if (stale != null) {
            return stale;
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.startsWith("whsec_") ? secret.substring(6) : secret);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the secret of inbound path '" + inbound.path() + "' is not a whsec_ key");
        }
        byte[] expected = hmac(key, concat(id + "." + timestamp.strip() + ".", body));
        for (String candidate : signatures.strip().split(" ")) {
            int comma = candidate.indexOf(',');
            if (comma > 0 && candidate.substring(0, comma).equals("v1")
                    && equal(expected, decode(candidate.substring(comma + 1), InboundWebhook.Encoding.BASE64))) {
                return new Verified("swh:" + id);
            }
        }
        return new Refused("no v1 signature in webhook-signature matches the body");
    }

    private static Verdict hmacOfBody(InboundWebhook inbound, String secret, Function<String, String> headers,
            byte[] body) {
        String value = headers.apply(inbound.header());
        if (value == null) {
            return new Refused(inbound.header() + " is required");
        }
        value = value.strip();
        if (!value.startsWith(inbound.prefix())) {
            return new Refused(inbound.header() + " must start with '" + inbound.prefix() + "'");
        }
        byte[] expected = hmac(secret.getBytes(StandardCharsets.UTF_8), body);
        if (!equal(expected, decode(value.substring(inbound.prefix().length()), inbound.encoding()))) {
            return new Refused(inbound.header() + " does not match the body");
        }
        return new Verified(idFromHeader(inbound, headers));
    }

    private static Verdict stripe(InboundWebhook inbound, String secret, Function<String, String> headers, byte[] body,
            Instant now) {
        String value = headers.apply(inbound.header());
        if (value == null) {
            return new Refused(inbound.header() + " is required");
        }
        String timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String part : value.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                String name = part.substring(0, eq).strip();
                if (name.equals("t")) {
                    timestamp = part.substring(eq + 1).strip();
                } else if (name.equals("v1")) {
                    signatures.add(part.substring(eq + 1).strip());
                }
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            return new Refused(inbound.header() + " must carry t=<time> and v1=<signature>");
        }
        Verdict stale = checkTime(timestamp, inbound.tolerance(), now);
        if (stale != null) {
            return stale;
        }
        byte[] expected = hmac(secret.getBytes(StandardCharsets.UTF_8), concat(timestamp + ".", body));
        for (String signature : signatures) {
            if (equal(expected, decode(signature, InboundWebhook.Encoding.HEX))) {
                return new Verified("stripe:" + timestamp + ":" + signature);
            }
        }
        return new Refused("no v1 signature in " + inbound.header() + " matches the body");
    }

    private static Verdict token(InboundWebhook inbound, String secret, Function<String, String> headers) {
        String value = headers.apply(inbound.header());
        if (value == null || !value.startsWith(inbound.prefix())) {
            return new Refused(inbound.header() + " with the source's token is required");
        }
        byte[] given = value.substring(inbound.prefix().length()).strip().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(sha256(given), sha256(secret.getBytes(StandardCharsets.UTF_8)))) {
            return new Refused(inbound.header() + " does not hold the source's token");
        }
        return new Verified(idFromHeader(inbound, headers));
    }

    private static String idFromHeader(InboundWebhook inbound, Function<String, String> headers) {
        if (inbound.idHeader() == null) {
            return null;
        }
        String id = headers.apply(inbound.idHeader());
        return id == null || id.isBlank() || id.length() > 200 ? null : "id:" + id.strip();
    }

    /** Null when the timestamp (unix seconds) is within the tolerance of now. */
    private static Verdict checkTime(String timestamp, Duration tolerance, Instant now) {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return new Refused("the timestamp '" + abbreviate(timestamp) + "' is not unix seconds");
        }
        long skew = Math.abs(now.getEpochSecond() - seconds);
        if (skew > tolerance.toSeconds()) {
            return new Refused("the timestamp is " + skew + " s from now, beyond the tolerance of " + tolerance.toSeconds() + " s");
        }
        return null;
    }

    private static byte[] decode(String text, InboundWebhook.Encoding encoding) {
        try {
            return encoding == InboundWebhook.Encoding.HEX ? HexFormat.of().parseHex(text.strip().toLowerCase())
                    : Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    private static boolean equal(byte[] expected, byte[] given) {
        return given.length == expected.length && MessageDigest.isEqual(expected, given);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(String prefix, byte[] body) {
        byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }
}
