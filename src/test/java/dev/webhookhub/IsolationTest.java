package dev.webhookhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/** Nothing of one environment is visible, changeable or deliverable in another. */
class IsolationTest extends HubTest {

    private static final List<String> TYPES = List.of("connection.sync_failed");

    @Test
    void anotherEnvironmentsSubscriptionsAreNotFound() {
        HubClient a = hub();
        HubClient b = newEnvironment();
        String aId = (String) subscribe(a, "http://127.0.0.1:9/a", TYPES).get("id");

        assertThat(b.get("/v1/webhooks/" + aId).status()).isEqualTo(404);
        assertThat(b.patch("/v1/webhooks/" + aId, "{\"is_active\":false}").status()).isEqualTo(404);
        assertThat(b.delete("/v1/webhooks/" + aId).status()).isEqualTo(404);
        assertThat(b.get("/v1/webhooks").body()).doesNotContain(aId);
        assertThat(b.get("/v1/webhooks?cursor=" + aId).status()).isEqualTo(400);

        var stillThere = a.get("/v1/webhooks/" + aId);
        assertThat(stillThere.status()).isEqualTo(200);
        assertThat(stillThere.json().get("is_active")).isEqualTo(true);
        assertThat(a.get("/v1/webhooks").body()).contains(aId);
    }

    @Test
    void eventsOnlyReachSubscriptionsOfTheirOwnEnvironment() throws Exception {
        HubClient a = hub();
        HubClient b = newEnvironment();
        try (var receiverA = TestReceiver.start(); var receiverB = TestReceiver.start()) {
            subscribe(a, receiverA.url("/a"), TYPES);
            subscribe(b, receiverB.url("/b"), TYPES);

            var fromA = ingest(a, "configly", syncFailed("from-a"));
            var fromB = ingest(b, "configly", syncFailed("from-b"));

            awaitReceived(receiverA, 1);
            awaitReceived(receiverB, 1);
            Thread.sleep(500);
            assertThat(receiverA.received()).singleElement().satisfies(r -> assertThat(r.body()).contains(fromA.get(0)));
            assertThat(receiverB.received()).singleElement().satisfies(r -> assertThat(r.body()).contains(fromB.get(0)));
        }
    }

    @Test
    void revokedKeysStopWorking() {
        var created = admin().post("/v1/environments", "{\"name\":\"isolation-revoke\"}").json();
        String envId = (String) created.get("id");
        var issued = admin().post("/v1/environments/" + envId + "/api-keys", "{}").json();
        HubClient client = hub().as((String) issued.get("key"));
        assertThat(client.get("/v1/webhooks").status()).isEqualTo(200);

        assertThat(admin().delete("/v1/environments/" + envId + "/api-keys/" + issued.get("id")).status()).isEqualTo(204);
        assertThat(client.get("/v1/webhooks").status()).isEqualTo(401);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM api_keys WHERE key_hash = ?").param(issued.get("key")).query(Long.class).single())
                .as("keys are stored hashed, never as given").isZero();
    }

    private static String syncFailed(String connection) {
        return "{\"kind\":\"sync_run\",\"connection\":\"" + connection + "\",\"run\":{\"id\":\"r\",\"status\":\"failed\",\"error\":\"e\"}}";
    }
}
