package atrium.server.realtime;

import atrium.core.AtriumException;
import atrium.identity.Notifications;
import atrium.core.Language;
import atrium.core.Msg;
import atrium.core.bus.Event;
import atrium.core.bus.RealtimeSource;
import atrium.core.bus.Visitor;
import atrium.core.http.Json;
import atrium.identity.Caller;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One browser tab's WebSocket. Frames to the client go through a bounded queue written by a
 * virtual thread of its own, so a slow reader never holds up the bus or the other connections;
 * when the queue is full the connection is dropped (4429) and the client reconnects and catches
 * up. Events flow only after the client's {@code subscribe}, which first sends what it missed.
 */
final class Connection implements WsListener {
    private static final Logger LOG = Logger.getLogger(Connection.class.getName());
    /** Most events sent on one subscribe; past it the client reloads (caught-up says complete: false). */
    static final int CATCH_UP_LIMIT = 1000;
    private static final String CLOSE_TOO_SLOW = "\u0000too-slow";
    private static final String STOP = "\u0000stop";
    /** RFC 6455's "internal error": the server failed opening the connection; the client retries later. */
    private static final int CLOSE_INTERNAL = 1011;
    private static final String CLOSE_ENDED = "\u0000ended";

    private enum State { NEW, CATCHING_UP, LIVE, CLOSED }

    private final Realtime hub;
    private final BlockingQueue<String> queue;
    private final ReentrantLock lock = new ReentrantLock();
    private State state = State.NEW;
    private List<Event> pending = List.of();
    private Headers upgradeHeaders;
    private Language language = Language.EN;
    private WsSession session;
    /** Who is connected: a signed-in person, or (for chat guests) a visitor; null until admitted. */
    private Caller caller;
    private Visitor visitor;
    private Thread writer;
    private final StringBuilder partial = new StringBuilder();
    private long partialBytes;

    Connection(Realtime hub, int queueFrames) {
        this.hub = hub;
        this.queue = new ArrayBlockingQueue<>(queueFrames + 1);
    }

    long account() {
        return caller != null ? caller.id().value() : visitor.id();
    }

    Optional<Caller> caller() {
        return Optional.ofNullable(caller);
    }

    private boolean admitted() {
        return caller != null || visitor != null;
    }

    /** For logs and the hello frame. */
    private String who() {
        return caller != null ? caller.login() : "guest " + visitor.id();
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
        this.upgradeHeaders = headers;
        // A visitor has no account to hold a language: the browser's is used for error frames.
        this.language = Language.fromAcceptLanguage(headers.first(io.helidon.http.HeaderNames.ACCEPT_LANGUAGE).orElse(""));
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession session) {
        this.session = session;
        try {
            open();
        } catch (RuntimeException e) {
            // Helidon would close with the exception's text as the reason, which is often longer
            // than the 125 bytes a close frame holds (a database pool timeout is): the client then
            // sees a protocol error. As for a 500: the cause is logged under a reference.
            String ref = logged("WebSocket opening failed", e);
            closed();
            session.close(CLOSE_INTERNAL, "internal error, ref=" + ref);
        }
    }

    private void open() {
        Realtime.Admission admission = hub.admit(upgradeHeaders, session.socketContext().remotePeer().address());
        if (!admission.admitted()) {
            LOG.fine(() -> "WebSocket refused: " + admission.closeReason());
            session.close(admission.closeCode(), admission.closeReason());
            return;
        }
        this.caller = admission.caller().orElse(null);
        this.visitor = admission.visitor().orElse(null);
        writer = Thread.ofVirtual().name("ws-writer-" + who()).start(this::write);
        ObjectNode hello = Json.MAPPER.createObjectNode().put("type", "hello").put("node", hub.nodeId());
        if (caller != null) {
            hello.put("login", caller.login());
        } else {
            hello.putNull("login").put("guest", visitor.name());
        }
        offer(hello.toString());
        hub.register(this);
    }

    private void write() {
        try {
            while (true) {
                String frame = queue.take();
                if (frame == STOP) {
                    return;
                }
                if (frame == CLOSE_ENDED) {
                    session.close(Realtime.CLOSE_UNAUTHORIZED, caller != null ? "signed out" : "guest session ended");
                    closed();
                    return;
                }
                if (frame == CLOSE_TOO_SLOW) {
                    session.close(Realtime.CLOSE_TOO_SLOW, "too slow: reconnect and catch up");
                    return;
                }
                session.send(frame, true);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "WebSocket write failed; the connection is gone", e);
            closed();
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        if (!admitted()) {
            return;
        }
        partialBytes += text.length() <= hub.maxFrameBytes() ? text.getBytes(StandardCharsets.UTF_8).length : text.length();
        if (partialBytes <= hub.maxFrameBytes()) {
            partial.append(text);
        }
        if (!last) {
            return;
        }
        String whole = partial.toString();
        boolean tooLarge = partialBytes > hub.maxFrameBytes();
        partial.setLength(0);
        partialBytes = 0;
        if (tooLarge) {
            error(null, "frame-too-large", Msg.of("server.ws.frame-too-large", hub.maxFrameBytes()));
            return;
        }
        JsonNode frame;
        try {
            frame = Json.MAPPER.readTree(whole);
        } catch (JsonProcessingException e) {
            frame = null;
        }
        if (!(frame instanceof ObjectNode) || !frame.path("type").isTextual()) {
            error(null, "invalid-json", Msg.of("server.ws.invalid-json"));
            return;
        }
        JsonNode re = frame.get("id");
        try {
            handle(frame.get("type").asText(), frame);
        } catch (AtriumException e) {
            error(re, e.code(), e.msg());
        } catch (RuntimeException e) {
            // As for a 500: the cause is logged under a reference, the client gets only the reference.
            String ref = logged("WebSocket frame " + frame.get("type").asText() + " of " + who() + " failed", e);
            error(re, "internal", Msg.of("core.internal", ref));
        }
    }

    /** Logs an unexpected failure under a new reference, which is all the client is told. */
    private static String logged(String what, RuntimeException e) {
        String ref = java.util.UUID.randomUUID().toString();
        LOG.log(Level.WARNING, what + ", ref=" + ref, e);
        return ref;
    }

    @Override
    public void onMessage(WsSession session, io.helidon.common.buffers.BufferData buffer, boolean last) {
        if (admitted() && last) {
            error(null, "invalid-json", Msg.of("server.ws.invalid-json"));
        }
    }

    private void handle(String type, JsonNode frame) {
        switch (type) {
            case "ping" -> {
                ObjectNode pong = Json.MAPPER.createObjectNode().put("type", "pong");
                if (frame.has("id")) {
                    pong.set("re", frame.get("id"));
                }
                offer(pong.toString());
            }
            case "subscribe" -> subscribe(frame.path("since"));
            case "presence" -> {
                if (caller == null) {
                    throw new AtriumException.Forbidden(Msg.of("server.ws.guest-presence"));
                }
                hub.presence().set(caller, textField(frame, "status"), textField(frame, "text"));
            }
            default -> hub.sourceFor(type)
                    .orElseThrow(() -> new AtriumException.Invalid("unknown-type", null, Msg.of("server.ws.unknown-type", type)))
                    .onFrame(account(), frame);
        }
    }

    /**
     * Sends what was missed since each cursor, then goes live. Events published meanwhile wait
     * in {@code pending} and are sent after, except those the catch-up already brought.
     */
    private void subscribe(JsonNode since) {
        lock.lock();
        try {
            if (state != State.NEW) {
                throw new AtriumException.Conflict(Msg.of("server.ws.already-subscribed"));
            }
            state = State.CATCHING_UP;
            pending = new ArrayList<>();
        } finally {
            lock.unlock();
        }
        boolean complete = true;
        Set<String> sentKeys = new HashSet<>();
        try {
            List<String> frames = new ArrayList<>();
            if (!since.isMissingNode() && !since.isNull()) {
                if (!since.isObject()) {
                    throw new AtriumException.Invalid(Msg.of("server.ws.since-object"));
                }
                for (Map.Entry<String, JsonNode> entry : since.properties()) {
                    RealtimeSource source = hub.source(entry.getKey()).orElseThrow(() ->
                            new AtriumException.Invalid(Msg.of("server.ws.unknown-source", entry.getKey())));
                    RealtimeSource.CatchUp c = source.since(account(), entry.getValue().asText(), CATCH_UP_LIMIT);
                    complete &= c.complete();
                    for (Event e : c.events()) {
                        e.key().ifPresent(sentKeys::add);
                        frames.add(Realtime.frame(e));
                    }
                }
            }
            frames.forEach(this::offer);
        } catch (RuntimeException e) {
            lock.lock();
            try {
                if (state == State.CATCHING_UP) {
                    state = State.NEW;
                }
                pending = List.of();
            } finally {
                lock.unlock();
            }
            throw e;
        }
        offer(Json.MAPPER.createObjectNode().put("type", "caught-up").put("complete", complete).toString());
        lock.lock();
        try {
            if (state != State.CATCHING_UP) {
                return;
            }
            for (Event e : pending) {
                if (e.key().map(sentKeys::contains).orElse(false)) {
                    continue;
                }
                offer(Realtime.frame(e));
            }
            pending = List.of();
            if (state == State.CATCHING_UP) {
                state = State.LIVE;
            }
        } finally {
            lock.unlock();
        }
    }

    /** From the bus thread: never blocks. */
    void deliver(Event event, String frame) {
        lock.lock();
        try {
            if (visitor != null && event.type().equals(Visitor.ENDED) && state != State.CLOSED) {
                end();
                return;
            }
            if (event.type().equals(Realtime.SESSION_ENDED)) {
                // Never a frame: it closes the sockets of the sessions it names, the others ignore it.
                if (caller != null && caller.session().map(s -> Realtime.endedSession(event, s.id())).orElse(false)
                        && state != State.CLOSED) {
                    end();
                }
                return;
            }
            switch (state) {
                case LIVE -> offer(frame);
                case CATCHING_UP -> {
                    pending.add(event);
                    if (pending.size() > queue.remainingCapacity()) {
                        tooSlow();
                    }
                }
                default -> {
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** A frame's text field, absent when left out or null; another type is refused. */
    private static Optional<String> textField(JsonNode frame, String field) {
        JsonNode v = frame.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw AtriumException.Invalid.field(field, Msg.of("server.ws.text-field", field));
        }
        return Optional.of(v.asText());
    }

    /** The session or guest access ended: nothing more goes out, the socket closes with 4401. */
    private void end() {
        state = State.CLOSED;
        pending = List.of();
        queue.clear();
        queue.offer(CLOSE_ENDED);
    }

    private void offer(String frame) {
        lock.lock();
        try {
            if (state == State.CLOSED) {
                return;
            }
            // One slot is kept for the close marker.
            if (queue.remainingCapacity() <= 1 || !queue.offer(frame)) {
                tooSlow();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops the connection without waiting for the client; if it does not even read the close, the socket is cut. */
    private void tooSlow() {
        state = State.CLOSED;
        pending = List.of();
        queue.clear();
        queue.offer(CLOSE_TOO_SLOW);
        LOG.info(() -> "WebSocket of " + who() + " dropped: it read too slowly");
        // Outside this connection's lock: unregistering publishes presence, which takes other connections' locks.
        Thread.ofVirtual().start(() -> {
            hub.unregister(this);
            try {
                writer.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (writer.isAlive()) {
                session.terminate();
                writer.interrupt();
            }
        });
    }

    private void error(JsonNode re, String code, Msg msg) {
        ObjectNode f = Json.MAPPER.createObjectNode().put("type", "error").put("code", code)
                .put("message", msg.text(caller != null ? Notifications.language(caller.account()) : language));
        if (re != null) {
            f.set("re", re);
        }
        offer(f.toString());
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        closed();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        LOG.log(Level.FINE, "WebSocket error", t);
        closed();
    }

    private void closed() {
        if (!admitted()) {
            return;
        }
        lock.lock();
        try {
            if (state != State.CLOSED) {
                state = State.CLOSED;
                queue.clear();
                queue.offer(STOP);
            }
        } finally {
            lock.unlock();
        }
        hub.unregister(this);
    }
}
