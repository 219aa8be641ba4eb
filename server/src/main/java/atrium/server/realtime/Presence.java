package atrium.server.realtime;

import atrium.core.AtriumException;
import atrium.core.Msg;
import atrium.core.bus.Audience;
import atrium.core.bus.Event;
import atrium.core.bus.EventBus;
import atrium.core.http.Json;
import atrium.identity.Caller;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Who is connected, across nodes. Each node counts its own connections per account and
 * publishes a {@code presence.node} event (to no client) when an account comes, goes or changes
 * status there; every node keeps the latest word of every node and tells its own clients
 * ({@code presence.changed}) when a person's overall status changes. A node starting asks the
 * others for their state ({@code presence.sync}); a node stopping says its people are gone.
 * Every node repeats what it has to say each heartbeat; what a node has not repeated for three
 * heartbeats (it crashed, or lost Redis) is forgotten, and its people go offline elsewhere.
 */
public final class Presence implements AutoCloseable {
    private static final String NODE = "presence.node";
    private static final String SYNC = "presence.sync";

    /** Highest first: a person on two nodes shows the stronger status (do-not-disturb wins). */
    public enum Status { DND, ONLINE, AWAY, OFFLINE;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record Entry(String login, Status status) {
    }

    private record Local(String login, int connections, Status status) {
    }

    /** What a node said, and when (System.nanoTime) it last said it. */
    private record Heard(Entry entry, long at) {
    }

    private final EventBus bus;
    private final long heartbeatNanos;
    private final ScheduledExecutorService heartbeat;
    private final Consumer<Event> toLocalClients;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, Local> local = new HashMap<>();
    /** account → node → what that node last said. */
    private final Map<Long, Map<String, Heard>> cluster = new HashMap<>();
    private final EventBus.Subscription subscription;

    Presence(EventBus bus, Consumer<Event> toLocalClients, Duration heartbeatEvery) {
        this.bus = bus;
        this.toLocalClients = toLocalClients;
        this.heartbeatNanos = heartbeatEvery.toNanos();
        this.subscription = bus.subscribe(this::onEvent);
        bus.publish(new Event(SYNC, Audience.nobody(), Json.MAPPER.createObjectNode().put("node", bus.nodeId())));
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("presence-heartbeat").factory());
        heartbeat.scheduleAtFixedRate(this::beat, heartbeatNanos, heartbeatNanos, TimeUnit.NANOSECONDS);
    }

    /** Repeats this node's word, and forgets the word of nodes silent for three heartbeats. */
    private void beat() {
        try {
            announceAll();
            long cutoff = System.nanoTime() - 3 * heartbeatNanos;
            List<Entry> gone = new java.util.ArrayList<>();
            lock.lock();
            try {
                for (var it = cluster.entrySet().iterator(); it.hasNext(); ) {
                    var account = it.next();
                    String login = account.getValue().values().iterator().next().entry().login();
                    account.getValue().values().removeIf(h -> h.at() - cutoff < 0);
                    if (account.getValue().isEmpty()) {
                        it.remove();
                        gone.add(new Entry(login, Status.OFFLINE));
                    }
                }
            } finally {
                lock.unlock();
            }
            gone.forEach(e -> toLocalClients.accept(changed(e.login(), Status.OFFLINE)));
        } catch (RuntimeException e) {
            java.util.logging.Logger.getLogger(Presence.class.getName()).warning("presence heartbeat failed: " + e);
        }
    }

    private static Event changed(String login, Status status) {
        return new Event("presence.changed", Audience.all(),
                Json.MAPPER.createObjectNode().put("login", login).put("status", status.tag()));
    }

    void connected(Caller c) {
        Local now;
        lock.lock();
        try {
            Local before = local.get(c.id().value());
            now = before == null ? new Local(c.login(), 1, Status.ONLINE)
                    : new Local(before.login(), before.connections() + 1, before.status());
            local.put(c.id().value(), now);
        } finally {
            lock.unlock();
        }
        if (now.connections() == 1) {
            announce(c.id().value(), now.login(), now.status());
        }
    }

    void disconnected(Caller c) {
        boolean gone;
        lock.lock();
        try {
            Local before = local.get(c.id().value());
            if (before == null) {
                return;
            }
            gone = before.connections() <= 1;
            if (gone) {
                local.remove(c.id().value());
            } else {
                local.put(c.id().value(), new Local(before.login(), before.connections() - 1, before.status()));
            }
        } finally {
            lock.unlock();
        }
        if (gone) {
            announce(c.id().value(), c.login(), Status.OFFLINE);
        }
    }

    /** A client's {@code presence} frame: online, away or dnd for all of the person's tabs on this node. */
    void set(Caller c, String status) {
        Status s = switch (status) {
            case "online" -> Status.ONLINE;
            case "away" -> Status.AWAY;
            case "dnd" -> Status.DND;
            default -> throw new AtriumException.Invalid(Msg.of("server.ws.presence-status", status));
        };
        lock.lock();
        try {
            Local before = local.get(c.id().value());
            if (before == null) {
                return;
            }
            local.put(c.id().value(), new Local(before.login(), before.connections(), s));
        } finally {
            lock.unlock();
        }
        announce(c.id().value(), c.login(), s);
    }

    /** This node's word on everyone connected to it, as it stands. */
    private void announceAll() {
        List<Map.Entry<Long, Local>> mine;
        lock.lock();
        try {
            mine = List.copyOf(local.entrySet());
        } finally {
            lock.unlock();
        }
        mine.forEach(m -> announce(m.getKey(), m.getValue().login(), m.getValue().status()));
    }

    private void announce(long account, String login, Status status) {
        ObjectNode d = Json.MAPPER.createObjectNode().put("node", bus.nodeId()).put("account", account)
                .put("login", login).put("status", status.tag());
        bus.publish(new Event(NODE, Audience.nobody(), d));
    }

    private void onEvent(Event e) {
        if (e.type().equals(SYNC)) {
            if (!e.data().path("node").asText().equals(bus.nodeId())) {
                announceAll();
            }
        } else if (e.type().equals(NODE)) {
            long account = e.data().path("account").asLong();
            String login = e.data().path("login").asText();
            Status s = Status.valueOf(e.data().path("status").asText().toUpperCase(Locale.ROOT));
            Status before;
            Status after;
            lock.lock();
            try {
                before = overall(account);
                Map<String, Heard> nodes = cluster.computeIfAbsent(account, k -> new HashMap<>());
                if (s == Status.OFFLINE) {
                    nodes.remove(e.data().path("node").asText());
                    if (nodes.isEmpty()) {
                        cluster.remove(account);
                    }
                } else {
                    nodes.put(e.data().path("node").asText(), new Heard(new Entry(login, s), System.nanoTime()));
                }
                after = overall(account);
            } finally {
                lock.unlock();
            }
            if (before != after) {
                toLocalClients.accept(changed(login, after));
            }
        }
    }

    private Status overall(long account) {
        return cluster.getOrDefault(account, Map.of()).values().stream().map(h -> h.entry().status())
                .min(Comparator.naturalOrder()).orElse(Status.OFFLINE);
    }

    /** Everyone connected somewhere, by login. */
    public List<Entry> online() {
        lock.lock();
        try {
            return cluster.entrySet().stream().map(e -> new Entry(
                            e.getValue().values().iterator().next().entry().login(), overall(e.getKey())))
                    .sorted(Comparator.comparing(Entry::login)).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Tells the other nodes that this one's people are gone. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        List<Map.Entry<Long, Local>> mine;
        lock.lock();
        try {
            mine = List.copyOf(local.entrySet());
            local.clear();
        } finally {
            lock.unlock();
        }
        mine.forEach(m -> announce(m.getKey(), m.getValue().login(), Status.OFFLINE));
        subscription.close();
    }
}
