package atrium.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.DigestServer;
import atrium.sip.Sipp;
import atrium.sip.transport.Protocol;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * baresip 1.0.0 (Debian baresip-core) registers with digest authentication to a registrar written with the library,
 * then calls it: INVITE, 200 with SDP, ACK, and BYE when baresip quits — over UDP and over TCP. Skipped without
 * baresip unless ATRIUM_TEST_BARESIP=required.
 */
class BaresipTest {
    private static final Path BARESIP = Path.of("/usr/bin/baresip");

    private TestUa ua;

    @BeforeEach
    void start() throws Exception {
        if (!"required".equals(System.getenv("ATRIUM_TEST_BARESIP"))) {
            Assumptions.assumeTrue(Files.isExecutable(BARESIP), "baresip is not installed (apt-get install baresip-core)");
        }
        assertThat(BARESIP).as("Debian's baresip (baresip-core) is needed for this interop test").isExecutable();
        ua = TestUa.udp(Timers.DEFAULT);
        ua.transports.listenTcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), ua.port(Protocol.UDP)));
        ua.registrar = Optional.of(new TestUa.Registrar(new DigestServer("atrium.test", "baresip-test-secret".getBytes(),
                Clock.systemUTC(), Duration.ofMinutes(5)), Map.of("1002", "Lantern-7731")));
    }

    @AfterEach
    void stop() throws Exception {
        ua.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void baresipRegistersWithDigestAndCallsOurUas(String transport, @org.junit.jupiter.api.io.TempDir Path conf)
            throws Exception {
        int port = ua.port(Protocol.UDP);
        int own = Sipp.freePortForBaresip();
        Files.writeString(conf.resolve("accounts"), "<sip:1002@127.0.0.1:" + port + ";transport=" + transport
                + ">;auth_pass=Lantern-7731;regint=60\n");
        Files.writeString(conf.resolve("config"), String.join("\n", "sip_listen 127.0.0.1:" + own,
                "module_path /usr/lib/baresip/modules", "module g711.so", "module ausine.so", "module aufile.so",
                "module account.so", "module menu.so", "audio_player aufile,/dev/null", "audio_source ausine,400", ""));
        Process baresip = new ProcessBuilder(BARESIP.toString(), "-f", conf.toString(), "-t", "4",
                "-e", "/dial sip:uas@127.0.0.1:" + port + ";transport=" + transport)
                .redirectErrorStream(true).redirectOutput(conf.resolve("baresip.log").toFile()).start();
        assertThat(baresip.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(conf.resolve("baresip.log"));
        assertThat(ua.verdicts).as(log).contains(DigestServer.Verdict.OK).doesNotContain(DigestServer.Verdict.BAD);
        assertThat(ua.requests).as(log).extracting(r -> r.method()).contains("REGISTER", "INVITE", "BYE");
        assertThat(ua.requests).allSatisfy(r -> assertThat(r.topVia().transport()).isEqualTo(transport.toUpperCase()));
        assertThat(ua.acks).as(log).hasSize(1);
        assertThat(log).contains("200 OK");
    }
}
