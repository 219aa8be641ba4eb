package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.transport.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * linphonec 5.1 (Debian linphone-cli) registers to Atrium with digest over UDP and over TLS — over TLS checking the
 * server's certificate and its name (localhost) against the server's own self-signed certificate given as its only
 * root, as linphone does by default — and un-registers when it quits. Skipped without linphonec unless
 * ATRIUM_TEST_LINPHONE=required (CI).
 */
class VoipLinphoneTest {
    private static final Path LINPHONEC = Path.of("/usr/bin/linphonec");

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tls"})
    void linphoneRegistersAndUnregistersOnQuit(String transport, @TempDir Path home) throws Exception {
        if (!"required".equals(System.getenv("ATRIUM_TEST_LINPHONE"))) {
            Assumptions.assumeTrue(Files.isExecutable(LINPHONEC), "linphonec is not installed (apt-get install linphone-cli)");
        }
        assertThat(LINPHONEC).as("Debian's linphonec (linphone-cli) is needed for this interop test").isExecutable();
        try (TestServer server = TestServer.start(VoipRegistrarTest.VOIP)) {
            registersAndUnregisters(server, transport, home);
        }
    }

    private static void registersAndUnregisters(TestServer server, String transport, Path home) throws Exception {
        TestClient admin = server.admin();
        String[] dev = VoipRegistrarTest.userWithDevice(admin, "alice", "1001");
        int port = server.atrium.voip().sip.orElseThrow().port(Protocol.valueOf(transport.toUpperCase()));
        // Without its database directory linphone 5.1 never starts its SIP stack (no listening point, no REGISTER).
        Files.createDirectories(home.resolve(".local/share/linphone"));
        // linphone 5.1's TLS (mbedTLS) skips IP address SANs ("<unsupported>") and then finds the CN wrong: over TLS it
        // is given the name the certificate carries, as a real phone is given the server's domain.
        String host = transport.equals("tls") ? "localhost" : "127.0.0.1";
        Path rc = home.resolve("linphonerc");
        Files.writeString(rc, String.join("\n",
                "[sip]",
                // -1: a random local port (parallel runs and other peers do not collide); 0: no TCP listener
                "sip_port=-1", "sip_tcp_port=0", "sip_tls_port=-1",
                "root_ca=" + server.dataDir.resolve("tls").resolve(TlsFiles.CERT_FILE),
                "verify_server_certs=1", "verify_server_cn=1",
                "[sound]", "capture_dev_id=", "playback_dev_id=", "ringer_dev_id=",
                "[auth_info_0]", "username=" + dev[0], "passwd=" + dev[1], "realm=atrium.test",
                "[proxy_0]", "reg_proxy=<sip:" + host + ":" + port + ";transport=" + transport + ">",
                "reg_identity=sip:" + dev[0] + "@127.0.0.1", "reg_expires=60", "reg_sendregister=1", "publish=0", ""));
        Path log = home.resolve("linphone.log");
        ProcessBuilder pb = new ProcessBuilder(LINPHONEC.toString(), "-c", rc.toString(), "-d", "6", "-l", log.toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("out.txt").toFile());
        pb.environment().put("HOME", home.toString());
        Process linphone = pb.start();
        try {
            JsonNode reg = awaitRegistrations(admin, 1, home);
            assertThat(reg.get("device").asText()).isEqualTo(dev[0]);
            assertThat(reg.get("transport").asText()).isEqualTo(transport);
            assertThat(reg.get("userAgent").asText()).containsIgnoringCase("linphone");
            OutputStream in = linphone.getOutputStream();
            in.write("quit\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            assertThat(linphone.waitFor(20, TimeUnit.SECONDS)).as(logs(home)).isTrue();
        } finally {
            linphone.destroyForcibly().waitFor();
        }
        // On quit linphone un-registers (Expires: 0) before exiting.
        awaitRegistrations(admin, 0, home);
    }

    /** Waits (at most 15 s) until {@code count} bindings are listed; returns the first (or null for none). */
    private static JsonNode awaitRegistrations(TestClient admin, int count, Path home) throws Exception {
        long end = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < end) {
            JsonNode items = admin.get("/api/v1/admin/voip/registrations").json().get("items");
            if (items.size() == count) {
                return items.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not " + count + " registration(s):\n" + logs(home));
    }

    private static String logs(Path home) throws Exception {
        StringBuilder b = new StringBuilder();
        for (String name : new String[] {"out.txt", "linphone.log"}) {
            Path p = home.resolve(name);
            if (Files.exists(p)) {
                String s = Files.readString(p, StandardCharsets.ISO_8859_1);
                b.append("--- ").append(name).append('\n').append(s.length() > 20_000 ? s.substring(s.length() - 20_000) : s);
            }
        }
        return b.toString();
    }
}
