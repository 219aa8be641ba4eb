package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.SipRequest;
import atrium.sip.SipResponse;
import atrium.sip.Sipp;
import atrium.sip.transport.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Kamailio 5.6 as the edge proxy in front of the registrar, adding a Path (RFC 3327) to each REGISTER: the
 * binding keeps it (listed by the registrations API) and the 200 copies it back to a phone that said
 * {@code Supported: path}, never to one that did not (a phone written with the sip library, and sipp). Skipped without Kamailio unless ATRIUM_TEST_KAMAILIO=required.
 */
class VoipKamailioTest {
    private static final Path KAMAILIO = Path.of("/usr/sbin/kamailio");

    @Test
    void kamailioInFrontAddsAPathThatTheRegistrarKeepsAndEchoes(@TempDir Path dir) throws Exception {
        if (!"required".equals(System.getenv("ATRIUM_TEST_KAMAILIO"))) {
            Assumptions.assumeTrue(Files.isExecutable(KAMAILIO), "kamailio is not installed (apt-get install kamailio)");
        }
        assertThat(KAMAILIO).as("Debian's kamailio is needed for this interop test").isExecutable();
        try (TestServer server = TestServer.start(VoipRegistrarTest.VOIP)) {
            TestClient admin = server.admin();
            String[] dev = VoipRegistrarTest.userWithDevice(admin, "alice", "1001");
            int proxyPort = Sipp.freePort();
            String cfg;
            try (InputStream in = VoipKamailioTest.class.getResourceAsStream("/voip/kamailio-path.cfg")) {
                cfg = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Path file = dir.resolve("proxy.cfg");
            Files.writeString(file, cfg.replace("PROXY_PORT", Integer.toString(proxyPort)).replace("ATRIUM_PORT",
                    Integer.toString(server.atrium.voip().sip.orElseThrow().port(Protocol.UDP))));
            Process kamailio = new ProcessBuilder(KAMAILIO.toString(), "-f", file.toString(), "-DD", "-E", "-w",
                    dir.toString(), "-P", dir.resolve("kamailio.pid").toString(), "-Y", dir.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("kamailio.log").toFile()).start();
            try (SipPhone phone = new SipPhone(Protocol.UDP, proxyPort)) {
                Sipp.awaitPort("udp", proxyPort);
                String log = "kamailio.log";
                SipRequest register = phone.register(dev[0], List.of(phone.contact(dev[0])), Optional.of(60));
                SipResponse ok = phone.withDigest(register.with("Supported", "path"), dev[0], dev[1]);
                assertThat(ok.status()).as(Files.readString(dir.resolve(log))).isEqualTo(200);
                String path = ok.header("Path").orElseThrow();
                assertThat(path).startsWith("<sip:127.0.0.1:" + proxyPort).contains(";lr")
                        .contains("received=sip:127.0.0.1:" + phone.localPort());
                assertThat(ok.headers().all("Supported")).contains("path");

                JsonNode binding = admin.get("/api/v1/admin/voip/registrations").json().get("items").get(0);
                assertThat(binding.get("path").asText()).isEqualTo(path);
                assertThat(binding.get("source").asText()).isEqualTo("127.0.0.1:" + proxyPort);

                // Without Supported: path the binding still keeps the Path (requests must go through the proxy),
                // but the 200 does not show it (RFC 3327 §5.3).
                SipResponse plain = phone.withDigest(phone.register(dev[0], List.of(phone.contact(dev[0])),
                        Optional.of(60)), dev[0], dev[1]);
                assertThat(plain.status()).isEqualTo(200);
                assertThat(plain.header("Path")).isEmpty();
                assertThat(admin.get("/api/v1/admin/voip/registrations").json().get("items").get(0).get("path").asText())
                        .contains(";lr");

                // sipp, a real UA without path support, registers with digest through Kamailio: its binding has the
                // Path naming sipp's own address.
                Sipp.require();
                String[] bob = VoipRegistrarTest.userWithDevice(admin, "bob", "1002");
                int sippPort = Sipp.freePort();
                Sipp.Run run = Sipp.run(dir, "-sf", Sipp.scenario(dir, "/sipp/register-digest.xml").toString(), "-s", bob[0],
                        "-au", bob[0], "-ap", bob[1], "-i", "127.0.0.1", "-p", Integer.toString(sippPort), "-m", "1",
                        "127.0.0.1:" + proxyPort);
                assertThat(run.exitCode()).as(run + "\n" + Files.readString(dir.resolve(log))).isZero();
                JsonNode sipp = null;
                for (JsonNode item : admin.get("/api/v1/admin/voip/registrations").json().get("items")) {
                    sipp = item.get("device").asText().equals(bob[0]) ? item : sipp;
                }
                assertThat(sipp).isNotNull();
                assertThat(sipp.get("userAgent").asText()).isEqualTo("sipp");
                assertThat(sipp.get("path").asText()).startsWith("<sip:127.0.0.1:" + proxyPort)
                        .contains("received=sip:127.0.0.1:" + sippPort);
            } finally {
                kamailio.destroy();
                if (!kamailio.waitFor(5, TimeUnit.SECONDS)) {
                    kamailio.destroyForcibly().waitFor();
                }
            }
        }
    }
}
