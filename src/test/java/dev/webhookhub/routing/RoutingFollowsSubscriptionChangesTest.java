package dev.webhookhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.webhookhub.support.HubClient;
import dev.webhookhub.support.HubTest;
import dev.webhookhub.support.TestReceiver;

/**
 * Routing keeps each environment's active subscriptions in memory and reads them again when the environment's
 * subscriptions_version moves. Every change, through the API or by another hub instance on the same database,
 * must route the very next event by the new subscriptions.
 */
class RoutingFollowsSubscriptionChangesTest extends HubTest {

    @Test
    void theNextEventIsRoutedByTheChangedSubscriptions() throws Exception {
        HubClient env = newEnvironment();
        try (var receiverA = TestReceiver.start(); var receiverB = TestReceiver.start()) {
            String a = (String) subscribe(env, receiverA.url("/a"), List.of("connection.sync_completed")).get("id");
            ingest(env, "configly", completed("1"));
            awaitReceived(receiverA, 1);

            assertThat(env.patch("/v1/webhooks/" + a, "{\"events\":[\"connection.sync_failed\"]}").status()).isEqualTo(200);
            ingest(env, "configly", completed("2"));
            ingest(env, "configly", failed("3"));
            assertThat(awaitReceived(receiverA, 2).get(1).body()).as("2 no longer wanted, 3 is").contains("connection.sync_failed");

            String b = (String) subscribe(env, receiverB.url("/b"), List.of("connection.sync_completed")).get("id");
            ingest(env, "configly", completed("4"));
            awaitReceived(receiverB, 1);

            assertThat(env.delete("/v1/webhooks/" + b).status()).isEqualTo(204);
            assertThat(env.patch("/v1/webhooks/" + a, "{\"is_active\":false}").status()).isEqualTo(200);
            ingest(env, "configly", completed("5"));
            ingest(env, "configly", failed("6"));

            // another instance re-enables /a for completed runs: its change and the version move commit together
            String environmentId = jdbc.sql("SELECT environment_id FROM subscriptions WHERE id = ?").param(a).query(String.class).single();
            jdbc.sql("UPDATE subscriptions SET is_active = TRUE, event_types = '[\"connection.sync_completed\"]' WHERE id = ?")
                    .param(a).update();
            jdbc.sql("UPDATE environments SET subscriptions_version = subscriptions_version + 1 WHERE id = ?")
                    .param(environmentId).update();
            ingest(env, "configly", completed("7"));

            assertThat(awaitReceived(receiverA, 3).get(2).body()).contains("\"snapshotVersion\":7");
            Thread.sleep(300);
            assertThat(receiverA.received()).as("nothing for 2, 5 and 6").hasSize(3);
            assertThat(receiverB.received()).as("nothing after the delete").hasSize(1);
        }
    }

    private static String completed(String run) {
        return "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"" + run + "\",\"status\":\"completed\","
                + "\"snapshot\":" + run + ",\"total\":1,\"ok\":1,\"failed\":0,\"startedAt\":\"2026-04-15T14:30:00.000Z\","
                + "\"finishedAt\":\"2026-04-15T14:30:01.000Z\"}}";
    }

    private static String failed(String run) {
        return "{\"kind\":\"sync_run\",\"connection\":\"c\",\"run\":{\"id\":\"" + run + "\",\"status\":\"failed\",\"error\":\"e\"}}";
    }
}
