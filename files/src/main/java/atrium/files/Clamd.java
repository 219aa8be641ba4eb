package atrium.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A client of ClamAV's daemon, clamd, over TCP or a unix socket (clamd(8), "COMMANDS"):
 * the null-terminated commands {@code zPING}, {@code zVERSION} and {@code zINSTREAM}, where
 * the data follows as chunks each prefixed by its length as 4 bytes in network order, and
 * a zero length ends it. clamd answers {@code stream: OK}, {@code stream: NAME FOUND}, or
 * {@code INSTREAM size limit exceeded. ERROR} once the data passes its StreamMaxLength (it
 * then closes the connection, so the writes that follow fail).
 *
 * <p>Every exchange is bounded by the timeout: a watchdog closes the connection when it
 * makes no progress (connecting, writing a chunk, waiting for the answer) for that long,
 * which also ends a write blocked on a clamd that stopped reading.
 */
final class Clamd {
    private static final byte[] INSTREAM = "zINSTREAM\0".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_REPLY = 4096;

    /** What clamd said of a stream. */
    enum Result { CLEAN, INFECTED, TOO_LARGE }

    /** A verdict; the signature name when infected. */
    record Verdict(Result result, String signature) {
        /** Parses a reply without its terminating null; an ERROR other than the size limit is a failure. */
        static Verdict parse(String reply) throws IOException {
            String r = reply.strip();
            if (r.equals("stream: OK")) {
                return new Verdict(Result.CLEAN, "");
            }
            if (r.startsWith("stream: ") && r.endsWith(" FOUND")) {
                return new Verdict(Result.INFECTED, r.substring("stream: ".length(), r.length() - " FOUND".length()));
            }
            if (r.startsWith("INSTREAM size limit exceeded")) {
                return new Verdict(Result.TOO_LARGE, "");
            }
            throw new IOException("clamd answered: " + r);
        }
    }

    private final SocketAddress address;
    private final Duration timeout;

    /**
     * @param address {@code host:port} for TCP, or the absolute path of clamd's unix socket
     * @throws IllegalArgumentException when the address is neither
     */
    Clamd(String address, Duration timeout) {
        this.address = parse(address);
        this.timeout = timeout;
    }

    static SocketAddress parse(String address) {
        String a = address.strip();
        if (a.startsWith("/")) {
            return UnixDomainSocketAddress.of(Path.of(a));
        }
        int colon = a.lastIndexOf(':');
        if (colon <= 0 || !a.substring(colon + 1).matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("must be host:port (TCP) or the absolute path of clamd's unix socket");
        }
        int port = Integer.parseInt(a.substring(colon + 1));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the port must be between 1 and 65535");
        }
        String host = a.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return address instanceof InetSocketAddress i ? i.getHostString() + ":" + i.getPort() : address.toString();
    }

    /** PING → PONG; within the shorter of the timeout and the given bound (health checks must answer fast). */
    boolean ping(Duration bound) {
        try (Session s = open(bound.compareTo(timeout) < 0 ? bound : timeout)) {
            s.write(ByteBuffer.wrap("zPING\0".getBytes(StandardCharsets.US_ASCII)));
            return s.reply().equals("PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** clamd's version line, e.g. "ClamAV 1.4.6/27000/…". */
    String version() throws IOException {
        try (Session s = open(timeout)) {
            s.write(ByteBuffer.wrap("zVERSION\0".getBytes(StandardCharsets.US_ASCII)));
            return s.reply();
        }
    }

    /** Starts an INSTREAM scan: connects and sends the command. */
    Stream instream() throws IOException {
        Session s = open(timeout);
        try {
            s.write(ByteBuffer.wrap(INSTREAM));
            return new Stream(s, () -> ping(Duration.ofSeconds(2)));
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private Session open(Duration limit) throws IOException {
        // Resolved at each connection, so a changed DNS entry is followed.
        SocketAddress target = address;
        StandardProtocolFamily family = StandardProtocolFamily.UNIX;
        if (address instanceof InetSocketAddress i) {
            InetSocketAddress resolved = new InetSocketAddress(i.getHostString(), i.getPort());
            if (resolved.isUnresolved()) {
                throw new IOException("cannot resolve the clamd host " + i.getHostString());
            }
            target = resolved;
            family = resolved.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        }
        SocketChannel channel = SocketChannel.open(family);
        Session s = new Session(channel, limit);
        try {
            channel.connect(target);
            s.progress();
            return s;
        } catch (IOException e) {
            s.close();
            if (s.timedOut()) {
                throw new IOException("clamd at " + this + " did not answer within " + limit.toMillis() + " ms", e);
            }
            throw e;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** One connection to clamd, closed by its watchdog when it makes no progress for the limit. */
    private static final class Session implements AutoCloseable {
        private final SocketChannel channel;
        private final long limitNanos;
        private final Thread watchdog;
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean timedOut;

        Session(SocketChannel channel, Duration limit) {
            this.channel = channel;
            this.limitNanos = limit.toNanos();
            long tick = Math.max(10, Math.min(1000, limit.toMillis() / 4));
            this.watchdog = Thread.ofVirtual().name("clamd-watchdog").start(() -> {
                try {
                    while (channel.isOpen()) {
                        Thread.sleep(tick);
                        if (System.nanoTime() - lastProgress > limitNanos) {
                            timedOut = true;
                            channel.close();
                        }
                    }
                } catch (InterruptedException | IOException e) {
                    // Closed by its owner.
                }
            });
        }

        void progress() {
            lastProgress = System.nanoTime();
        }

        boolean timedOut() {
            return timedOut;
        }

        void write(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                channel.write(b);
                progress();
            }
        }

        /** Reads up to the null (or the end of the connection) that ends a reply. */
        String reply() throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(256);
            while (out.size() < MAX_REPLY) {
                buf.clear();
                int n = channel.read(buf);
                if (n < 0) {
                    break;
                }
                progress();
                for (int i = 0; i < n; i++) {
                    byte c = buf.get(i);
                    if (c == 0) {
                        return out.toString(StandardCharsets.UTF_8);
                    }
                    out.write(c);
                }
            }
            if (out.size() == 0) {
                throw new IOException("clamd closed the connection without an answer");
            }
            return out.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing to release further.
            }
            watchdog.interrupt();
        }
    }

    /**
     * The data of one INSTREAM scan, sent as it comes. A failed write is kept, not thrown:
     * clamd may have stopped reading because the stream passed its limit, which its answer
     * then says; {@link #finish} tells which.
     */
    static final class Stream implements AutoCloseable {
        private final Session session;
        private final BooleanSupplier alive;
        private final ByteBuffer length = ByteBuffer.allocate(4);
        private Optional<IOException> failed = Optional.empty();
        private long sent;

        private Stream(Session session, BooleanSupplier alive) {
            this.session = session;
            this.alive = alive;
        }

        /** Sends one chunk; after a failure, does nothing. */
        void send(byte[] b, int off, int len) {
            if (failed.isPresent() || len == 0) {
                return;
            }
            try {
                length.clear();
                length.putInt(len).flip();
                session.write(length);
                session.write(ByteBuffer.wrap(b, off, len));
                sent += len;
            } catch (IOException e) {
                failed = Optional.of(e);
            }
        }

        long sent() {
            return sent;
        }

        /**
         * Ends the stream and waits for the verdict.
         *
         * @throws IOException when clamd went away, timed out or answered an error
         */
        Verdict finish() throws IOException {
            if (failed.isEmpty()) {
                try {
                    session.write(ByteBuffer.allocate(4));
                } catch (IOException e) {
                    // The last chunk can take the stream over the limit: clamd answers and closes before the end mark.
                    failed = Optional.of(e);
                }
            }
            try {
                return Verdict.parse(session.reply());
            } catch (IOException e) {
                if (failed.isPresent() && !session.timedOut() && alive.getAsBoolean()) {
                    // clamd closes a stream that passes StreamMaxLength with unread data in its socket: over TCP
                    // that is a reset, which can destroy the "size limit exceeded" answer before it is read.
                    // A clamd that cut the stream off mid-way and still answers PING did so for the limit.
                    return new Verdict(Result.TOO_LARGE, "");
                }
                IOException cause = failed.orElse(e);
                throw session.timedOut() ? new IOException("clamd stopped answering (timeout)", cause) : cause;
            }
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
