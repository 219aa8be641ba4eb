package atrium.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sipp registers with digest authentication (`[authentication]`, MD5, qop=auth) against {@link DigestServer}. */
class DigestSippTest {
    private final DigestServer digest = new DigestServer("atrium.test", "sipp-test-secret-0123".getBytes(),
            Clock.systemUTC(), Duration.ofMinutes(5));
    private final List<DigestServer.Verdict> verdicts = new CopyOnWriteArrayList<>();
    private DatagramSocket socket;
    private Thread loop;

    /** A stateless registrar: 401 with a challenge, then 200 or 403 by the digest verdict. */
    @BeforeEach
    void startRegistrar() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        SipParser parser = new SipParser(SipParser.Limits.DEFAULT);
        loop = Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[65535];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    SipRequest r = (SipRequest) parser.parseDatagram(p.getData(), 0, p.getLength());
                    SipResponse answer = answer(r);
                    byte[] out = answer.toBytes();
                    socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
    }

    private SipResponse answer(SipRequest r) {
        Optional<String> auth = r.header("Authorization");
        if (auth.isEmpty()) {
            return r.response(401, "Unauthorized").withToTag("reg")
                    .with("WWW-Authenticate", digest.challenge(DigestAlgorithm.MD5, false).toString());
        }
        DigestServer.Verdict v = digest.verify(r.method(), DigestCredentials.parse(auth.get()),
                (user, alg) -> user.equals("1001") ? Optional.of(alg.ha1(user, "atrium.test", "Sesame-4417"))
                        : Optional.empty());
        verdicts.add(v);
        return switch (v) {
            case OK -> r.response(200, "OK").withToTag("reg").with("Contact", r.contacts().getFirst().withParam("expires", "60").toString());
            case STALE -> r.response(401, "Unauthorized").withToTag("reg")
                    .with("WWW-Authenticate", digest.challenge(DigestAlgorithm.MD5, true).toString());
            case REPLAY, BAD -> r.response(403, "Forbidden").withToTag("reg");
        };
    }

    @AfterEach
    void stop() throws InterruptedException {
        socket.close();
        loop.join();
    }

    @Test
    void sippRegistersWithTheRightPassword(@TempDir Path dir) throws Exception {
        Path scenario = Sipp.scenario(dir, "/sipp/register-digest.xml");
        Sipp.Run run = Sipp.run(dir, "-sf", scenario.toString(), "-s", "1001", "-au", "1001", "-ap", "Sesame-4417",
                "-i", "127.0.0.1", "-p", "0", "-m", "3", "-l", "1", "127.0.0.1:" + socket.getLocalPort());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(verdicts).containsExactly(DigestServer.Verdict.OK, DigestServer.Verdict.OK, DigestServer.Verdict.OK);
    }

    @Test
    void sippWithAWrongPasswordIsRefused(@TempDir Path dir) throws Exception {
        Path scenario = Sipp.scenario(dir, "/sipp/register-digest.xml");
        Sipp.Run run = Sipp.run(dir, "-sf", scenario.toString(), "-s", "1001", "-au", "1001", "-ap", "guess",
                "-i", "127.0.0.1", "-p", "0", "-m", "1", "127.0.0.1:" + socket.getLocalPort());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(verdicts).containsExactly(DigestServer.Verdict.BAD);
    }
}
