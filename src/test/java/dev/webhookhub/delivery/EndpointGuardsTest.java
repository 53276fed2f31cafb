package dev.webhookhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import dev.webhookhub.HubProperties;

class EndpointGuardsTest {

    private static final Duration FAST = Duration.ofMillis(10);
    private static final Duration SLOW = Duration.ofSeconds(1);

    @Test
    void aSlowdownHalvesTheSlotsButASteadilySlowEndpointKeepsThem() {
        var guards = guards(8, Duration.ofMinutes(2));
        for (int i = 0; i < 5; i++) {
            go(guards, "usually-fast").succeeded(FAST);
        }
        assertThat(guards.slots("usually-fast")).isEqualTo(8);
        go(guards, "usually-fast").succeeded(Duration.ofMillis(600));
        assertThat(guards.slots("usually-fast")).as("600 ms from an endpoint that answers in 10 ms").isEqualTo(4);

        for (int i = 0; i < 5; i++) {
            go(guards, "always-slow").succeeded(SLOW);
        }
        assertThat(guards.slots("always-slow")).as("1 s as always: no news").isEqualTo(8);
        go(guards, "always-slow").failed(SLOW);
        assertThat(guards.slots("always-slow")).as("a failure is").isEqualTo(4);
    }

    @Test
    void aFinishingDeliveryHandsItsSlotToTheWaitingOne() {
        var guards = guards(1, Duration.ofMinutes(2));
        var first = go(guards, "busy");
        assertThat(guards.admit(job("second", "busy"))).isInstanceOf(EndpointGuards.Waits.class);
        assertThat(guards.waiting()).isEqualTo(1);

        var handed = first.succeeded(FAST);
        assertThat(handed.job().deliveryId()).isEqualTo("second");
        assertThat(guards.resume(handed)).as("it holds the slot now").isInstanceOf(EndpointGuards.Go.class);
        assertThat(guards.admit(job("third", "busy"))).as("and the next one waits").isInstanceOf(EndpointGuards.Waits.class);
    }

    @Test
    void waitersOfAnEndpointThatTurnedSlowAndThoseThatWaitedTooLongAreEvicted() throws Exception {
        var guards = guards(2, Duration.ofSeconds(4));
        var a = go(guards, "turns-slow");
        go(guards, "turns-slow");
        guards.admit(job("w1", "turns-slow"));
        guards.admit(job("w2", "turns-slow"));
        assertThat(guards.evictWaiting()).as("fast, and not waiting long yet").isEmpty();

        var handed = a.succeeded(SLOW);
        assertThat(handed.job().deliveryId()).isEqualTo("w1");
        assertThat(guards.evictWaiting()).extracting(DeliveryJob::deliveryId).as("slow now: no waiting in memory")
                .containsExactly("w2");
        assertThat(guards.admit(job("w3", "turns-slow"))).as("a slow endpoint's delivery does not wait either")
                .isInstanceOf(EndpointGuards.Deferred.class);

        var other = go(guards, "fast");
        go(guards, "fast");
        guards.admit(job("old", "fast"));
        // longer than a quarter of the 4 s lease
        Thread.sleep(1200);
        assertThat(guards.evictWaiting()).extracting(DeliveryJob::deliveryId).containsExactly("old");
        assertThat(other.succeeded(FAST)).as("nobody left to hand the slot to").isNull();
    }

    @Test
    void aDeliveryHandedASlotAfterWaitingTooLongGoesToTheStoreAndPassesTheSlotOn() throws Exception {
        var guards = guards(1, Duration.ofSeconds(4));
        var first = go(guards, "busy");
        guards.admit(job("late", "busy"));
        // longer than a quarter of the 4 s lease: its lease may end before it could be sent
        Thread.sleep(1200);
        guards.admit(job("fresh", "busy"));

        var late = first.succeeded(FAST);
        var deferred = guards.resume(late);
        assertThat(deferred).isInstanceOf(EndpointGuards.Deferred.class);
        var fresh = ((EndpointGuards.Deferred) deferred).handed();
        assertThat(fresh.job().deliveryId()).isEqualTo("fresh");
        assertThat(guards.resume(fresh)).isInstanceOf(EndpointGuards.Go.class);
    }

    @Test
    void deliveriesAFullLaneSendsBackAreDueAboutWhenItWillHaveRoomNotAllAtOnce() {
        var guards = guards(1, Duration.ofMinutes(2));
        // an endpoint that takes 200 ms an answer, one slot: one delivery every 200 ms
        for (int i = 0; i < 8; i++) {
            go(guards, "busy").succeeded(Duration.ofMillis(200));
        }
        go(guards, "busy");
        for (int i = 0; i < 10; i++) {
            assertThat(guards.admit(job("w" + i, "busy"))).isInstanceOf(EndpointGuards.Waits.class);
        }
        List<Duration> delays = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            var admission = guards.admit(job("back" + i, "busy"));
            assertThat(admission).isInstanceOf(EndpointGuards.Deferred.class);
            var deferral = ((EndpointGuards.Deferred) admission).deferral();
            assertThat(deferral.reason()).isEqualTo("endpoint busy");
            delays.add(deferral.delay());
        }
        // eleven ahead of the first (one in flight, ten waiting), then one every 200 ms, up to 10 s from now
        assertThat(delays.get(0)).isBetween(Duration.ofMillis(2000), Duration.ofMillis(2300));
        assertThat(delays.get(1).minus(delays.get(0))).isBetween(Duration.ofMillis(150), Duration.ofMillis(250));
        assertThat(delays).isSorted();
        assertThat(delays.getLast()).isBetween(Duration.ofMillis(9900), Duration.ofSeconds(10));

        var unknown = guards(1, Duration.ofMinutes(2));
        go(unknown, "new");
        for (int i = 0; i < 10; i++) {
            unknown.admit(job("w" + i, "new"));
        }
        var first = ((EndpointGuards.Deferred) unknown.admit(job("a", "new"))).deferral().delay();
        var second = ((EndpointGuards.Deferred) unknown.admit(job("b", "new"))).deferral().delay();
        assertThat(List.of(first, second)).as("an endpoint not heard from yet: the shortest delay")
                .allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(490), Duration.ofMillis(510)));
    }

    private static EndpointGuards.Pass go(EndpointGuards guards, String endpoint) {
        var admission = guards.admit(job("d", endpoint));
        assertThat(admission).isInstanceOf(EndpointGuards.Go.class);
        return ((EndpointGuards.Go) admission).pass();
    }

    private static EndpointGuards guards(int perEndpoint, Duration lease) {
        var delivery = new HubProperties.Delivery(false, Duration.ofSeconds(15), Duration.ofSeconds(5), DataSize.ofKilobytes(4),
                List.of(Duration.ofSeconds(5)), 0, Duration.ofDays(5), Duration.ofMillis(500), lease, 200, 64,
                Duration.ofMillis(500), 8, perEndpoint, 5, Duration.ofSeconds(30), null);
        return new EndpointGuards(new HubProperties(null, null, null, null, null, null, null, delivery, null, null, null,
                null, null, null, null, null, null, null));
    }

    private static DeliveryJob job(String id, String endpoint) {
        return new DeliveryJob(id, "env", "evt", "type", "source", "{}", null, 0, endpoint, "http://127.0.0.1/", true,
                "standard", "secret", null, null, null, List.of(), null, Map.of(), false, false, null, null);
    }
}
