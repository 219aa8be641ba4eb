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
import java.util.Optional;
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

    /** A person's status and status text ("" for none); {@code textAt} says which text is newest across nodes. */
    public record Entry(String login, Status status, String text, long textAt) {
    }

    private record Local(String login, int connections, Status status, String text, long textAt) {
        Local withConnections(int n) {
            return new Local(login, n, status, text, textAt);
        }
    }

    /** Longest status text, in characters (code points). */
    static final int MAX_TEXT = 100;

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
                        gone.add(new Entry(login, Status.OFFLINE, "", 0));
                    }
                }
            } finally {
                lock.unlock();
            }
            gone.forEach(e -> toLocalClients.accept(changed(e)));
        } catch (RuntimeException e) {
            java.util.logging.Logger.getLogger(Presence.class.getName()).warning("presence heartbeat failed: " + e);
        }
    }

    private static Event changed(Entry e) {
        return new Event("presence.changed", Audience.all(),
                Json.MAPPER.createObjectNode().put("login", e.login()).put("status", e.status().tag()).put("text", e.text()));
    }

    void connected(Caller c) {
        Local now;
        lock.lock();
        try {
            Local before = local.get(c.id().value());
            now = before == null ? new Local(c.login(), 1, Status.ONLINE, "", 0)
                    : before.withConnections(before.connections() + 1);
            local.put(c.id().value(), now);
        } finally {
            lock.unlock();
        }
        if (now.connections() == 1) {
            announce(c.id().value(), now);
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
                local.put(c.id().value(), before.withConnections(before.connections() - 1));
            }
        } finally {
            lock.unlock();
        }
        if (gone) {
            announceOffline(c.id().value(), c.login());
        }
    }

    /**
     * A client's {@code presence} frame: online, away or dnd, and a status text ("" clears it),
     * for all of the person's tabs on this node; what the frame leaves out stays as it was.
     */
    void set(Caller c, Optional<String> status, Optional<String> text) {
        Optional<Status> s = status.map(tag -> switch (tag) {
            case "online" -> Status.ONLINE;
            case "away" -> Status.AWAY;
            case "dnd" -> Status.DND;
            default -> throw new AtriumException.Invalid(Msg.of("server.ws.presence-status", tag));
        });
        Optional<String> t = text.map(Presence::text);
        if (s.isEmpty() && t.isEmpty()) {
            throw new AtriumException.Invalid(Msg.of("server.ws.presence-empty"));
        }
        Local now;
        lock.lock();
        try {
            Local before = local.get(c.id().value());
            if (before == null) {
                return;
            }
            now = new Local(before.login(), before.connections(), s.orElse(before.status()), t.orElse(before.text()),
                    t.isPresent() ? System.currentTimeMillis() : before.textAt());
            local.put(c.id().value(), now);
        } finally {
            lock.unlock();
        }
        announce(c.id().value(), now);
    }

    /** A status text as kept: trimmed, at most {@link #MAX_TEXT} characters, on one line; emoji welcome. */
    static String text(String raw) {
        String t = raw.strip();
        int length = t.codePointCount(0, t.length());
        if (length > MAX_TEXT) {
            throw new AtriumException.Invalid(Msg.of("server.ws.presence-text-long", length, MAX_TEXT));
        }
        if (t.codePoints().anyMatch(cp -> Character.getType(cp) == Character.CONTROL)) {
            throw new AtriumException.Invalid(Msg.of("server.ws.presence-text-control"));
        }
        return t;
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
        mine.forEach(m -> announce(m.getKey(), m.getValue()));
    }

    private void announce(long account, Local l) {
        publish(account, l.login(), l.status(), l.text(), l.textAt());
    }

    private void announceOffline(long account, String login) {
        publish(account, login, Status.OFFLINE, "", 0);
    }

    private void publish(long account, String login, Status status, String text, long textAt) {
        ObjectNode d = Json.MAPPER.createObjectNode().put("node", bus.nodeId()).put("account", account)
                .put("login", login).put("status", status.tag()).put("text", text).put("textAt", textAt);
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
            Entry heard = new Entry(login, s, e.data().path("text").asText(""), e.data().path("textAt").asLong(0));
            Entry before;
            Entry after;
            lock.lock();
            try {
                before = overall(account, login);
                Map<String, Heard> nodes = cluster.computeIfAbsent(account, k -> new HashMap<>());
                if (s == Status.OFFLINE) {
                    nodes.remove(e.data().path("node").asText());
                    if (nodes.isEmpty()) {
                        cluster.remove(account);
                    }
                } else {
                    nodes.put(e.data().path("node").asText(), new Heard(heard, System.nanoTime()));
                }
                after = overall(account, login);
            } finally {
                lock.unlock();
            }
            if (before.status() != after.status() || !before.text().equals(after.text())) {
                toLocalClients.accept(changed(after));
            }
        }
    }

    /** The strongest status any node has for the person, and the text set last on any of them. */
    private Entry overall(long account, String login) {
        var heard = cluster.getOrDefault(account, Map.of()).values();
        Status status = heard.stream().map(h -> h.entry().status()).min(Comparator.naturalOrder()).orElse(Status.OFFLINE);
        Entry latest = heard.stream().map(Heard::entry).max(Comparator.comparingLong(Entry::textAt)).orElse(null);
        return new Entry(login, status, latest == null ? "" : latest.text(), latest == null ? 0 : latest.textAt());
    }

    /** Everyone connected somewhere, by login. */
    public List<Entry> online() {
        lock.lock();
        try {
            return cluster.entrySet().stream()
                    .map(e -> overall(e.getKey(), e.getValue().values().iterator().next().entry().login()))
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
        mine.forEach(m -> announceOffline(m.getKey(), m.getValue().login()));
        subscription.close();
    }
}
