package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.sip.Sipp;
import atrium.sip.transport.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * baresip 1.0.0 (Debian baresip-core) registers to Atrium over UDP and over TLS with digest and stays registered: it asks for
 * 60 s, is granted 4 (sip.max-expires), reads that from its own Contact in the 200 and re-registers before the
 * binding expires, again and again. Skipped without baresip unless ATRIUM_TEST_BARESIP=required (CI).
 */
class VoipBaresipTest {
    static final Path BARESIP = Path.of("/usr/bin/baresip");

    private TestServer server;

    /** Skips the test without baresip, unless ATRIUM_TEST_BARESIP=required (CI), where it fails it. */
    static void requireBaresip() {
        if (!"required".equals(System.getenv("ATRIUM_TEST_BARESIP"))) {
            Assumptions.assumeTrue(Files.isExecutable(BARESIP), "baresip is not installed (apt-get install baresip-core)");
        }
        assertThat(BARESIP).as("Debian's baresip (baresip-core) is needed for this interop test").isExecutable();
    }

    @BeforeEach
    void start() {
        requireBaresip();
        server = TestServer.start(VoipRegistrarTest.with(Map.of("sip.min-expires", "2", "sip.max-expires", "4",
                "sip.default-expires", "4")));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp", "tls"})
    void baresipRegistersAndKeepsItsBindingAlive(String transport, @TempDir Path conf) throws Exception {
        TestClient admin = server.admin();
        String[] dev = VoipRegistrarTest.userWithDevice(admin, "alice", "1001");
        int port = server.atrium.voip().sip.orElseThrow().port(Protocol.valueOf(transport.toUpperCase()));
        // Over TLS baresip (libre) does not verify the server's certificate by default (sip-pbx-notes §7).
        Files.writeString(conf.resolve("accounts"), "<sip:" + dev[0] + "@127.0.0.1:" + port + ";transport=" + transport
                + ">;auth_pass=" + dev[1] + ";regint=60\n");
        Files.writeString(conf.resolve("config"), String.join("\n", "sip_listen 127.0.0.1:" + Sipp.freePortForBaresip(),
                "module_path /usr/lib/baresip/modules", "module g711.so", "module account.so", "module menu.so", ""));
        Process baresip = new ProcessBuilder(BARESIP.toString(), "-f", conf.toString(), "-t", "14")
                .redirectErrorStream(true).redirectOutput(conf.resolve("baresip.log").toFile()).start();
        try {
            long first = awaitBinding(admin, 0, conf);
            long second = awaitBinding(admin, first, conf);
            long third = awaitBinding(admin, second, conf);
            assertThat(third).isGreaterThan(second).isGreaterThan(first);
            JsonNode reg = admin.get("/api/v1/admin/voip/registrations").json().get("items").get(0);
            assertThat(reg.get("device").asText()).isEqualTo(dev[0]);
            assertThat(reg.get("transport").asText()).isEqualTo(transport);
            assertThat(reg.get("userAgent").asText()).startsWith("baresip");
            assertThat(baresip.waitFor(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            baresip.destroyForcibly().waitFor();
        }
        // On the way out baresip un-registers (Expires: 0).
        assertThat(admin.get("/api/v1/admin/voip/registrations").json().get("items"))
                .as(Files.readString(conf.resolve("baresip.log"))).isEmpty();
    }

    /** Waits (at most 8 s) for baresip's binding to be listed with an expiry later than {@code after}; returns it. */
    private static long awaitBinding(TestClient admin, long after, Path conf) throws Exception {
        long end = System.nanoTime() + 8_000_000_000L;
        while (System.nanoTime() < end) {
            JsonNode items = admin.get("/api/v1/admin/voip/registrations").json().get("items");
            if (!items.isEmpty() && items.get(0).get("expiresAt").asLong() > after) {
                return items.get(0).get("expiresAt").asLong();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no (re-)registration after " + after + ":\n" + Files.readString(conf.resolve("baresip.log")));
    }
}
