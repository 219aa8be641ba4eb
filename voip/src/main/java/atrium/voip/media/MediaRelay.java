package atrium.voip.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Atrium's RTP relay: each call's media goes phone → relay → phone, so two phones behind different NATs hear each
 * other (issue 6). Knows nothing of SIP: the B2BUA opens a {@link RelaySession} per call, writes the legs' ports in
 * the SDP it sends, tells each leg where its phone said it receives, and closes the session at the end.
 *
 * <p>One platform thread runs a selector over every socket and forwards packets unchanged from one reused direct
 * buffer (no allocation per packet); ports are taken as even RTP + odd RTCP pairs from {@code portMin..portMax},
 * round-robin so a port just freed is not handed out again at once. Design and latching rules: docs/adr/0030.
 */
public final class MediaRelay implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MediaRelay.class.getName());
    /** Bigger than any RTP packet on an Ethernet path; a bigger datagram is cut (and would be broken anyway). */
    private static final int MAX_PACKET = 8192;
    /** Packets read from one socket per wake-up, so that one busy socket cannot starve the others. */
    private static final int BURST = 64;

    private final InetAddress bind;
    private final ProtocolFamily family;
    private final int firstPort;
    private final int pairs;
    /** The addresses our sockets send from: the bound one, or every local one when bound to the wildcard. */
    private final Set<InetAddress> ownAddresses;
    private final long idleMillis;
    private final long sweepNanos;
    private final Clock clock;
    private final Selector selector;
    private final Thread loop;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_PACKET);
    private final ConcurrentLinkedQueue<FutureTask<Void>> tasks = new ConcurrentLinkedQueue<>();
    private final Set<RelaySession> sessions = ConcurrentHashMap.newKeySet();
    private final ReentrantLock portLock = new ReentrantLock();
    private final BitSet usedPairs = new BitSet();
    private int cursor;
    private volatile boolean running = true;
    /** Idle checks done so far: lets a test wait for one instead of sleeping. */
    private volatile long sweeps;

    /**
     * Binds nothing yet; starts the relay thread. {@code portMin} is rounded up to even; the range must hold at least
     * one session (two pairs).
     */
    public MediaRelay(InetAddress bind, int portMin, int portMax, Duration idleTimeout, Clock clock) {
        int first = portMin + (portMin & 1);
        if (first < 1 || portMax > 65535 || portMax - first + 1 < 4) {
            throw new IllegalArgumentException("RTP port range " + portMin + "–" + portMax
                    + " must lie in 1–65535 and hold at least 4 ports (one call)");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("media idle timeout must be positive");
        }
        this.bind = bind;
        this.family = bind instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        this.firstPort = first;
        this.pairs = (portMax - first + 1) / 2;
        this.ownAddresses = ownAddresses(bind);
        this.idleMillis = idleTimeout.toMillis();
        // check idleness a few times per timeout, at most once a second and at least every 50 ms
        this.sweepNanos = TimeUnit.MILLISECONDS.toNanos(Math.clamp(idleMillis / 4, 50, 1000));
        this.clock = clock;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.loop = Thread.ofPlatform().name("media-relay").daemon().start(this::run);
    }

    /**
     * A new session with two legs, each bound to a free even port and the next one.
     *
     * @throws PortsExhaustedException when the range has no two free pairs left (answer the call 503)
     */
    public RelaySession open() {
        if (!running) {
            throw new IllegalStateException("media relay closed");
        }
        List<Endpoint> bound = new ArrayList<>(4);
        try {
            bindPair(bound);
            bindPair(bound);
        } catch (PortsExhaustedException | UncheckedIOException e) {
            release(bound);
            throw e;
        }
        RelaySession s = new RelaySession(this, bound.get(0), bound.get(1), bound.get(2), bound.get(3), now());
        sessions.add(s);
        try {
            for (Endpoint e : bound) {
                e.channel.register(selector, SelectionKey.OP_READ, e);
            }
        } catch (IOException e) {
            close(s);
            throw new UncheckedIOException(e);
        }
        selector.wakeup(); // a registration takes effect at the next select
        return s;
    }

    /** Ports currently bound by open sessions (four per session). */
    public int portsInUse() {
        portLock.lock();
        try {
            return usedPairs.cardinality() * 2;
        } finally {
            portLock.unlock();
        }
    }

    /** The open sessions (a copy). */
    public List<RelaySession> sessions() {
        return List.copyOf(sessions);
    }

    /** Closes every session and stops the relay thread. */
    @Override
    public void close() {
        sessions().forEach(RelaySession::close);
        running = false;
        selector.wakeup();
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long now() {
        return clock.millis();
    }

    /** True if a packet comes from one of the relay's own ports (no allocation: a range check and a set lookup). */
    boolean isOwn(InetSocketAddress from) {
        int port = from.getPort();
        return port >= firstPort && port < firstPort + 2 * pairs && ownAddresses.contains(from.getAddress());
    }

    private static Set<InetAddress> ownAddresses(InetAddress bind) {
        if (!bind.isAnyLocalAddress()) {
            return Set.of(bind);
        }
        try {
            Set<InetAddress> all = new java.util.HashSet<>();
            java.net.NetworkInterface.networkInterfaces().forEach(i -> i.inetAddresses().forEach(all::add));
            all.add(bind);
            return Set.copyOf(all);
        } catch (java.net.SocketException e) {
            throw new UncheckedIOException("cannot list this machine's addresses", e);
        }
    }

    /**
     * Closes a session's sockets on the relay thread: a channel registered with a selector keeps its port until the
     * selector has dropped its key, so the thread closes them, lets the selector drop the keys, and only then gives
     * the ports back — a caller can bind them again as soon as this returns.
     */
    void close(RelaySession s) {
        if (!s.closed.compareAndSet(false, true)) {
            return; // closed already (or being closed by another thread): its ports must be given back only once
        }
        FutureTask<Void> task = new FutureTask<>(() -> {
            for (Endpoint e : s.endpoints()) {
                e.channel.close();
            }
            if (Thread.currentThread() == loop) {
                selector.selectNow(this::ready); // drops the cancelled keys, which closes the sockets
            }
            sessions.remove(s);
            release(s.endpoints());
            return null;
        });
        if (Thread.currentThread() == loop || !running || !loop.isAlive()) {
            task.run();
        } else {
            tasks.add(task);
            selector.wakeup();
        }
        try {
            task.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(Level.WARNING, "closing a media session", e);
        }
    }

    private void run() {
        long nextSweep = System.nanoTime() + sweepNanos;
        try {
            while (running) {
                selector.select(this::ready, TimeUnit.NANOSECONDS.toMillis(sweepNanos));
                for (FutureTask<Void> t; (t = tasks.poll()) != null; ) {
                    t.run();
                }
                if (System.nanoTime() - nextSweep >= 0) {
                    sweep();
                    nextSweep = System.nanoTime() + sweepNanos;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "media relay thread stopped", e);
            running = false;
        } finally {
            for (FutureTask<Void> t; (t = tasks.poll()) != null; ) {
                t.run(); // closes asked for while stopping
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing the selector", e);
            }
        }
    }

    /** One readable socket: reads up to a burst of datagrams, each relayed from the reused buffer. */
    private void ready(SelectionKey key) {
        Endpoint in = (Endpoint) key.attachment();
        for (int n = 0; n < BURST && key.isValid(); n++) {
            buffer.clear();
            SocketAddress from;
            try {
                from = in.channel.receive(buffer); // the JDK reuses the address object while the source stays the same
            } catch (IOException e) {
                return; // closed under us, or a transient socket error: the next wake-up tells
            }
            if (from == null) {
                return;
            }
            buffer.flip();
            try {
                in.relay((InetSocketAddress) from, buffer, clock.millis());
            } catch (RuntimeException e) {
                // a fault on one packet must not stop the media of every call: log it and go on
                LOG.log(Level.WARNING, "relaying a packet from " + from, e);
            }
        }
    }

    /** Fires the idle callback of each session silent for the timeout and not held (once per session). */
    private void sweep() {
        long now = now();
        for (RelaySession s : sessions) {
            Runnable action = s.onIdle;
            if (!s.held && !s.idleFired && action != null && now - s.lastRtpMillis >= idleMillis) {
                s.idleFired = true;
                Thread.ofVirtual().name("media-idle").start(action); // the B2BUA's work must not stall the relay
            }
        }
        sweeps++;
    }

    long sweeps() {
        return sweeps;
    }

    private void bindPair(List<Endpoint> into) {
        portLock.lock();
        try {
            for (int i = 0; i < pairs; i++) {
                int k = (cursor + i) % pairs;
                if (usedPairs.get(k)) {
                    continue;
                }
                int port = firstPort + 2 * k;
                DatagramChannel rtp = tryBind(port);
                if (rtp == null) {
                    continue;
                }
                DatagramChannel rtcp = tryBind(port + 1);
                if (rtcp == null) {
                    closeQuietly(rtp);
                    continue;
                }
                usedPairs.set(k);
                cursor = k + 1;
                boolean ipv6 = family == StandardProtocolFamily.INET6;
                into.add(new Endpoint(rtp, port, false, ipv6));
                into.add(new Endpoint(rtcp, port + 1, true, ipv6));
                return;
            }
        } finally {
            portLock.unlock();
        }
        throw new PortsExhaustedException("no free RTP port pair between " + firstPort + " and " + (firstPort + 2 * pairs - 1)
                + " (" + sessions.size() + " calls have media); widen voip.rtp-port-min/voip.rtp-port-max");
    }

    /** The channel bound non-blocking to the port, or null if something else holds the port. */
    private DatagramChannel tryBind(int port) {
        DatagramChannel ch = null;
        try {
            ch = DatagramChannel.open(family);
            ch.bind(new InetSocketAddress(bind, port));
            ch.configureBlocking(false);
            return ch;
        } catch (BindException e) {
            closeQuietly(ch);
            return null; // taken by another program (or a socket the kernel has not let go yet): try the next
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot open an RTP socket on " + bind.getHostAddress() + ":" + port, e);
        }
    }

    private void release(List<Endpoint> endpoints) {
        portLock.lock();
        try {
            for (Endpoint e : endpoints) {
                closeQuietly(e.channel);
                if (!e.rtcp) {
                    usedPairs.clear((e.port - firstPort) / 2);
                }
            }
        } finally {
            portLock.unlock();
        }
    }

    private static void closeQuietly(DatagramChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing an RTP socket", e);
            }
        }
    }
}
