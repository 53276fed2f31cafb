package dev.webhookhub.ingest;

import static dev.webhookhub.ingest.InboundSignaturesTest.concat;
import static dev.webhookhub.ingest.InboundSignaturesTest.hex;
import static dev.webhookhub.ingest.InboundSignaturesTest.hmac;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import com.standardwebhooks.Webhook;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.ProjectFiles;
import dev.webhookhub.support.TestReceiver;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * External systems pushing to {@code POST /v1/inbound/{environment}/{path}} with their own signatures, one source per
 * scheme (the ADD-A-SOURCE example with its GitHub-style HMAC, and copies of it with Standard Webhooks, Stripe's
 * scheme and a token): valid requests are stored and delivered, tampered and stale ones are 401 and counted, a
 * replay inside the tolerance creates nothing.
 */
@TestPropertySource(properties = {
        "PAYMENTS_WEBHOOK_SECRET=gh-shared-secret",
        "STRIPE_SECRET=whsec_stripe_secret",
        "SWH_SECRET=whsec_c2l4dGVlbiBieXRlIGtleQ==",
        "TOKEN_SECRET=static-t0ken"})
class InboundWebhooksTest extends HubTest {

    private static final String CHARGE = "{\"event\":\"charge_succeeded\",\"charge\":{\"id\":\"%s\",\"amount\":1999,\"currency\":\"eur\"}}";

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void mappings(DynamicPropertyRegistry registry) throws IOException {
        Path dir = ProjectFiles.copyOf("mappings");
        String payments = Files.readString(Path.of("docs/examples/mappings/payments.yaml"));
        Files.writeString(dir.resolve("payments.yaml"), payments);
        String inbound = payments.substring(payments.indexOf("inbound:"), payments.indexOf("\n\n", payments.indexOf("inbound:")));
        variant(dir, payments, inbound, "swh", "inbound:\n  path: swh\n  verify: standard-webhooks\n  secret: ${SWH_SECRET}");
        variant(dir, payments, inbound, "stripe", "inbound:\n  path: stripe\n  verify: stripe\n  secret: ${STRIPE_SECRET}\n  tolerance: 2m");
        variant(dir, payments, inbound, "token", "inbound:\n  path: token\n  verify: token\n  header: X-Token\n  prefix: \"\"\n  secret: ${TOKEN_SECRET}");
        variant(dir, payments, inbound, "unset", "inbound:\n  path: unset\n  verify: token\n  secret: ${NOBODY_SET_THIS}");
        registry.add("hub.mappings.dir", dir::toString);
    }

    private static void variant(Path dir, String payments, String inbound, String name, String block) throws IOException {
        Files.writeString(dir.resolve("payments-" + name + ".yaml"), payments.replace(inbound, block)
                .replace("source: payments", "source: payments-" + name).replace("payment.", "payment-" + name + "."));
    }

    @Test
    void githubStyleHmacWithADeliveryId() throws Exception {
        try (var receiver = TestReceiver.start()) {
            subscribe(hub(), receiver.url("/gh"), List.of("payment.succeeded"));
            String body = CHARGE.formatted("ch_gh_1");
            Map<String, String> signed = Map.of("X-Payments-Signature-256", "sha256=" + hex(hmac(bytes("gh-shared-secret"), bytes(body))),
                    "X-Payments-Delivery", "delivery-1");
            var accepted = post("payments", body, signed);
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(awaitReceived(receiver, 1).getFirst().body()).contains("ch_gh_1");

            long events = count("events");
            assertThat(post("payments", body, signed).json()).as("the same delivery again").isEqualTo(accepted.json());
            assertThat(count("events")).isEqualTo(events);

            refused("payments", body.replace("1999", "1"), signed, "does not match");
            refused("payments", body, Map.of("X-Payments-Signature-256", "sha256=" + hex(hmac(bytes("guess"), bytes(body)))), "does not match");
            refused("payments", body, Map.of(), "is required");
            assertThat(hub().post("/v1/inbound/default/payments", body).status()).as("an API key is no signature").isEqualTo(401);
        }
    }

    @Test
    void standardWebhooksWithTimestampToleranceAndReplays() throws Exception {
        try (var receiver = TestReceiver.start()) {
            subscribe(hub(), receiver.url("/swh"), List.of("payment-swh.succeeded"));
            String body = CHARGE.formatted("ch_swh_1");
            long now = Instant.now().getEpochSecond();
            var webhook = new Webhook("whsec_c2l4dGVlbiBieXRlIGtleQ==");
            Map<String, String> signed = Map.of("webhook-id", "msg_1", "webhook-timestamp", String.valueOf(now),
                    "webhook-signature", webhook.sign("msg_1", now, body));
            var accepted = post("swh", body, signed);
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(awaitReceived(receiver, 1).getFirst().body()).contains("ch_swh_1");
            long events = count("events");
            assertThat(post("swh", body, signed).json()).as("replayed within the tolerance").isEqualTo(accepted.json());
            assertThat(count("events")).isEqualTo(events);

            refused("swh", body.replace("swh_1", "swh_2"), signed, "matches the body");
            long old = now - 3600;
            refused("swh", body, Map.of("webhook-id", "msg_old", "webhook-timestamp", String.valueOf(old),
                    "webhook-signature", webhook.sign("msg_old", old, body)), "tolerance");
        }
    }

    @Test
    void stripeStyleSignatures() throws Exception {
        try (var receiver = TestReceiver.start()) {
            subscribe(hub(), receiver.url("/stripe"), List.of("payment-stripe.succeeded"));
            String body = CHARGE.formatted("ch_st_1");
            long t = Instant.now().getEpochSecond();
            String header = "t=" + t + ",v1=" + hex(hmac(bytes("whsec_stripe_secret"), concat(t + ".", bytes(body))));
            var accepted = post("stripe", body, Map.of("Stripe-Signature", header));
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(awaitReceived(receiver, 1).getFirst().body()).contains("ch_st_1");
            assertThat(post("stripe", body, Map.of("Stripe-Signature", header)).json()).isEqualTo(accepted.json());

            long old = t - 300;
            refused("stripe", body, Map.of("Stripe-Signature", "t=" + old + ",v1="
                    + hex(hmac(bytes("whsec_stripe_secret"), concat(old + ".", bytes(body))))), "tolerance of 120 s");
            refused("stripe", body.replace("st_1", "st_2"), Map.of("Stripe-Signature", header), "matches the body");
        }
    }

    @Test
    void aStaticTokenAndTheEdges() throws Exception {
        try (var receiver = TestReceiver.start()) {
            subscribe(hub(), receiver.url("/token"), List.of("payment-token.succeeded"));
            String body = CHARGE.formatted("ch_tk_1");
            assertThat(post("token", body, Map.of("X-Token", "static-t0ken")).status()).isEqualTo(202);
            assertThat(awaitReceived(receiver, 1).getFirst().body()).contains("ch_tk_1");
            refused("token", body, Map.of("X-Token", "static-t0ke"), "does not hold");
        }
        var unset = post("unset", CHARGE.formatted("ch_unset"), Map.of("Authorization", "Bearer x"));
        assertThat(unset.status()).as("a secret nobody set").isEqualTo(503);
        assertThat(unset.body()).doesNotContain("NOBODY_SET_THIS");
        assertThat(post("no-such-path", "{}", Map.of()).status()).isEqualTo(404);
        String body = CHARGE.formatted("ch_env");
        var toUnknownEnvironment = new HubClient(port, null).post("/v1/inbound/nowhere/token", body,
                Map.of("X-Token", "static-t0ken"));
        assertThat(toUnknownEnvironment.status()).isEqualTo(404);
        var notMapped = post("token", "{\"event\":\"nope\"}", Map.of("X-Token", "static-t0ken"));
        assertThat(notMapped.status()).isEqualTo(422);
        assertThat(notMapped.contentType()).contains("problem+json");
    }

    private HubClient.Response post(String path, String body, Map<String, String> headers) {
        return new HubClient(port, null).post("/v1/inbound/default/" + path, body, headers);
    }

    private void refused(String path, String body, Map<String, String> headers, String why) {
        double before = refusals(path);
        var response = post(path, body, headers);
        assertThat(response.status()).as(response.body()).isEqualTo(401);
        assertThat(response.contentType()).contains("problem+json");
        assertThat(response.body()).contains(why);
        assertThat(refusals(path)).isEqualTo(before + 1);
    }

    private double refusals(String path) {
        var counter = meters.find("hub.inbound.refused").tag("path", path).counter();
        return counter == null ? 0 : counter.count();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
