package dev.webhookhub.security;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Refuses to start with a key that cannot open the stored secrets (HUB_SECRET_KEY changed, or the secret-key file
 * lost): every delivery would fail to sign. Better said once, at start, than in every attempt log.
 */
@Component
class SecretKeyCheck {

    SecretKeyCheck(JdbcClient jdbc, SecretBox secrets) {
        jdbc.sql("SELECT secret FROM subscriptions FETCH FIRST 1 ROWS ONLY").query(String.class).optional()
                .ifPresent(secrets::open);
    }
}
