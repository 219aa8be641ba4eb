import atrium.voip.media.MediaRelay;
import atrium.voip.media.RelaySession;
import atrium.voip.media.RelayStats;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * RTP relay load for bench/relay.sh (JDK source launcher, the voip classes on the class path). CALLS sessions on
 * loopback, two "phones" each sending a 172-byte G.711 packet every 20 ms (50/s, both ways: 100 packets/s per call
 * through the relay), for SECONDS. Reports packets relayed per second, loss at the receiving phones, the relay
 * thread's CPU (% of one core, and µs per packet) and the bytes it allocated per packet.
 */
public final class RelayBench {
    public static void main(String[] args) throws Exception {
        int calls = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (MediaRelay relay = new MediaRelay(lo, 10000, 19999, Duration.ofSeconds(60), Clock.systemUTC());
             Selector receive = Selector.open()) {
            List<DatagramChannel> phones = new ArrayList<>();
            List<Integer> sendTo = new ArrayList<>();
            List<RelaySession> sessions = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                RelaySession s = relay.open();
                sessions.add(s);
                DatagramChannel a = phone(lo, receive);
                DatagramChannel b = phone(lo, receive);
                s.a().expect((InetSocketAddress) a.getLocalAddress());
                s.b().expect((InetSocketAddress) b.getLocalAddress());
                phones.add(a);
                sendTo.add(s.a().rtpPort());
                phones.add(b);
                sendTo.add(s.b().rtpPort());
            }
            LongAdder received = new LongAdder();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread receiver = Thread.ofPlatform().name("bench-receive").start(() -> drain(receive, received, running));
            Thread relayThread = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("media-relay")).findFirst().orElseThrow();
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long cpu0 = mx.getThreadCpuTime(relayThread.threadId());
            long alloc0 = mx.getThreadAllocatedBytes(relayThread.threadId());
            long t0 = System.nanoTime();
            long sent = send(phones, sendTo, lo, seconds);
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (received.sum() < sent && System.nanoTime() < deadline) {
                Thread.sleep(10); // let the last packets arrive
            }
            double elapsed = (System.nanoTime() - t0) / 1e9; // longer than SECONDS when the generator falls behind
            long cpu = mx.getThreadCpuTime(relayThread.threadId()) - cpu0;
            long alloc = mx.getThreadAllocatedBytes(relayThread.threadId()) - alloc0;
            running.set(false);
            receive.wakeup();
            receiver.join();
            long relayed = sessions.stream().map(RelaySession::stats)
                    .mapToLong(st -> st.aToB().rtpPackets() + st.bToA().rtpPackets()).sum();
            long got = received.sum();
            System.out.printf("calls %d, %d s asked, %.1f s taken: sent %d, relayed %d (%.0f packets/s), received %d (loss %.3f %%)%n",
                    calls, seconds, elapsed, sent, relayed, relayed / elapsed, got, 100.0 * (sent - got) / sent);
            System.out.printf("relay thread CPU %.1f %% of one core, %.2f µs per packet; allocated %.2f bytes per packet%n",
                    100.0 * cpu / (elapsed * 1e9), cpu / 1000.0 / Math.max(1, relayed), alloc / (double) Math.max(1, relayed));
            System.out.printf("load average at the end: %s%n",
                    new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).trim());
        }
    }

    private static DatagramChannel phone(InetAddress lo, Selector receive) throws Exception {
        DatagramChannel ch = DatagramChannel.open(java.net.StandardProtocolFamily.INET);
        ch.bind(new InetSocketAddress(lo, 0));
        ch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
        ch.configureBlocking(false);
        ch.register(receive, SelectionKey.OP_READ);
        return ch;
    }

    /** Every phone sends one packet each 20 ms, paced on the wall clock; returns how many were sent. */
    private static long send(List<DatagramChannel> phones, List<Integer> ports, InetAddress lo, int seconds) throws Exception {
        ByteBuffer packet = ByteBuffer.allocateDirect(172);
        List<InetSocketAddress> targets = ports.stream().map(p -> new InetSocketAddress(lo, p)).toList();
        long sent = 0;
        long start = System.nanoTime();
        for (int tick = 0; tick < seconds * 50; tick++) {
            for (int i = 0; i < phones.size(); i++) {
                packet.clear();
                packet.put(0, (byte) 0x80).put(1, (byte) 0).putShort(2, (short) tick).putInt(4, tick * 160).putInt(8, i);
                phones.get(i).send(packet, targets.get(i));
                sent++;
            }
            long next = start + (tick + 1) * 20_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        return sent;
    }

    private static void drain(Selector selector, LongAdder received, AtomicBoolean running) {
        ByteBuffer buf = ByteBuffer.allocateDirect(2048);
        try {
            while (running.get()) {
                selector.select(key -> {
                    try {
                        while (true) {
                            buf.clear();
                            if (((DatagramChannel) key.channel()).receive(buf) == null) {
                                return;
                            }
                            received.increment();
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, 100);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
