package dev.webhookhub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;

/**
 * Signing secrets on disk: the hub's H2 file, its generated key and token files, all in a data directory only the
 * owner may enter. Neither the secrets as text nor their key bytes are anywhere in those files; the API shows a secret
 * on create, on rotation and at its own address, never in list or read answers.
 */
class SecretsAtRestTest extends HubTest {

    private static final Path DATA = Path.of("target/test-data/secrets-" + java.util.UUID.randomUUID());

    @DynamicPropertySource
    static void fileDatabase(DynamicPropertyRegistry registry) {
        registry.add("hub.data-dir", DATA::toString);
        registry.add("spring.datasource.url",
                () -> "jdbc:h2:file:./" + DATA + "/hub;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0");
    }

    @Test
    void noFileUnderTheDataDirectoryHoldsASecretAndOnlyTheOwnerMayReadThem() throws IOException {
        HubClient env = hub();
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            var created = env.post("/v1/webhooks", HubClient.json(Map.of("url", "http://127.0.0.1:9/hook-" + i,
                    "sensitive_headers", Map.of("X-Api-Key", "sensitive-header-value-" + i)))).json();
            secrets.add((String) created.get("secret"));
            String id = (String) created.get("id");
            assertThat(env.get("/v1/webhooks/" + id).json()).doesNotContainKey("secret");
            assertThat(env.get("/v1/webhooks/" + id + "/secret").json()).isEqualTo(Map.of("secret", created.get("secret")));
            if (i == 0) {
                var rotated = env.post("/v1/webhooks/" + id + "/rotate-secret", "{}").json();
                secrets.add((String) rotated.get("secret"));
                assertThat(env.get("/v1/webhooks/" + id + "/secret").json().get("secret")).isEqualTo(rotated.get("secret"));
            }
        }
        assertThat(env.get("/v1/webhooks").body()).doesNotContain("whsec_").doesNotContain("sensitive-header-value");
        assertThat(jdbc.sql("SELECT secret FROM subscriptions").query(String.class).list())
                .allSatisfy(stored -> assertThat(stored).startsWith("enc:v1:"));
        assertThat(jdbc.sql("SELECT previous_secret FROM subscriptions WHERE previous_secret IS NOT NULL")
                .query(String.class).list()).singleElement().asString().startsWith("enc:v1:");
        jdbc.sql("CHECKPOINT SYNC").update();

        List<Path> files;
        try (Stream<Path> walk = Files.walk(DATA)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(f -> f.getFileName().toString()).contains("hub.mv.db", "secret-key");
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            for (String secret : secrets) {
                byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
                assertThat(indexOf(content, secret.getBytes(StandardCharsets.UTF_8))).as("%s holds a secret as text", file)
                        .isNegative();
                assertThat(indexOf(content, secret.substring("whsec_".length()).getBytes(StandardCharsets.UTF_8)))
                        .as("%s holds a secret's base64", file).isNegative();
                assertThat(indexOf(content, key)).as("%s holds a secret's key bytes", file).isNegative();
            }
            assertThat(indexOf(content, "sensitive-header-value".getBytes(StandardCharsets.UTF_8)))
                    .as("%s holds a sensitive header's value", file).isNegative();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as("mode of %s", file)
                    .isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DATA))).isEqualTo("rwx------");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
