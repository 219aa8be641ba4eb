package atrium.core.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.core.Config;
import atrium.core.ConfigException;
import atrium.core.TestRedis;
import atrium.core.db.TestDatabases;
import atrium.core.http.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-process bus, and two Redis buses (two nodes) on the test Redis under a channel prefix of their own. */
class EventBusTest {
    private static ObjectNode data(String text) {
        return Json.MAPPER.createObjectNode().put("text", text);
    }

    private static Event poll(BlockingQueue<Event> q) throws InterruptedException {
        return q.poll(5, TimeUnit.SECONDS);
    }

    @Test
    void theLocalBusDeliversToEverySubscriberUntilItUnsubscribesAndSurvivesAFailingOne() {
        try (EventBus bus = new LocalEventBus()) {
            BlockingQueue<Event> got = new LinkedBlockingQueue<>();
            bus.subscribe(e -> {
                throw new IllegalStateException("a broken subscriber");
            });
            var sub = bus.subscribe(got::add);
            Event e = new Event("test.hello", Audience.of(List.of(1L, 2L)), data("hi"));
            bus.publish(e);
            assertThat(got).containsExactly(e);
            sub.close();
            bus.publish(e);
            assertThat(got).hasSize(1);
        }
    }

    @Test
    void withoutRedisTheConfigGivesTheLocalBusAndABadRedisUriStopsTheStart() {
        Config config = TestDatabases.sqliteConfig();
        try (EventBus bus = RedisEventBus.open(config)) {
            assertThat(bus).isInstanceOf(LocalEventBus.class);
        }
        assertThatThrownBy(() -> RedisEventBus.open(config.with(Map.of("cluster.redis", "http://nowhere"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.redis");
        // Nothing listens on port 1; the password in the URI is not repeated in the message.
        assertThatThrownBy(() -> RedisEventBus.open(config.with(Map.of("cluster.redis", "redis://:s3cret@127.0.0.1:1"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot connect").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisEventBus.open(config.with(Map.of("cluster.channel-prefix", "a b"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.channel-prefix");
    }

    @Test
    void anEventPublishedOnOneNodeReachesTheOtherOnceAndItsOwnNodeOnce() throws Exception {
        String prefix = TestRedis.uniquePrefix();
        Config config = TestDatabases.sqliteConfig().with(TestRedis.cluster(prefix));
        try (EventBus a = RedisEventBus.open(config); EventBus b = RedisEventBus.open(config);
             EventBus other = RedisEventBus.open(config.with(Map.of("cluster.channel-prefix", TestRedis.uniquePrefix())))) {
            assertThat(a.nodeId()).isNotEqualTo(b.nodeId());
            BlockingQueue<Event> onA = new LinkedBlockingQueue<>();
            BlockingQueue<Event> onB = new LinkedBlockingQueue<>();
            BlockingQueue<Event> onOther = new LinkedBlockingQueue<>();
            a.subscribe(onA::add);
            b.subscribe(onB::add);
            other.subscribe(onOther::add);

            Event sent = new Event("chat.message.created", Audience.of(List.of(7L, 9L)), data("héllo ✓"),
                    Optional.of("chat.message:42"));
            a.publish(sent);
            assertThat(poll(onA)).isEqualTo(sent);
            assertThat(poll(onB)).isEqualTo(sent);
            Event everyone = new Event("presence.changed", Audience.all(), data("x"));
            b.publish(everyone);
            assertThat(poll(onB)).isEqualTo(everyone);
            assertThat(poll(onA)).isEqualTo(everyone);

            // A's own copy came back from Redis too, and was skipped; the other prefix saw nothing.
            Event marker = new Event("test.marker", Audience.nobody(), data("end"));
            b.publish(marker);
            assertThat(poll(onA)).isEqualTo(marker);
            assertThat(onA).isEmpty();
            assertThat(onB.poll(Duration.ofMillis(200).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(marker);
            assertThat(onB).isEmpty();
            assertThat(onOther).isEmpty();
        }
    }
}
