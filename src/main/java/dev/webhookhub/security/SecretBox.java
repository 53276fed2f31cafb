package dev.webhookhub.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.webhookhub.HubProperties;

/**
 * Encrypts what the hub must be able to read back but a copy of its database must not reveal: webhook signing
 * secrets (and the values of sensitive headers). AES-256-GCM with a random nonce per value, stored as
 * {@code enc:v1:<base64 of nonce, ciphertext and tag>}. The key comes from {@code HUB_SECRET_KEY} (any long random
 * string; its SHA-256 is the key), or else from the file {@code secret-key} in the data directory, generated on
 * first start, readable by the owner only. Without that key the stored secrets are lost: back it up apart from the
 * database.
 */
@Component
public class SecretBox {

    private static final Logger log = LoggerFactory.getLogger(SecretBox.class);
    static final String PREFIX = "enc:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;

    public SecretBox(HubProperties properties, DataDirectory dataDirectory) {
        this.key = new SecretKeySpec(keyBytes(properties.secretKey(), dataDirectory), "AES");
    }

    /** @return the value, encrypted; null stays null */
    public String seal(String plain) {
        if (plain == null) {
            return null;
        }
        try {
            byte[] nonce = Secrets.randomBytes(NONCE_BYTES);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt", e);
        }
    }

    /**
     * @return the value {@link #seal} was given; null stays null
     * @throws IllegalStateException when the value was not sealed with this key (the key changed, or the value was
     *                               altered)
     */
    public String open(String sealed) {
        if (sealed == null) {
            return null;
        }
        if (!isSealed(sealed)) {
            throw new IllegalStateException("a stored secret is not encrypted");
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("a stored secret cannot be decrypted with this hub's key (HUB_SECRET_KEY or "
                    + "the secret-key file of the data directory): was the key changed?", e);
        }
    }

    public static boolean isSealed(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    private static byte[] keyBytes(String configured, DataDirectory dataDirectory) {
        if (configured != null && !configured.isBlank()) {
            if (configured.strip().length() < 16) {
                throw new IllegalArgumentException("HUB_SECRET_KEY must be a long random string (at least 16 characters)");
            }
            return sha256(configured.strip());
        }
        Path file = dataDirectory.path().resolve("secret-key");
        try {
            if (!Files.exists(file)) {
                dataDirectory.writeOwnerOnly(file, Base64.getEncoder().encodeToString(Secrets.randomBytes(32)));
                log.warn("Generated the key that encrypts webhook secrets at rest; it was written to {}. Back it up apart "
                        + "from the database, or set HUB_SECRET_KEY", file.toAbsolutePath());
            }
            return Base64.getDecoder().decode(Files.readString(file).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " does not hold a base64 key", e);
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
