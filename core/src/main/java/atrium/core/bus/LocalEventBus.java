package atrium.core.bus;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The bus inside one process: a publish calls every subscriber in turn, on the publisher's thread. */
public final class LocalEventBus implements EventBus {
    private static final Logger LOG = Logger.getLogger(LocalEventBus.class.getName());

    private final String nodeId;
    private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();

    public LocalEventBus() {
        this(UUID.randomUUID().toString());
    }

    LocalEventBus(String nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void publish(Event event) {
        deliver(event);
    }

    /** One failing subscriber must not keep the event from the others. */
    void deliver(Event event) {
        for (Consumer<Event> s : subscribers) {
            try {
                s.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "event subscriber failed on " + event.type(), e);
            }
        }
    }

    @Override
    public Subscription subscribe(Consumer<Event> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    @Override
    public void close() {
        subscribers.clear();
    }
}
