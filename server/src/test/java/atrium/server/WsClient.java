package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A browser tab's WebSocket to /ws, with the JDK's client: sends the session cookie of a
 * signed-in {@link TestClient}, keeps every frame received in order, and knows how it was closed.
 */
final class WsClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);

    final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket ws;
    private final boolean reading;

    private WsClient(String base, Map<String, String> headers, boolean reading) {
        this.reading = reading;
        HttpClient http = HttpClient.newBuilder().sslContext(TestClient.trustAll()).build();
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(b::header);
        String url = base.replaceFirst("^http", "ws") + "/ws";
        try {
            this.ws = b.buildAsync(URI.create(url), new Listener()).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("cannot open " + url, e);
        }
    }

    /** Connects as the client's signed-in person, and waits for the hello. */
    static WsClient open(TestServer server, TestClient signedIn) {
        WsClient c = raw(server, Map.of("Cookie", "atrium_session=" + signedIn.cookie("atrium_session").orElseThrow().getValue()));
        assertThat(c.next().get("type").asText()).isEqualTo("hello");
        return c;
    }

    /** Connects as the client's person and subscribes, catching up from {@code since} when given. */
    static WsClient subscribed(TestServer server, TestClient signedIn, String... chatSince) {
        WsClient c = open(server, signedIn);
        c.send(chatSince.length == 0 ? "{\"type\":\"subscribe\"}"
                : "{\"type\":\"subscribe\",\"since\":{\"chat\":\"" + chatSince[0] + "\"}}");
        c.nextOfType("caught-up");
        return c;
    }

    /** The HTTP status of a handshake the server refuses. */
    static int refusedHandshake(TestServer server, Map<String, String> headers) {
        try {
            new WsClient(server.baseUrl(), headers, true).close();
        } catch (AssertionError e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.net.http.WebSocketHandshakeException h) {
                    return h.getResponse().statusCode();
                }
            }
            throw e;
        }
        throw new AssertionError("the handshake succeeded");
    }

    static WsClient raw(TestServer server, Map<String, String> headers) {
        return new WsClient(server.baseUrl(), headers, true);
    }

    /** A client that reads its first frame and then nothing more: the server's writes back up. */
    static WsClient nonReading(TestServer server, TestClient signedIn) {
        return new WsClient(server.baseUrl(),
                Map.of("Cookie", "atrium_session=" + signedIn.cookie("atrium_session").orElseThrow().getValue()), false);
    }

    void resumeReading() {
        ws.request(Long.MAX_VALUE);
    }

    void send(String text) {
        ws.sendText(text, true).join();
    }

    JsonNode next() {
        try {
            JsonNode f = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (f == null) {
                throw new AssertionError("no frame within " + WAIT + (closeCode.isDone() ? " (closed " + closeCode.join() + ")" : ""));
            }
            return f;
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** The next frame of this type, skipping others (presence, pong). */
    JsonNode nextOfType(String type) {
        return nextMatching(f -> f.path("type").asText().equals(type));
    }

    /** The status in the next {@code presence.changed} about this login. */
    String nextPresenceOf(String login) {
        return nextMatching(f -> f.path("type").asText().equals("presence.changed")
                && f.path("data").path("login").asText().equals(login)).get("data").get("status").asText();
    }

    JsonNode nextMatching(Predicate<JsonNode> p) {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            JsonNode f = next();
            if (p.test(f)) {
                return f;
            }
        }
        throw new AssertionError("no matching frame within " + WAIT);
    }

    /** The frames of these types received until a pong answers a ping sent now: nothing else can be in flight. */
    List<JsonNode> drain(String... types) {
        send("{\"type\":\"ping\",\"id\":\"drain\"}");
        List<JsonNode> out = new ArrayList<>();
        while (true) {
            JsonNode f = next();
            if (f.path("type").asText().equals("pong") && f.path("re").asText().equals("drain")) {
                return out;
            }
            if (types.length == 0 || List.of(types).contains(f.path("type").asText())) {
                out.add(f);
            }
        }
    }

    int awaitClose() {
        try {
            return closeCode.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("not closed within " + WAIT, e);
        }
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    frames.add(TestClient.JSON.readTree(text.toString()));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                text.setLength(0);
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(1006);
        }
    }
}
