package dev.webhookhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

import dev.webhookhub.support.HubTest;

/**
 * Guessing keys from one address: after hub.api.max-auth-failures the address gets 429 with Retry-After, without
 * its guesses reaching the store, while a key already known to be valid keeps working from the same address.
 */
@TestPropertySource(properties = {"hub.api.max-auth-failures=5", "hub.api.auth-failure-window=1h"})
class AuthFailureLimitTest extends HubTest {

    @Test
    void anAddressThatKeepsFailingIsRefusedButKnownKeysStillWork() {
        assertThat(hub().get("/v1/webhooks").status()).as("the valid key is known before the guessing starts").isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertThat(hub().as("cly_guess_" + i).get("/v1/webhooks").status()).isEqualTo(401);
        }
        var refused = hub().as("cly_guess_5").get("/v1/webhooks");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.contentType()).isEqualTo("application/problem+json");
        assertThat(refused.headers().get("retry-after")).isNotNull();
        assertThat(Long.parseLong(refused.headers().get("retry-after").getFirst())).isBetween(1L, 3601L);
        assertThat(admin().as("wrong-admin-token").get("/v1/environments").status()).isEqualTo(429);
        assertThat(hub().as(null).get("/actuator/prometheus").status()).isEqualTo(429);

        assertThat(hub().get("/v1/webhooks").status()).as("a known valid key is not held up").isEqualTo(200);
    }
}
