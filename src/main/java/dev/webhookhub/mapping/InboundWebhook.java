package dev.webhookhub.mapping;

import java.time.Duration;

/**
 * How a source's producers push raw events over HTTP without the hub's API key ({@code inbound:} in its mapping file),
 * to {@code POST /v1/inbound/{environment}/{path}}: the scheme that proves a request came from them, checked on the
 * exact bytes received.
 *
 * @param secretName the setting or environment variable that holds the secret ({@code ${GITHUB_WEBHOOK_SECRET}} in
 *                   the file); the secret itself never goes in a mapping file
 * @param header     where the signature or token is ({@link Scheme#STANDARD_WEBHOOKS}: the {@code webhook-*} headers)
 * @param prefix     what precedes the signature or token in that header ("sha256=", "Bearer "), or ""
 * @param tolerance  how far a signed timestamp may be from now (Standard Webhooks, Stripe)
 * @param idHeader   a header naming each delivery (X-GitHub-Delivery), so that one sent again is stored once; null
 */
public record InboundWebhook(String path, Scheme scheme, String secretName, String header, String prefix,
        Encoding encoding, Duration tolerance, String idHeader) {

    public enum Scheme {
        /** {@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<base64 HMAC-SHA256>}. */
        STANDARD_WEBHOOKS("standard-webhooks"),
        /** An HMAC-SHA256 of the raw body in one header, GitHub style ({@code X-Hub-Signature-256: sha256=<hex>}). */
        HMAC_SHA256("hmac-sha256"),
        /** Stripe style: {@code Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">}. */
        STRIPE("stripe"),
        /** A static token in a header, compared in constant time. */
        TOKEN("token");

        private final String name;

        Scheme(String name) {
            this.name = name;
        }

        public String configName() {
            return name;
        }

        public static Scheme of(String name) {
            for (Scheme scheme : values()) {
                if (scheme.name.equals(name)) {
                    return scheme;
                }
            }
            return null;
        }
    }

    public enum Encoding {
        HEX, BASE64
    }
}
