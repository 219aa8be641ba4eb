package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.Sipp;
import atrium.sip.transport.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's sipp registers to Atrium's registrar with {@code [authentication]} over UDP and TCP, and guesses passwords
 * until it is blocked. Skipped without sipp unless ATRIUM_TEST_SIPP=required (CI).
 */
class VoipSippTest {
    private TestServer server;
    private TestClient admin;

    @BeforeEach
    void start() {
        Sipp.require();
        server = TestServer.start(VoipRegistrarTest.with(Map.of("sip.block-after-failures", "4",
                "sip.free-failures", "1", "sip.delay-ms", "10")));
        admin = server.admin();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int port(Protocol p) {
        return server.atrium.voip().sip.orElseThrow().port(p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tcp"})
    void sippRegistersWithDigestAndIsListed(String transport, @TempDir Path dir) throws Exception {
        String[] dev = VoipRegistrarTest.userWithDevice(admin, "alice", "1001");
        Path scenario = Sipp.scenario(dir, "/sipp/register-digest.xml");
        Protocol protocol = transport.equals("udp") ? Protocol.UDP : Protocol.TCP;
        Sipp.Run run = Sipp.run(dir, "-sf", scenario.toString(), "-s", dev[0], "-au", dev[0], "-ap", dev[1],
                "-t", transport.equals("udp") ? "u1" : "t1", "-i", "127.0.0.1", "-p", Integer.toString(Sipp.freePort()),
                "-m", "1", "127.0.0.1:" + port(protocol));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode items = admin.get("/api/v1/admin/voip/registrations").json().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("device").asText()).isEqualTo("1001-1");
        assertThat(items.get(0).get("transport").asText()).isEqualTo(transport);
        assertThat(items.get(0).get("userAgent").asText()).isEqualTo("sipp");
    }

    @Test
    void sippGuessingPasswordsGets401ThenTheAddressIsBlocked(@TempDir Path dir) throws Exception {
        String[] dev = VoipRegistrarTest.userWithDevice(admin, "alice", "1001");
        Path scenario = Sipp.scenario(dir, "/voip/register-wrong-password.xml");
        Sipp.Run run = Sipp.run(dir, "-sf", scenario.toString(), "-s", dev[0], "-au", dev[0], "-ap", "guess-1234",
                "-i", "127.0.0.1", "-p", Integer.toString(Sipp.freePort()), "-m", "1", "127.0.0.1:" + port(Protocol.UDP));
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(admin.get("/api/v1/audit?action=sip-auth-failed").json().get("items")).hasSize(4);
        assertThat(admin.get("/api/v1/audit?action=sip-address-blocked").json().get("items")).hasSize(1);
        assertThat(admin.get("/api/v1/admin/voip/registrations").json().get("items")).isEmpty();
    }
}
