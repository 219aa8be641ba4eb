package atrium.voip.media;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.Sipp;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real RTP peer on leg b: sipp's {@code -rtp_echo} sends every packet back from the port it arrived on, as a phone
 * doing symmetric RTP does. What our "phone" on leg a sends must come back to it through the relay, byte for byte.
 */
class MediaRelaySippTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void voiceAndDtmfMakeTheRoundTripThroughSippsEcho(@TempDir Path dir) throws Exception {
        Sipp.require();
        int mediaPort = Sipp.freePort();
        Sipp.Running sipp = Sipp.start(dir, "-sn", "uas", "-i", "127.0.0.1", "-p", Integer.toString(Sipp.freePort()),
                "-mp", Integer.toString(mediaPort), "-rtp_echo");
        int base = 10000 + 2 * ThreadLocalRandom.current().nextInt(5000);
        try (MediaRelay relay = new MediaRelay(LOOPBACK, base, base + 99, Duration.ofSeconds(30), Clock.systemUTC());
             DatagramSocket alice = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            Sipp.awaitPort("udp", mediaPort);
            alice.setSoTimeout(3000);
            RelaySession s = relay.open();
            s.a().expect((InetSocketAddress) alice.getLocalSocketAddress());
            s.b().expect(new InetSocketAddress(LOOPBACK, mediaPort));
            for (int seq = 0; seq < 53; seq++) {
                // 50 PCMU packets of 20 ms, then three RFC 4733 events (digit 1, the last with the end bit)
                byte[] packet = seq < 50 ? MediaRelayTest.rtp(0, seq, 0x5EED, 160)
                        : Arrays.copyOf(MediaRelayTest.rtp(101, seq, 0x5EED, 0), 16);
                if (seq >= 50) {
                    packet[12] = 1;
                    packet[13] = (byte) (seq == 52 ? 0x8A : 0x0A);
                }
                alice.send(new DatagramPacket(packet, packet.length, LOOPBACK, s.a().rtpPort()));
                DatagramPacket echo = new DatagramPacket(new byte[2048], 2048);
                alice.receive(echo);
                assertThat(Arrays.copyOf(echo.getData(), echo.getLength())).as("packet %d", seq).isEqualTo(packet);
                assertThat(echo.getPort()).isEqualTo(s.a().rtpPort());
            }
            assertThat(s.b().rtpSource()).contains(new InetSocketAddress(LOOPBACK, mediaPort));
            assertThat(s.stats().aToB().rtpPackets()).isEqualTo(53);
            assertThat(s.stats().dropped()).isZero();
        } finally {
            sipp.process().destroy();
            sipp.process().waitFor();
        }
    }
}
