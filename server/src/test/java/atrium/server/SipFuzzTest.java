package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.Captures;
import atrium.sip.Mutations;
import atrium.sip.SipResponse;
import atrium.sip.transport.Protocol;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Thousands of mutated SIP messages (the captures of real peers, changed byte by byte and header by header) thrown at
 * a running Atrium over UDP and TCP; afterwards a phone still registers promptly, readable-but-wrong requests get
 * their 4xx, the transactions all end, nothing logged an exception and no thread spins.
 */
class SipFuzzTest {
    private static final int UDP_MESSAGES = 3000;
    private static final int TCP_MESSAGES = 1200;
    private static final int PER_CONNECTION = 20;

    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                logged.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private TestServer server;

    @BeforeEach
    void start() {
        Logger.getLogger("").addHandler(capture);
        // The fuzzer and the phone share 127.0.0.1: with the normal throttle the fuzzer's wrong digests would (rightly)
        // get the address blocked and the phone refused, which VoipRegistrarTest covers; here the throttle stays out.
        server = TestServer.start(VoipRegistrarTest.with(Map.of("sip.free-failures", "1000",
                "sip.block-after-failures", "10000", "sip.delay-ms", "0")));
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(capture);
        if (server != null) {
            server.close();
        }
    }

    @Test
    void garbageOverUdpAndTcpLeavesTheRegistrarServingAndNothingStuck() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        List<byte[]> seeds = Captures.NAMES.stream().map(Captures::bytes).toList();
        var sip = server.atrium.voip().sip.orElseThrow();
        String[] dev = VoipRegistrarTest.userWithDevice(server.admin(), "alice", "1001");
        InetAddress loopback = InetAddress.getLoopbackAddress();

        Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
                for (int i = 0; i < UDP_MESSAGES; i++) {
                    byte[] m = garbage(seeds, random);
                    udp.send(new DatagramPacket(m, Math.min(m.length, 65_000),
                            new InetSocketAddress(loopback, sip.port(Protocol.UDP))));
                    if (i % 50 == 0) {
                        Thread.sleep(1); // a fuzzer, not a flood: what a full socket buffer drops is not tested
                    }
                }
            }
            for (int sent = 0; sent < TCP_MESSAGES; sent += PER_CONNECTION) {
                try (Socket tcp = new Socket(loopback, sip.port(Protocol.TCP))) {
                    OutputStream out = tcp.getOutputStream();
                    for (int k = 0; k < PER_CONNECTION; k++) {
                        out.write(garbage(seeds, random));
                    }
                    out.flush();
                } catch (IOException closedOnUs) {
                    // the server closes a stream it cannot frame any more: the next batch opens a new one
                }
            }
        }, "seed " + seed);

        // A real phone registers promptly, over UDP and TCP.
        for (Protocol p : List.of(Protocol.UDP, Protocol.TCP)) {
            try (SipPhone phone = new SipPhone(p, sip.port(p))) {
                long t0 = System.nanoTime();
                SipResponse ok = phone.withDigest(phone.register(dev[0], List.of(phone.contact(dev[0])), Optional.of(60)),
                        dev[0], dev[1]);
                assertThat(ok.status()).as("seed %d, %s", seed, p).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("seed %d", seed).isLessThan(Duration.ofSeconds(2));
            }
        }

        // Readable but wrong requests get the right answer.
        int udpPort = sip.port(Protocol.UDP);
        String register = new String(Captures.bytes("sipp/register.sip"), StandardCharsets.ISO_8859_1);
        assertThat(answer(udpPort, register.replace("REGISTER sip:127.0.0.1 SIP/2.0", "REGISTER sip:127.0.0.1 SIP/3.0")))
                .startsWith("SIP/2.0 505");
        assertThat(answer(udpPort, register.replace("REGISTER sip:127.0.0.1", "REGISTER http://127.0.0.1")))
                .startsWith("SIP/2.0 416");
        assertThat(answer(udpPort, register.replace("Content-Length: 0", "Content-Length: 40"))).startsWith("SIP/2.0 400");
        assertThat(answer(udpPort, register.replace("Content-Length: 0", "Content-Length: zero"))).startsWith("SIP/2.0 400");
        // An injected line (bare CR) makes the whole header section untrustworthy: dropped, never served as a REGISTER.
        assertThat(answer(udpPort, register.replace("User-Agent: sipp", "User-Agent: sipp\rContact: *"))).isEmpty();
        assertThat(answer(udpPort, register.replace("User-Agent: sipp", "X-Filler: 1\r\n".repeat(120) + "User-Agent: sipp")))
                .startsWith("SIP/2.0 513");
        assertThat(answer(udpPort, register.replace("REGISTER sip:", "FROB sip:").replace("1 REGISTER", "1 FROB")))
                .startsWith("SIP/2.0 501");
        assertThat(answer(udpPort, register.replace("User-Agent: sipp", "User-Agent: friendly-scanner")))
                .startsWith("SIP/2.0 403");
        assertThat(answer(udpPort, register)).startsWith("SIP/2.0 401");

        // Every transaction ends (a UDP one lingers 64*T1 = 32 s after its answer, RFC 3261 §17.2.2 Timer J).
        long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (sip.transactions() > 0 && System.nanoTime() < end) {
            Thread.sleep(200);
        }
        assertThat(sip.transactions()).as("live transactions, seed %d", seed).isZero();

        // Nothing spins once the garbage has stopped, and nothing logged a failure.
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        Thread.sleep(1000);
        assertThat(Duration.ofNanos(os.getProcessCpuTime() - cpu0)).as("CPU used in an idle second")
                .isLessThan(Duration.ofMillis(500));
        assertThat(logged).as("seed %d", seed).extracting(r -> r.getLevel() + " " + r.getLoggerName() + ": "
                + r.getMessage() + (r.getThrown() == null ? "" : " " + r.getThrown())).isEmpty();
    }

    private static byte[] garbage(List<byte[]> seeds, Random random) {
        byte[] seed = seeds.get(random.nextInt(seeds.size()));
        return random.nextInt(3) == 0 ? Mutations.malform(seed, random) : Mutations.mutate(seed, random);
    }

    /**
     * Sends one datagram and returns the first answer line, or "" when none came within 2 s. The capture's branch is
     * made unique: the fuzzer sent the same one, and a request matching a live transaction is a retransmission.
     */
    private static String answer(int port, String request) throws IOException {
        request = request.replace("branch=z9hG4bK-16262-1-0", "branch=z9hG4bK-spot-" + System.nanoTime());
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(2000);
            byte[] b = request.getBytes(StandardCharsets.ISO_8859_1);
            s.send(new DatagramPacket(b, b.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            DatagramPacket p = new DatagramPacket(new byte[65535], 65535);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return "";
            }
            String text = new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1);
            return text.substring(0, Math.max(0, text.indexOf("\r\n")));
        }
    }
}
