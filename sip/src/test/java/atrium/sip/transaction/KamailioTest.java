package atrium.sip.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.NameAddr;
import atrium.sip.SipRequest;
import atrium.sip.Sipp;
import atrium.sip.transport.Protocol;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Kamailio 5.6 as a record-routing stateful proxy between sipp's UAC and the library's UAS: requests arrive
 * with two Vias and a Record-Route, and responses find their way back through the proxy's Via. Skipped without
 * Kamailio unless ATRIUM_TEST_KAMAILIO=required.
 */
class KamailioTest {
    private static final Path KAMAILIO = Path.of("/usr/sbin/kamailio");

    @TempDir
    Path dir;
    private TestUa ua;
    private Process kamailio;
    private int proxyPort;

    @BeforeEach
    void start() throws Exception {
        if (!"required".equals(System.getenv("ATRIUM_TEST_KAMAILIO"))) {
            Assumptions.assumeTrue(Files.isExecutable(KAMAILIO), "kamailio is not installed (apt-get install kamailio)");
        }
        assertThat(KAMAILIO).as("Debian's kamailio is needed for this interop test").isExecutable();
        Sipp.require();
        ua = TestUa.udp(Timers.DEFAULT);
        proxyPort = Sipp.freePort();
        String cfg;
        try (InputStream in = KamailioTest.class.getResourceAsStream("/kamailio/proxy.cfg")) {
            cfg = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path file = dir.resolve("proxy.cfg");
        Files.writeString(file, cfg.replace("PROXY_PORT", Integer.toString(proxyPort))
                .replace("UAS_PORT", Integer.toString(ua.port(Protocol.UDP))));
        kamailio = new ProcessBuilder(KAMAILIO.toString(), "-f", file.toString(), "-DD", "-E", "-w", dir.toString(),
                "-P", dir.resolve("kamailio.pid").toString(), "-Y", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("kamailio.log").toFile()).start();
        Sipp.awaitPort("udp", proxyPort);
    }

    @AfterEach
    void stop() throws Exception {
        if (kamailio != null) {
            kamailio.destroy();
            if (!kamailio.waitFor(5, TimeUnit.SECONDS)) {
                kamailio.destroyForcibly().waitFor();
            }
        }
        if (ua != null) {
            ua.close();
        }
    }

    @Test
    void sippCallsOurUasThroughKamailio() throws Exception {
        Sipp.Run run = Sipp.run(dir, "-sn", "uac", "-i", "127.0.0.1", "-p", "0", "-m", "3", "-l", "1",
                "127.0.0.1:" + proxyPort);
        assertThat(run.exitCode()).as(run + "\n" + Files.readString(dir.resolve("kamailio.log"))).isZero();
        SipRequest invite = ua.requests.stream().filter(r -> r.method().equals("INVITE")).findFirst().orElseThrow();
        assertThat(invite.vias()).hasSize(2);
        assertThat(invite.topVia().port()).hasValue(proxyPort);
        assertThat(NameAddr.parse(invite.header("Record-Route").orElseThrow()).sipUri().params().has("lr")).isTrue();
        assertThat(ua.requests).filteredOn(r -> r.method().equals("BYE")).hasSize(3);
        TestUa.await(() -> ua.acks.size() == 3, Duration.ofSeconds(5));
        assertThat(ua.noAcks).hasValue(0);
    }
}
