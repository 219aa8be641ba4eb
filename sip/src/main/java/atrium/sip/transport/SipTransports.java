package atrium.sip.transport;

import atrium.sip.Headers;
import atrium.sip.SipMessage;
import atrium.sip.SipParseException;
import atrium.sip.SipParser;
import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.StreamFramer;
import atrium.sip.Via;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The UDP, TCP and TLS transports (RFC 3261 §18), and WebSocket flows handed over by an HTTP server (RFC 7118):
 * listens, reads and frames messages, fills in received/rport on
 * requests (§18.2.1, RFC 3581 §4), answers garbage statelessly (400, 413, 416, 505, 513) or drops it, keeps stream
 * connections keyed by the remote address so that responses and later requests reuse them (§18.2.2, RFC 5923 in
 * spirit), and answers CRLF keep-alive pings (RFC 5626 §4.4.1). Blocking I/O, one virtual thread per socket.
 */
public final class SipTransports implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SipTransports.class.getName());
    private static final byte[] PING = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int CONNECT_TIMEOUT_MS = 5000;

    private final SipParser parser;
    private final SSLContext tlsClient;
    private volatile MessageSink sink;
    private volatile DatagramSocket udp;
    private final Map<Protocol, InetSocketAddress> local = new EnumMap<>(Protocol.class);
    private final Map<Protocol, ServerSocket> servers = new EnumMap<>(Protocol.class);
    /** Open stream connections and WebSocket flows by remote peer: where responses and later requests go. */
    private final Map<Peer, Channel> connections = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean closed;

    /** {@code tlsClient}: the context for TLS connections we open (its trust store decides which servers we accept). */
    public SipTransports(SipParser parser, SSLContext tlsClient) {
        this.parser = parser;
        this.tlsClient = tlsClient;
    }

    /** Binds the receiver of every inbound message; once, before listening. */
    public void deliverTo(MessageSink receiver) {
        if (sink != null) {
            throw new IllegalStateException("the transports already deliver to a receiver");
        }
        sink = receiver;
    }

    /** Listens for UDP datagrams; returns the bound address (port 0 picks one). */
    public InetSocketAddress listenUdp(InetSocketAddress at) throws IOException {
        requireSink();
        DatagramSocket socket = new DatagramSocket(at);
        socket.setReceiveBufferSize(1 << 20);
        udp = socket;
        InetSocketAddress bound = (InetSocketAddress) socket.getLocalSocketAddress();
        register(Protocol.UDP, bound, null);
        Thread.ofVirtual().name("sip-udp-" + bound.getPort()).start(() -> readDatagrams(socket));
        return bound;
    }

    /** Listens for TCP connections; returns the bound address. */
    public InetSocketAddress listenTcp(InetSocketAddress at) throws IOException {
        requireSink();
        ServerSocket server = new ServerSocket();
        server.bind(at);
        return accepting(Protocol.TCP, server);
    }

    /** Listens for TLS connections with the server certificate of {@code context}; returns the bound address. */
    public InetSocketAddress listenTls(InetSocketAddress at, SSLContext context) throws IOException {
        requireSink();
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        server.bind(at);
        return accepting(Protocol.TLS, server);
    }

    private InetSocketAddress accepting(Protocol protocol, ServerSocket server) {
        InetSocketAddress bound = (InetSocketAddress) server.getLocalSocketAddress();
        register(protocol, bound, server);
        Thread.ofVirtual().name("sip-" + protocol + "-accept-" + bound.getPort()).start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    Connection c = new Connection(new Peer(protocol, (InetSocketAddress) s.getRemoteSocketAddress()), s, true);
                    connections.put(c.peer, c);
                    Thread.ofVirtual().name("sip-" + c.peer).start(c::read);
                } catch (IOException e) {
                    if (!server.isClosed()) {
                        LOG.log(System.Logger.Level.WARNING, "SIP " + protocol + " accept failed", e);
                    }
                }
            }
        });
        return bound;
    }

    private void register(Protocol protocol, InetSocketAddress bound, ServerSocket server) {
        lock.lock();
        try {
            local.put(protocol, bound);
            if (server != null) {
                servers.put(protocol, server);
            }
        } finally {
            lock.unlock();
        }
    }

    private void requireSink() {
        if (sink == null) {
            throw new IllegalStateException("call deliverTo before listening");
        }
    }

    /** The address we listen on for {@code protocol}, if we do. */
    public Optional<InetSocketAddress> local(Protocol protocol) {
        lock.lock();
        try {
            return Optional.ofNullable(local.get(protocol));
        } finally {
            lock.unlock();
        }
    }

    /** A Via for a request we send over {@code protocol}: our listening address as sent-by, the branch, rport asked. */
    public Via via(Protocol protocol, String branch) {
        InetSocketAddress a = local(protocol).orElseThrow(() -> new IllegalStateException("not listening on " + protocol));
        InetAddress host = a.getAddress();
        String text = host.isAnyLocalAddress() ? InetAddress.getLoopbackAddress().getHostAddress() : host.getHostAddress();
        if (text.indexOf(':') >= 0) {
            text = "[" + text + "]";
        }
        return Via.parse("SIP/2.0/" + protocol + " " + text + ":" + a.getPort() + ";branch=" + branch + ";rport");
    }

    /** Sends over UDP from our listening socket, or over the connection to {@code to} (opened if needed). */
    public void send(SipMessage message, Peer to) throws IOException {
        byte[] bytes = message.toBytes();
        if (to.protocol() == Protocol.UDP) {
            DatagramSocket socket = udp;
            if (socket == null) {
                throw new IOException("not listening on UDP");
            }
            socket.send(new DatagramPacket(bytes, bytes.length, to.address()));
        } else {
            connection(to).write(bytes);
        }
    }

    /**
     * Where a response goes (RFC 3261 §18.2.2, RFC 3581 §4): back over the connection the request came on while it
     * is open; else to the top Via's received address (or sent-by host) at its rport (or sent-by port).
     */
    public Peer responseTarget(SipResponse response, Peer requestSource) {
        if (requestSource.protocol().inboundOnly()
                || requestSource.protocol().reliable() && connections.containsKey(requestSource)) {
            return requestSource; // a WebSocket peer is only reachable over its own flow (its Via host is made up)
        }
        Via via = response.topVia();
        String host = via.received().filter(r -> !r.isEmpty()).orElse(via.host());
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = via.rport().filter(p -> !p.isEmpty()).map(Integer::parseInt)
                .orElse(via.port().orElse(requestSource.protocol().defaultPort()));
        return new Peer(requestSource.protocol(), new InetSocketAddress(host, port));
    }

    /** Sends a CRLF keep-alive ping over the connection to {@code to}; completes on its pong (RFC 5626 §4.4.1). */
    public CompletableFuture<Void> ping(Peer to) throws IOException {
        if (!(connection(to) instanceof Connection c)) {
            throw new IOException("CRLF keep-alives are for TCP and TLS; WebSocket has its own pings");
        }
        CompletableFuture<Void> pong = new CompletableFuture<>();
        c.pongs.add(pong);
        c.write(PING);
        return pong;
    }

    /** Whether a stream connection to {@code peer} is open. */
    public boolean connected(Peer peer) {
        return connections.containsKey(peer);
    }

    private Channel connection(Peer to) throws IOException {
        Channel c = connections.get(to);
        if (c != null) {
            return c;
        }
        if (to.protocol().inboundOnly()) {
            throw new IOException("no open " + to.protocol() + " flow to " + to + ", and it cannot be dialled");
        }
        Socket s;
        if (to.protocol() == Protocol.TLS) {
            SSLSocket ssl = (SSLSocket) tlsClient.getSocketFactory().createSocket();
            ssl.connect(to.address(), CONNECT_TIMEOUT_MS);
            SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // check the certificate names the host we dialled
            ssl.setSSLParameters(p);
            ssl.startHandshake();
            s = ssl;
        } else {
            s = new Socket();
            s.connect(to.address(), CONNECT_TIMEOUT_MS);
        }
        s.setTcpNoDelay(true);
        Connection fresh = new Connection(to, s, false);
        Channel raced = connections.putIfAbsent(to, fresh);
        if (raced != null) {
            s.close();
            return raced;
        }
        Thread.ofVirtual().name("sip-" + to).start(fresh::read);
        return fresh;
    }

    private void readDatagrams(DatagramSocket socket) {
        byte[] buf = new byte[65535];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.log(System.Logger.Level.WARNING, "SIP UDP receive failed", e);
                }
                continue;
            }
            Peer from = Peer.udp((InetSocketAddress) p.getSocketAddress());
            if (p.getLength() <= 4 && isBlank(buf, p.getLength())) {
                continue; // a NAT keep-alive datagram (CRLF or CRLFCRLF, RFC 5626 §4.4.2 uses STUN; phones send these)
            }
            try {
                deliver(parser.parseDatagram(buf, 0, p.getLength()), from);
            } catch (SipParseException e) {
                refuse(e, from);
            }
        }
    }

    private static boolean isBlank(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != '\r' && b[i] != '\n') {
                return false;
            }
        }
        return true;
    }

    private void deliver(SipMessage m, Peer from) {
        if (m instanceof SipRequest r) {
            m = r.withHeaders(stampVia(r.headers(), r.topVia(), from));
        }
        try {
            sink.received(m, from);
        } catch (RuntimeException e) {
            // a fault in the layer above must not stop the transport from reading the next message
            LOG.log(System.Logger.Level.ERROR, "SIP message handling failed for a message from " + from, e);
        }
    }

    /** RFC 3261 §18.2.1 (received when sent-by is not the source) and RFC 3581 §4 (rport asked → received + rport). */
    private static Headers stampVia(Headers h, Via top, Peer from) {
        String ip = from.address().getAddress().getHostAddress();
        boolean sameHost = top.host().equals(ip) || top.host().equals("[" + ip + "]");
        Via stamped = top;
        if (top.rport().isPresent()) {
            stamped = stamped.withParam("received", ip).withParam("rport", Integer.toString(from.address().getPort()));
        } else if (!sameHost) {
            stamped = stamped.withParam("received", ip);
        }
        if (stamped == top) {
            return h;
        }
        List<String> vias = new ArrayList<>(h.all("Via"));
        vias.set(0, stamped.toString());
        return h.withAll("Via", vias);
    }

    /** Answers an unreadable request statelessly when its headers allow, else drops it (RFC 3261 §8.2, §18.1.2). */
    private void refuse(SipParseException e, Peer from) {
        Headers read = e.headers();
        LOG.log(System.Logger.Level.DEBUG, () -> "SIP message from " + from + " refused: " + e.status() + " " + e.reason());
        if (e.status() == 0 || !read.has("Via") || !read.has("From") || !read.has("To") || !read.has("Call-ID")
                || !read.has("CSeq")) {
            return;
        }
        Headers h = Headers.EMPTY;
        for (String name : new String[] {"Via", "From", "To", "Call-ID", "CSeq"}) {
            for (Headers.Header line : read.list()) {
                if (line.name().equals(name)) {
                    h = h.add(name, line.value());
                }
            }
        }
        try {
            h = stampVia(h, Via.parse(h.all("Via").getFirst()), from);
        } catch (SipParseException unreadableVia) {
            // answer anyway, to the source address, with the Via as it came
        }
        try {
            // always to the source: the Via of a broken request is not to be trusted for routing
            send(new SipResponse(e.status(), e.reason(), h, new byte[0]), from);
        } catch (IOException | RuntimeException sendFailed) {
            LOG.log(System.Logger.Level.DEBUG, "could not send the error response to " + from, sendFailed);
        }
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            if (udp != null) {
                udp.close();
            }
            for (ServerSocket s : servers.values()) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        } finally {
            lock.unlock();
        }
        connections.values().forEach(Channel::close);
    }

    /**
     * Attaches a SIP-over-WebSocket connection (RFC 7118) served elsewhere (the HTTP server owns the upgrade, the
     * {@code Sec-WebSocket-Protocol: sip} negotiation and the framing): feed each WebSocket message to
     * {@link Flow#received}, and {@code sender} writes each message we send as one WebSocket message.
     * {@code local} is the address the WebSocket server listens on, used as sent-by in our Vias.
     */
    public Flow attach(Protocol protocol, InetSocketAddress local, InetSocketAddress remote, Sender sender) {
        if (!protocol.inboundOnly()) {
            throw new IllegalArgumentException(protocol + " is not a WebSocket transport");
        }
        requireSink();
        lock.lock();
        try {
            this.local.putIfAbsent(protocol, local);
        } finally {
            lock.unlock();
        }
        Flow flow = new Flow(new Peer(protocol, remote), sender);
        Channel old = connections.put(flow.peer, flow);
        if (old != null) {
            old.close();
        }
        return flow;
    }

    /** Writes one WebSocket message. */
    @FunctionalInterface
    public interface Sender {
        void send(byte[] message) throws IOException;
    }

    /** Where a connection's bytes go out: a socket we read ourselves, or a WebSocket flow. */
    private sealed interface Channel permits Connection, Flow {
        void write(byte[] bytes) throws IOException;

        void close();
    }

    /** One SIP-over-WebSocket connection (RFC 7118): one SIP message per WebSocket message, both ways. */
    public final class Flow implements Channel {
        private final Peer peer;
        private final Sender sender;
        private volatile boolean open = true;

        private Flow(Peer peer, Sender sender) {
            this.peer = peer;
            this.sender = sender;
        }

        public Peer peer() {
            return peer;
        }

        /** One WebSocket message from the peer (text or binary): parsed as one SIP message (RFC 7118 §5.2). */
        public void received(byte[] message) {
            if (!open || isBlank(message, message.length)) {
                return;
            }
            try {
                deliver(parser.parseDatagram(message, 0, message.length), peer);
            } catch (SipParseException e) {
                refuse(e, peer);
            }
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            if (!open) {
                throw new IOException("WebSocket flow " + peer + " is closed");
            }
            sender.send(bytes);
        }

        /** The WebSocket closed: later sends to this peer fail until it connects again. */
        @Override
        public void close() {
            open = false;
            connections.remove(peer, this);
        }
    }

    /** A TCP or TLS connection: one reader thread, writes serialised by a lock. */
    private final class Connection implements Channel {
        final Peer peer;
        final Socket socket;
        final boolean accepted;
        final ReentrantLock writeLock = new ReentrantLock();
        final Queue<CompletableFuture<Void>> pongs = new ConcurrentLinkedQueue<>();

        Connection(Peer peer, Socket socket, boolean accepted) {
            this.peer = peer;
            this.socket = socket;
            this.accepted = accepted;
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            writeLock.lock();
            try {
                OutputStream out = socket.getOutputStream();
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                close();
                throw e;
            } finally {
                writeLock.unlock();
            }
        }

        void read() {
            StreamFramer framer = new StreamFramer(parser, accepted);
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = socket.getInputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    framer.feed(buf, 0, n);
                    if (!drain(framer)) {
                        break;
                    }
                }
            } catch (SocketException e) {
                // closed by us or reset by the peer: the normal end of a connection
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.DEBUG, "SIP connection " + peer + " failed", e);
                }
            } finally {
                close();
            }
        }

        /** Handles the complete frames; false when the framing is lost and the connection must close. */
        private boolean drain(StreamFramer framer) throws IOException {
            while (true) {
                Optional<StreamFramer.Frame> frame;
                try {
                    frame = framer.next();
                } catch (SipParseException e) {
                    refuse(e, peer);
                    if (e.fatal()) {
                        return false;
                    }
                    continue;
                }
                if (frame.isEmpty()) {
                    return true;
                }
                switch (frame.get()) {
                    case StreamFramer.Message(SipMessage m) -> deliver(m, peer);
                    case StreamFramer.Ping() -> write(PONG);
                    case StreamFramer.Pong() -> {
                        CompletableFuture<Void> f = pongs.poll();
                        if (f != null) {
                            f.complete(null);
                        }
                    }
                }
            }
        }

        @Override
        public void close() {
            connections.remove(peer, this);
            try {
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
            pongs.forEach(f -> f.completeExceptionally(new IOException("connection closed")));
        }
    }
}
