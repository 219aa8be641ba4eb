package atrium.core.bus;

import atrium.core.Config;
import atrium.core.http.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The bus across nodes: an event is delivered here at once, and published as JSON on one Redis
 * pub/sub channel with this node's id; every other node delivers it to its own subscribers,
 * and this node skips its own copy when Redis echoes it back. Redis pub/sub keeps no history:
 * a node that is cut off misses events, and its clients catch up from the database when they
 * reconnect (docs/api/realtime.md).
 */
public final class RedisEventBus implements EventBus {
    private static final Logger LOG = Logger.getLogger(RedisEventBus.class.getName());

    private final LocalEventBus local;
    private final RedisClient client;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    private final StatefulRedisConnection<String, String> publisher;
    private final String channel;
    /** The newest publish: Redis answers in order, so when it is done all before it are. */
    private volatile CompletableFuture<Long> lastPublish = CompletableFuture.completedFuture(0L);

    private RedisEventBus(LocalEventBus local, RedisClient client, StatefulRedisPubSubConnection<String, String> subscriber,
                          StatefulRedisConnection<String, String> publisher, String channel) {
        this.local = local;
        this.client = client;
        this.subscriber = subscriber;
        this.publisher = publisher;
        this.channel = channel;
    }

    /** The bus the configuration asks for: across nodes through Redis when {@code cluster.redis} is set, else in-process. */
    public static EventBus open(Config config) {
        String prefix = config.string("cluster.channel-prefix");
        if (!prefix.matches("[A-Za-z0-9:._-]{1,100}")) {
            throw config.bad("cluster.channel-prefix", "letters, digits and : . _ - only, at most 100");
        }
        Optional<String> uri = config.optional("cluster.redis");
        if (uri.isEmpty()) {
            return new LocalEventBus();
        }
        RedisURI parsed;
        try {
            parsed = RedisURI.create(uri.get());
        } catch (IllegalArgumentException e) {
            throw config.bad("cluster.redis", "not a Redis URI such as redis://127.0.0.1:6379 (" + e.getMessage() + ")");
        }
        try {
            return connect(parsed, prefix + "events");
        } catch (RedisException e) {
            throw config.bad("cluster.redis", "cannot connect: " + e.getMessage());
        }
    }

    static RedisEventBus connect(RedisURI uri, String channel) {
        uri.setTimeout(Duration.ofSeconds(5));
        RedisClient client = RedisClient.create(uri);
        LocalEventBus local = new LocalEventBus(UUID.randomUUID().toString());
        StatefulRedisPubSubConnection<String, String> sub = null;
        try {
            sub = client.connectPubSub();
            StatefulRedisConnection<String, String> pub = client.connect();
            RedisEventBus bus = new RedisEventBus(local, client, sub, pub, channel);
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String ch, String message) {
                    if (ch.equals(channel)) {
                        bus.received(message);
                    }
                }
            });
            sub.sync().subscribe(channel);
            return bus;
        } catch (RuntimeException e) {
            if (sub != null) {
                sub.close();
            }
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            throw e;
        }
    }

    @Override
    public String nodeId() {
        return local.nodeId();
    }

    @Override
    public void publish(Event event) {
        local.deliver(event);
        ObjectNode envelope = Json.MAPPER.createObjectNode();
        envelope.put("node", nodeId());
        envelope.put("type", event.type());
        envelope.put("everyone", event.audience().everyone());
        var accounts = envelope.putArray("accounts");
        event.audience().accounts().forEach(accounts::add);
        event.key().ifPresent(k -> envelope.put("key", k));
        envelope.set("data", event.data());
        // Asynchronous: a request does not wait for Redis. Lettuce keeps the order of one connection's commands.
        lastPublish = publisher.async().publish(channel, envelope.toString()).toCompletableFuture().exceptionally(e -> {
            LOG.warning("publishing " + event.type() + " to Redis failed: " + e);
            return 0L;
        });
    }

    private void received(String message) {
        try {
            JsonNode n = Json.MAPPER.readTree(message);
            if (nodeId().equals(n.path("node").asText())) {
                return;
            }
            List<Long> accounts = new ArrayList<>();
            n.path("accounts").forEach(a -> accounts.add(a.asLong()));
            Audience audience = n.path("everyone").asBoolean() ? Audience.all() : Audience.of(accounts);
            Optional<String> key = n.hasNonNull("key") ? Optional.of(n.get("key").asText()) : Optional.empty();
            if (!(n.get("data") instanceof ObjectNode data) || !n.hasNonNull("type")) {
                throw new IllegalArgumentException("no type or data");
            }
            local.deliver(new Event(n.get("type").asText(), audience, data, key));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            LOG.log(Level.WARNING, "ignoring a malformed event from Redis channel " + channel, e);
        }
    }

    @Override
    public Subscription subscribe(Consumer<Event> s) {
        return local.subscribe(s);
    }

    /** Waits (a little) for what was published to reach Redis: a stopping node's last word is that its people left. */
    @Override
    public void close() {
        try {
            lastPublish.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warning("Redis did not take the last events before closing: " + e);
        }
        subscriber.close();
        publisher.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        local.close();
    }
}
