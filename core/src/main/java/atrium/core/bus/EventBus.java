package atrium.core.bus;

import java.util.function.Consumer;

/**
 * Publish and subscribe between the parts of Atrium, and between nodes when Redis is
 * configured (docs/adr/0021-event-bus-and-websocket.md). Every subscriber on every node gets
 * every event once, its own node's included. Subscribers are called on the publisher's
 * thread or on the Redis client's thread: they must not block (the WebSocket layer only
 * queues).
 */
public interface EventBus extends AutoCloseable {
    /** This node's name, unique per process, so that a node tells its own events from others'. */
    String nodeId();

    void publish(Event event);

    /** Until the returned handle is closed. */
    Subscription subscribe(Consumer<Event> subscriber);

    @Override
    void close();

    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
