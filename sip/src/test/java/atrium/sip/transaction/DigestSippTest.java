package atrium.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.DigestServer;
import atrium.sip.Sipp;
import atrium.sip.transport.Protocol;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sipp registers with digest authentication (`[authentication]`, MD5, qop=auth) against {@link DigestServer}. */
class DigestSippTest {
    @TempDir
    Path dir;
    private TestUa ua;

    @BeforeEach
    void startRegistrar() throws Exception {
        Sipp.require();
        ua = TestUa.udp(Timers.DEFAULT);
        ua.registrar = Optional.of(new TestUa.Registrar(new DigestServer("atrium.test", "sipp-test-secret-0123".getBytes(),
                Clock.systemUTC(), Duration.ofMinutes(5)), Map.of("1001", "Sesame-4417")));
    }

    @AfterEach
    void stop() throws Exception {
        ua.close();
    }

    private Sipp.Run register(String password, int times) throws Exception {
        Path scenario = Sipp.scenario(dir, "/sipp/register-digest.xml");
        return Sipp.run(dir, "-sf", scenario.toString(), "-s", "1001", "-au", "1001", "-ap", password,
                "-i", "127.0.0.1", "-p", "0", "-m", Integer.toString(times), "-l", "1",
                "127.0.0.1:" + ua.port(Protocol.UDP));
    }

    @Test
    void sippRegistersWithTheRightPassword() throws Exception {
        Sipp.Run run = register("Sesame-4417", 3);
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(ua.verdicts).containsExactly(DigestServer.Verdict.OK, DigestServer.Verdict.OK, DigestServer.Verdict.OK);
    }

    @Test
    void sippWithAWrongPasswordIsRefused() throws Exception {
        Sipp.Run run = register("guess", 1);
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(ua.verdicts).containsExactly(DigestServer.Verdict.BAD);
    }
}
