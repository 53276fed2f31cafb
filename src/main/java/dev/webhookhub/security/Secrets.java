package dev.webhookhub.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random tokens and their at-rest hashes. */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    public static String newApiKey() {
        return "whk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    public static String newAdminToken() {
        return "adm_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    }

    /** A Standard Webhooks signing secret: whsec_ + base64 of 32 random bytes. */
    public static String newSigningSecret() {
        return "whsec_" + Base64.getEncoder().encodeToString(randomBytes(32));
    }

    /**
     * Keys are long random strings, so a fast unsalted SHA-256 is enough to make a leaked table useless
     * while keeping the per-request lookup an index probe.
     */
    public static String sha256Hex(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
