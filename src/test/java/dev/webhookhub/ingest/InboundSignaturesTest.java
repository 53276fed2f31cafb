package dev.webhookhub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import com.standardwebhooks.Webhook;

import dev.webhookhub.ingest.InboundSignatures.Refused;
import dev.webhookhub.ingest.InboundSignatures.Verified;
import dev.webhookhub.mapping.InboundWebhook;
import dev.webhookhub.mapping.InboundWebhook.Encoding;
import dev.webhookhub.mapping.InboundWebhook.Scheme;

/** Every inbound scheme with a valid, a tampered, a stale and a badly formed request. */
class InboundSignaturesTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final byte[] BODY = "{\"event\":\"charge_succeeded\",\"charge\":{\"id\":\"ch_1\"}}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TAMPERED = "{\"event\":\"charge_succeeded\",\"charge\":{\"id\":\"ch_2\"}}".getBytes(StandardCharsets.UTF_8);

    private static final InboundWebhook GITHUB = new InboundWebhook("gh", Scheme.HMAC_SHA256, "S", "X-Hub-Signature-256",
            "sha256=", Encoding.HEX, Duration.ofMinutes(5), "X-GitHub-Delivery");
    private static final InboundWebhook STRIPE = new InboundWebhook("st", Scheme.STRIPE, "S", "Stripe-Signature", "",
            Encoding.HEX, Duration.ofMinutes(5), null);
    private static final InboundWebhook STANDARD = new InboundWebhook("sw", Scheme.STANDARD_WEBHOOKS, "S",
            "webhook-signature", "", Encoding.BASE64, Duration.ofMinutes(5), "webhook-id");
    private static final InboundWebhook TOKEN = new InboundWebhook("tk", Scheme.TOKEN, "S", "Authorization", "Bearer ",
            null, Duration.ofMinutes(5), null);

    @Test
    void githubStyleHmacOfTheBody() {
        String secret = "gh-secret";
        var headers = headers("X-Hub-Signature-256", "sha256=" + hex(hmac(secret.getBytes(StandardCharsets.UTF_8), BODY)),
                "X-GitHub-Delivery", "d-1");
        assertThat(verify(GITHUB, secret, headers, BODY)).isEqualTo(new Verified("id:d-1"));
        assertThat(verify(GITHUB, secret, headers, TAMPERED)).isInstanceOf(Refused.class);
        assertThat(verify(GITHUB, "other-secret", headers, BODY)).isInstanceOf(Refused.class);
        assertThat(verify(GITHUB, secret, headers("X-Hub-Signature-256", headers.get("x-hub-signature-256").substring(7)), BODY))
                .as("without its prefix").isInstanceOf(Refused.class);
        assertThat(verify(GITHUB, secret, headers("X-Hub-Signature-256", "sha256=zz"), BODY)).isInstanceOf(Refused.class);
        assertThat(verify(GITHUB, secret, headers(), BODY)).isEqualTo(new Refused("X-Hub-Signature-256 is required"));
    }

    @Test
    void stripeStyleTimestampedSignature() {
        String secret = "whsec_stripe";
        long t = NOW.getEpochSecond() - 30;
        String v1 = hex(hmac(secret.getBytes(StandardCharsets.UTF_8), concat(t + ".", BODY)));
        var headers = headers("Stripe-Signature", "t=" + t + ",v1=" + v1 + ",v0=ignored");
        assertThat(verify(STRIPE, secret, headers, BODY)).isEqualTo(new Verified("stripe:" + t + ":" + v1));
        assertThat(verify(STRIPE, secret, headers, TAMPERED)).isInstanceOf(Refused.class);
        long old = NOW.getEpochSecond() - 600;
        String oldSignature = hex(hmac(secret.getBytes(StandardCharsets.UTF_8), concat(old + ".", BODY)));
        assertThat(verify(STRIPE, secret, headers("Stripe-Signature", "t=" + old + ",v1=" + oldSignature), BODY))
                .as("correctly signed ten minutes ago").isInstanceOf(Refused.class)
                .extracting(r -> ((Refused) r).reason()).asString().contains("tolerance");
        assertThat(verify(STRIPE, secret, headers("Stripe-Signature", "v1=" + v1), BODY)).isInstanceOf(Refused.class);
    }

    @Test
    void standardWebhooksAsTheirOwnLibrarySignsThem() throws Exception {
        String secret = "whsec_" + Base64.getEncoder().encodeToString("sixteen byte key".getBytes(StandardCharsets.UTF_8));
        long t = NOW.getEpochSecond() + 10;
        String signature = new Webhook(secret).sign("msg_1", t, new String(BODY, StandardCharsets.UTF_8));
        var headers = headers("webhook-id", "msg_1", "webhook-timestamp", String.valueOf(t),
                "webhook-signature", "v1,bm90IHRoaXMgb25l " + signature);
        assertThat(verify(STANDARD, secret, headers, BODY)).isEqualTo(new Verified("swh:msg_1"));
        assertThat(verify(STANDARD, secret, headers, TAMPERED)).isInstanceOf(Refused.class);
        var stale = headers("webhook-id", "msg_1", "webhook-timestamp", String.valueOf(t - 3600),
                "webhook-signature", new Webhook(secret).sign("msg_1", t - 3600, new String(BODY, StandardCharsets.UTF_8)));
        assertThat(verify(STANDARD, secret, stale, BODY)).isInstanceOf(Refused.class);
        var otherId = headers("webhook-id", "msg_2", "webhook-timestamp", String.valueOf(t), "webhook-signature", signature);
        assertThat(verify(STANDARD, secret, otherId, BODY)).as("the id is signed too").isInstanceOf(Refused.class);
        assertThat(verify(STANDARD, secret, headers("webhook-signature", signature), BODY)).isInstanceOf(Refused.class);
    }

    @Test
    void aStaticToken() {
        assertThat(verify(TOKEN, "t0ken", headers("Authorization", "Bearer t0ken"), BODY)).isEqualTo(new Verified(null));
        assertThat(verify(TOKEN, "t0ken", headers("Authorization", "Bearer t0ke"), BODY)).isInstanceOf(Refused.class);
        assertThat(verify(TOKEN, "t0ken", headers("Authorization", "t0ken"), BODY)).isInstanceOf(Refused.class);
        assertThat(verify(TOKEN, "t0ken", headers(), BODY)).isInstanceOf(Refused.class);
    }

    private static InboundSignatures.Verdict verify(InboundWebhook inbound, String secret, Map<String, String> headers,
            byte[] body) {
        return InboundSignatures.verify(inbound, secret, name -> headers.get(name.toLowerCase()), body, NOW);
    }

    private static Map<String, String> headers(String... namesAndValues) {
        Map<String, String> headers = new TreeMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put(namesAndValues[i].toLowerCase(), namesAndValues[i + 1]);
        }
        return headers;
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] concat(String prefix, byte[] body) {
        byte[] head = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }
}
