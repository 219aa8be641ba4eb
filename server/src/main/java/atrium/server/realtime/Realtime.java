package atrium.server.realtime;

import atrium.core.Config;
import atrium.core.bus.Audience;
import atrium.core.bus.Event;
import atrium.core.bus.EventBus;
import atrium.core.bus.RealtimeSource;
import atrium.core.bus.Visitor;
import atrium.core.http.AddressRanges;
import atrium.core.http.Json;
import atrium.identity.Caller;
import atrium.identity.SessionEnds;
import atrium.identity.SessionState;
import atrium.identity.SignInService;
import atrium.identity.http.Authentication;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code /ws} endpoint: one WebSocket per browser tab, signed in by the session cookie,
 * carrying to each connection the bus events its account may see (docs/api/realtime.md,
 * docs/adr/0021-event-bus-and-websocket.md).
 */
public final class Realtime implements AutoCloseable {
    public static final String PATH = "/ws";
    static final int CLOSE_UNAUTHORIZED = 4401;
    static final int CLOSE_TOO_SLOW = 4429;
    /**
     * Sessions that ended (identity's {@link SessionEnds}), on the bus so that every node closes
     * their sockets; addressed to the account, never sent as a frame.
     */
    static final String SESSION_ENDED = "identity.session.ended";

    /** Who a new connection is, or why it is refused (a close code and its reason). */
    record Admission(Optional<Caller> caller, Optional<Visitor> visitor, int closeCode, String closeReason) {
        boolean admitted() {
            return caller.isPresent() || visitor.isPresent();
        }
    }


    private final EventBus bus;
    private final SignInService signIn;
    private final AddressRanges trustedProxies;
    private final Map<String, RealtimeSource> sources = new HashMap<>();
    private final Map<String, RealtimeSource> frameTypes = new HashMap<>();
    private final int maxFrameBytes;
    private final int queueFrames;
    private final Map<Long, Set<Connection>> byAccount = new ConcurrentHashMap<>();
    private final Presence presence;
    private final EventBus.Subscription subscription;

    public Realtime(Config config, EventBus bus, SignInService signIn, SessionEnds sessionEnds, AddressRanges trustedProxies,
                    List<RealtimeSource> sources) {
        this.bus = bus;
        this.signIn = signIn;
        this.trustedProxies = trustedProxies;
        this.maxFrameBytes = config.integer("realtime.max-frame-bytes", 1024, 1 << 20);
        this.queueFrames = config.integer("realtime.queue-frames", 16, 1_000_000);
        for (RealtimeSource s : sources) {
            this.sources.put(s.name(), s);
            s.frameTypes().forEach(t -> frameTypes.put(t, s));
        }
        double beat = config.decimal("realtime.presence-heartbeat-seconds", 0.05, 3600);
        this.presence = new Presence(bus, this::deliverToAll, java.time.Duration.ofMillis(Math.round(beat * 1000)));
        this.subscription = bus.subscribe(this::onEvent);
        sessionEnds.listen(e -> {
            ObjectNode d = Json.MAPPER.createObjectNode();
            e.only().ifPresent(id -> d.put("session", id));
            e.except().ifPresent(id -> d.put("except", id));
            bus.publish(new Event(SESSION_ENDED, Audience.of(List.of(e.account().value())), d));
        });
    }

    /** Whether a {@link #SESSION_ENDED} event names this session. */
    static boolean endedSession(Event e, long session) {
        JsonNode d = e.data();
        return d.has("session") ? d.get("session").asLong() == session
                : !d.has("except") || d.get("except").asLong() != session;
    }

    /** The WebSocket routing for the app listener. */
    public WsRouting.Builder routing() {
        return WsRouting.builder().endpoint(PATH, () -> new Connection(this, queueFrames));
    }

    /**
     * Helidon's own frame limit, above ours: a frame between the two gets an error frame and the
     * connection stays; only a frame past this one is closed by Helidon (1009).
     */
    public WsConfig protocolConfig() {
        return WsConfig.builder().name("websocket").maxFrameLength(Math.max(4 * maxFrameBytes, 1 << 20)).build();
    }

    public Presence presence() {
        return presence;
    }

    String nodeId() {
        return bus.nodeId();
    }

    int maxFrameBytes() {
        return maxFrameBytes;
    }

    Optional<RealtimeSource> source(String name) {
        return Optional.ofNullable(sources.get(name));
    }

    Optional<RealtimeSource> sourceFor(String frameType) {
        return Optional.ofNullable(frameTypes.get(frameType));
    }

    /**
     * A browser session (the cookie a page on this site holds), fully signed in. A page of another
     * site never gets here: Helidon refuses the handshake (403) when its Origin does not name the Host.
     */
    Admission admit(Headers headers, SocketAddress peer) {
        String peerAddress = peer instanceof InetSocketAddress isa && isa.getAddress() != null
                ? isa.getAddress().getHostAddress() : String.valueOf(peer);
        boolean viaProxy = trustedProxies.contains(peerAddress);
        String address = viaProxy ? headers.first(HeaderNames.X_FORWARDED_FOR)
                .map(v -> v.substring(v.lastIndexOf(',') + 1).strip()).orElse(peerAddress) : peerAddress;
        Optional<Caller> caller = sessionToken(headers).flatMap(t -> signIn.fromSessionToken(t, address))
                .filter(c -> c.session().map(s -> s.state() == SessionState.SIGNED_IN).orElse(false));
        if (caller.isPresent()) {
            return new Admission(caller, Optional.empty(), 0, "");
        }
        Map<String, String> cookies = cookies(headers);
        for (RealtimeSource s : sources.values()) {
            Optional<Visitor> v = s.visitor(cookies);
            if (v.isPresent()) {
                return new Admission(Optional.empty(), v, 0, "");
            }
        }
        return new Admission(Optional.empty(), Optional.empty(), CLOSE_UNAUTHORIZED, "sign in first");
    }

    private static Map<String, String> cookies(Headers headers) {
        Map<String, String> out = new HashMap<>();
        for (String header : headers.all(HeaderNames.COOKIE, List::of)) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    out.putIfAbsent(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
                }
            }
        }
        return out;
    }

    private static Optional<String> sessionToken(Headers headers) {
        return Optional.ofNullable(cookies(headers).get(Authentication.SESSION_COOKIE));
    }

    void register(Connection c) {
        byAccount.computeIfAbsent(c.account(), k -> ConcurrentHashMap.newKeySet()).add(c);
        c.caller().ifPresent(presence::connected);
    }

    /** Idempotent: a connection may be dropped and then report its close. */
    void unregister(Connection c) {
        Set<Connection> set = byAccount.get(c.account());
        if (set != null && set.remove(c)) {
            byAccount.computeIfPresent(c.account(), (k, v) -> v.isEmpty() ? null : v);
            c.caller().ifPresent(presence::disconnected);
        }
    }

    static String frame(Event e) {
        ObjectNode f = Json.MAPPER.createObjectNode().put("type", e.type());
        f.set("data", e.data());
        return f.toString();
    }

    private void onEvent(Event e) {
        if (!e.audience().everyone() && e.audience().accounts().isEmpty()) {
            return;
        }
        String frame = frame(e);
        if (e.audience().everyone()) {
            deliverToPeople(e, frame);
        } else {
            for (Long account : e.audience().accounts()) {
                Set<Connection> set = byAccount.get(account);
                if (set != null) {
                    set.forEach(c -> c.deliver(e, frame));
                }
            }
        }
    }

    /** To this node's connections only: each node computes presence for its own clients. */
    private void deliverToAll(Event e) {
        deliverToPeople(e, frame(e));
    }

    /** "Everyone" is every signed-in person: visitors never hear of the firm's people. */
    private void deliverToPeople(Event e, String frame) {
        byAccount.values().forEach(set -> set.forEach(c -> {
            if (c.caller().isPresent()) {
                c.deliver(e, frame);
            }
        }));
    }

    /** {@code GET /api/v1/presence}: who is connected, on any node, with their status. */
    public HttpService presenceRoutes(Authentication auth) {
        return rules -> rules.get("/presence", (req, res) -> {
            auth.require(req);
            Json.ok(res, Map.of("users", presence.online().stream()
                    .map(e -> Map.of("login", e.login(), "status", e.status().tag(), "text", e.text())).toList()));
        });
    }

    @Override
    public void close() {
        subscription.close();
        presence.close();
    }
}
