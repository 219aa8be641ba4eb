package atrium.voip.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import atrium.sip.ManualClock;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay over real UDP sockets on the loopback: two "phones" behind a NAT-like address change, and intruders. */
class MediaRelayTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Each test takes its own stretch of ports, below Linux's ephemeral range (32768–60999) where any socket may sit. */
    private final int base = 10000 + 2 * ThreadLocalRandom.current().nextInt(5000);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    @Test
    void twoPhonesWhoseSdpAddressesAreWrongHearEachOtherBothWaysThroughOnePortEach() throws Exception {
        RelaySession s = openSession();
        assertThat(s.a().rtpPort() % 2).isZero();
        assertThat(s.a().rtcpPort()).isEqualTo(s.a().rtpPort() + 1);
        assertThat(s.b().rtcpPort()).isEqualTo(s.b().rtpPort() + 1);
        Phone alice = phone();
        Phone bob = phone();
        // what the phones wrote in their SDP: private addresses nobody listens on (their NAT maps them elsewhere)
        s.a().expect(new InetSocketAddress("127.0.0.3", 4000));
        s.b().expect(new InetSocketAddress("127.0.0.4", 4002));

        alice.send(rtp(0, 1, 0x1111, 160), s.a().rtpPort()); // goes to bob's SDP address: lost, as with a real NAT
        await(() -> s.a().rtpSource().isPresent());
        assertThat(s.a().rtpSource()).contains(alice.address());

        byte[] fromBob = rtp(0, 1, 0x2222, 160);
        bob.send(fromBob, s.b().rtpPort());
        DatagramPacket atAlice = alice.receive();
        assertThat(payload(atAlice)).isEqualTo(fromBob);
        assertThat(atAlice.getPort()).as("alice hears from the port she sends to").isEqualTo(s.a().rtpPort());

        byte[] fromAlice = rtp(0, 2, 0x1111, 160);
        alice.send(fromAlice, s.a().rtpPort());
        DatagramPacket atBob = bob.receive();
        assertThat(payload(atBob)).isEqualTo(fromAlice);
        assertThat(atBob.getPort()).isEqualTo(s.b().rtpPort());

        for (int seq = 3; seq < 53; seq++) {
            alice.send(rtp(8, seq, 0x1111, 160), s.a().rtpPort());
            assertThat(payload(bob.receive())).startsWith(0x80, 8);
            bob.send(rtp(8, seq, 0x2222, 160), s.b().rtpPort());
            assertThat(payload(alice.receive())).startsWith(0x80, 8);
        }
        // the relay counts a packet after sending it, so the last count may land just after the packet
        await(() -> s.stats().bToA().rtpPackets() == 51 && s.stats().aToB().rtpPackets() == 52);
        RelayStats stats = s.stats();
        // alice's first packet went to bob's SDP address, before bob latched: relayed, but lost beyond us
        assertThat(stats.aToB()).isEqualTo(new RelayStats.Flow(52, 52 * 172, 0, 0));
        assertThat(stats.bToA()).isEqualTo(new RelayStats.Flow(51, 51 * 172, 0, 0));
    }

    @Test
    void rtcpIsRelayedOnTheNextPortAndLatchedOnItsOwn() throws Exception {
        RelaySession s = openSession();
        Phone aliceRtcp = phone();
        Phone bobRtcp = phone();
        s.a().expect(new InetSocketAddress("127.0.0.3", 4000));
        s.b().expect(new InetSocketAddress("127.0.0.4", 4002), new InetSocketAddress("127.0.0.4", 4009));
        aliceRtcp.send(rtcpReceiverReport(0x1111), s.a().rtcpPort());
        await(() -> s.a().rtcpSource().isPresent());
        assertThat(s.a().rtpSource()).as("RTCP does not latch RTP").isEmpty();
        byte[] report = rtcpReceiverReport(0x2222);
        bobRtcp.send(report, s.b().rtcpPort());
        DatagramPacket at = aliceRtcp.receive();
        assertThat(payload(at)).isEqualTo(report);
        assertThat(at.getPort()).isEqualTo(s.a().rtcpPort());
        aliceRtcp.send(rtcpReceiverReport(0x1111), s.a().rtcpPort());
        assertThat(bobRtcp.receive().getPort()).isEqualTo(s.b().rtcpPort());
        await(() -> s.stats().aToB().rtcpPackets() == 2); // the first went to bob's SDP RTCP address
        assertThat(s.stats().bToA().rtcpPackets()).isEqualTo(1);
        assertThat(s.stats().aToB().rtpPackets()).isZero();
    }

    @Test
    void dtmfEventPacketsArriveByteForByte() throws Exception {
        RelaySession s = openSession();
        Phone alice = phone();
        Phone bob = phone();
        s.a().expect(alice.address());
        s.b().expect(bob.address());
        // RFC 4733 §2.3: event 5, end bit, volume 10, duration 800, payload type 101 with the marker on the first
        for (int i = 0; i < 3; i++) {
            byte[] event = rtp(101, 100 + i, 0xABCDEF01, 0);
            event = Arrays.copyOf(event, event.length + 4);
            if (i == 0) {
                event[1] |= (byte) 0x80;
            }
            ByteBuffer.wrap(event, 12, 4).put((byte) 5).put((byte) (i == 2 ? 0x8A : 0x0A)).putShort((short) 800);
            alice.send(event, s.a().rtpPort());
            assertThat(payload(bob.receive())).isEqualTo(event);
        }
    }

    @Test
    void anIntruderCannotTakeALatchedLegButTheSameStreamFromANewNatPortCan() throws Exception {
        RelaySession s = openSession();
        Phone alice = phone();
        Phone bob = phone();
        Phone intruder = phone();
        s.a().expect(alice.address());
        s.b().expect(bob.address());
        intruder.send("not rtp at all".getBytes(), s.a().rtpPort());
        await(() -> s.stats().dropped() == 1);
        assertThat(s.a().rtpSource()).as("garbage does not latch").isEmpty();

        alice.send(rtp(0, 1, 0x1111, 160), s.a().rtpPort());
        bob.receive();
        intruder.send(rtp(0, 1, 0x6666, 160), s.a().rtpPort()); // another stream: dropped
        await(() -> s.stats().dropped() == 2);
        assertThat(s.a().rtpSource()).contains(alice.address());
        bob.send(rtp(0, 1, 0x2222, 160), s.b().rtpPort());
        assertThat(alice.receive().getPort()).isEqualTo(s.a().rtpPort());
        intruder.expectNothing();

        Phone aliceAfterNatRebinding = phone(); // same stream (SSRC), new source port
        aliceAfterNatRebinding.send(rtp(0, 2, 0x1111, 160), s.a().rtpPort());
        bob.receive();
        assertThat(s.a().rtpSource()).contains(aliceAfterNatRebinding.address());
        bob.send(rtp(0, 2, 0x2222, 160), s.b().rtpPort());
        aliceAfterNatRebinding.receive();

        // a new SDP from the phone (re-INVITE, transfer) lets the next packet latch again
        s.a().expect(alice.address());
        assertThat(s.a().rtpSource()).isEmpty();
        alice.send(rtp(0, 3, 0x3333, 160), s.a().rtpPort());
        await(() -> s.a().rtpSource().equals(java.util.Optional.of(alice.address())));
    }

    @Test
    void latchingCanBeLimitedToThePhonesSignallingAddress() throws Exception {
        RelaySession s = openSession();
        Phone bob = phone();
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.5", 0))) {
            s.a().latchOnlyFrom(LOOPBACK);
            s.b().expect(bob.address());
            byte[] p = rtp(0, 1, 0x1111, 160);
            stranger.send(new DatagramPacket(p, p.length, LOOPBACK, s.a().rtpPort()));
            await(() -> s.stats().dropped() == 1);
            assertThat(s.a().rtpSource()).isEmpty();
            bob.expectNothing();
        }
    }

    @Test
    void anSdpNamingARelayPortCannotMakePacketsCircle() throws Exception {
        RelaySession s = openSession();
        Phone bob = phone();
        s.b().expect(bob.address());
        s.a().expect(new InetSocketAddress(LOOPBACK, s.b().rtpPort())); // a (malicious or confused) phone's SDP
        bob.send(rtp(0, 1, 0x2222, 160), s.b().rtpPort());
        // relayed once from a's port to b's port, where it is recognised as ours and dropped
        await(() -> s.stats().dropped() == 1);
        assertThat(s.stats().bToA().rtpPackets()).isEqualTo(1);
        assertThat(s.stats().aToB().rtpPackets()).isZero();
        assertThat(s.b().rtpSource()).contains(bob.address());
    }

    @Test
    void anAddressTheRelayCannotSendToIsRefusedAtOnce() throws Exception {
        RelaySession s = openSession();
        assertThatThrownBy(() -> s.a().expect(InetSocketAddress.createUnresolved("phone.example", 4000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not resolved");
        assertThatThrownBy(() -> s.a().expect(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 4000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("address family");
    }

    @Test
    void aSilentCallIsReportedOnceAndNeverWhileHeld() throws Exception {
        ManualClock clock = new ManualClock();
        MediaRelay relay = relay(base, base + 99, Duration.ofMillis(200), clock);
        RelaySession s = relay.open();
        AtomicInteger idle = new AtomicInteger();
        s.onIdle(idle::incrementAndGet);
        Phone alice = phone();
        Phone bob = phone();
        s.a().expect(alice.address());
        s.b().expect(bob.address());

        s.setHeld(true);
        clock.advance(Duration.ofMinutes(5));
        awaitSweeps(relay);
        assertThat(idle).as("held").hasValue(0);

        s.setHeld(false); // the timer starts afresh on resume
        clock.advance(Duration.ofMillis(150));
        awaitSweeps(relay);
        assertThat(idle).hasValue(0);
        alice.send(rtp(0, 1, 0x1111, 160), s.a().rtpPort()); // media keeps the call alive
        bob.receive();
        clock.advance(Duration.ofMillis(150));
        awaitSweeps(relay);
        assertThat(idle).hasValue(0);

        clock.advance(Duration.ofMillis(60));
        await(() -> idle.get() == 1);
        clock.advance(Duration.ofMinutes(5));
        awaitSweeps(relay);
        assertThat(idle).as("once").hasValue(1);
    }

    @Test
    void aFullRangeRefusesWithAClearErrorAndRecoversWhenACallEnds() {
        MediaRelay relay = relay(base - 1, base + 7, Duration.ofSeconds(30), Clock.systemUTC()); // odd start: 4 pairs
        RelaySession first = relay.open();
        RelaySession second = relay.open();
        assertThat(Stream.of(first.a(), first.b(), second.a(), second.b()).map(RelayLeg::rtpPort))
                .containsExactly(base, base + 2, base + 4, base + 6);
        assertThat(relay.portsInUse()).isEqualTo(8);
        assertThatThrownBy(relay::open).isInstanceOf(PortsExhaustedException.class)
                .hasMessageContaining("no free RTP port pair between " + base + " and " + (base + 7))
                .hasMessageContaining("voip.rtp-port-max");
        first.close();
        assertThat(relay.portsInUse()).isEqualTo(4);
        RelaySession third = relay.open();
        assertThat(third.a().rtpPort()).isIn(first.a().rtpPort(), first.b().rtpPort());
        assertThat(relay.sessions()).containsExactlyInAnyOrder(second, third);
    }

    @Test
    void aPortTakenByAnotherProgramIsSkipped() throws Exception {
        try (DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(LOOPBACK, base + 1))) {
            MediaRelay relay = relay(base, base + 11, Duration.ofSeconds(30), Clock.systemUTC());
            RelaySession s = relay.open();
            assertThat(List.of(s.a().rtpPort(), s.b().rtpPort())).containsExactly(base + 2, base + 4);
            assertThat(squatter.getLocalPort()).isEqualTo(base + 1);
        }
    }

    @Test
    void thousandsOfCallsLeaveNoPortNorSocketBehind() throws Exception {
        MediaRelay relay = relay(base, base + 15, Duration.ofSeconds(30), Clock.systemUTC());
        Phone alice = phone();
        long fdsBefore = openFiles();
        for (int i = 0; i < 3000; i++) {
            RelaySession s = relay.open();
            s.a().expect(alice.address());
            s.b().expect(alice.address());
            if (i % 100 == 0) { // some carry media, so the sockets are really in use when closed
                alice.send(rtp(0, i, 0x1111, 160), s.b().rtpPort());
                alice.receive();
            }
            s.close();
            s.close(); // idempotent
        }
        assertThat(relay.portsInUse()).isZero();
        assertThat(relay.sessions()).isEmpty();
        assertThat(openFiles()).isLessThanOrEqualTo(fdsBefore + 2);
        relay.close();
        for (int port = base; port <= base + 15; port++) { // everything can be bound again
            new DatagramSocket(new InetSocketAddress(LOOPBACK, port)).close();
        }
    }

    @Test
    void aBadRangeIsRefusedAtConstruction() {
        assertThatThrownBy(() -> new MediaRelay(LOOPBACK, 20000, 20002, Duration.ofSeconds(30), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 4 ports");
        assertThatThrownBy(() -> new MediaRelay(LOOPBACK, 65530, 65536, Duration.ofSeconds(30), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1–65535");
    }

    /** A session on a relay with a wide range and a real clock. */
    private RelaySession openSession() {
        return relay(base, base + 99, Duration.ofSeconds(30), Clock.systemUTC()).open();
    }

    private MediaRelay relay(int min, int max, Duration idle, Clock clock) {
        MediaRelay relay = new MediaRelay(LOOPBACK, min, max, idle, clock);
        toClose.add(relay);
        return relay;
    }

    private Phone phone() throws IOException {
        Phone p = new Phone(new DatagramSocket(new InetSocketAddress(LOOPBACK, 0)));
        toClose.add(p.socket);
        return p;
    }

    /** A minimal RTP packet (RFC 3550 §5.1) with a payload of {@code size} bytes. */
    static byte[] rtp(int payloadType, int seq, int ssrc, int size) {
        ByteBuffer b = ByteBuffer.allocate(12 + size);
        b.put((byte) 0x80).put((byte) payloadType).putShort((short) seq).putInt(seq * 160).putInt(ssrc);
        for (int i = 0; i < size; i++) {
            b.put((byte) (0xFF - i));
        }
        return b.array();
    }

    /** An empty RTCP receiver report (RFC 3550 §6.4.2). */
    static byte[] rtcpReceiverReport(int ssrc) {
        return ByteBuffer.allocate(8).put((byte) 0x80).put((byte) 201).putShort((short) 1).putInt(ssrc).array();
    }

    private static byte[] payload(DatagramPacket p) {
        return Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 5 s").isLessThan(end);
            Thread.sleep(2); // polls a condition the relay thread sets; no event to wait on
        }
    }

    /** Waits until the relay has run two more idle checks, so that what they would do is done. */
    private static void awaitSweeps(MediaRelay relay) throws InterruptedException {
        long target = relay.sweeps() + 2;
        await(() -> relay.sweeps() >= target);
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private record Phone(DatagramSocket socket) {
        Phone {
            try {
                socket.setSoTimeout(3000);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        void send(byte[] data, int relayPort) throws IOException {
            socket.send(new DatagramPacket(data, data.length, LOOPBACK, relayPort));
        }

        DatagramPacket receive() throws IOException {
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            socket.receive(p);
            return p;
        }

        /** Nothing arrives within a short while (the relay forwards in well under a millisecond). */
        void expectNothing() throws IOException {
            socket.setSoTimeout(200);
            try {
                DatagramPacket p = receive();
                throw new AssertionError("unexpected packet of " + p.getLength() + " bytes from " + p.getSocketAddress());
            } catch (SocketTimeoutException expected) {
                socket.setSoTimeout(3000);
            }
        }
    }
}
