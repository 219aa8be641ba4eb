package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.core.db.TestDatabases;
import atrium.sip.transport.Protocol;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The voip tables on PostgreSQL: extensions, devices with sealed HA1s, bindings added, refreshed and removed. */
class PostgresVoipTest {
    @Test
    void extensionsDevicesAndRegistrationsWorkOnPostgresql() throws Exception {
        Assumptions.assumeTrue(TestDatabases.postgresUrl().isPresent(), "ATRIUM_TEST_PG is not set");
        var pg = TestDatabases.postgresConfig();
        try (TestServer server = TestServer.start(VoipRegistrarTest.with(Map.of("db.url", pg.string("db.url"),
                "db.user", pg.string("db.user"))))) {
            TestClient admin = server.admin();
            String[] dev = VoipRegistrarTest.userWithDevice(admin, "alice", "1001");
            assertThat(admin.send("PUT", "/api/v1/admin/voip/extensions/alice", Map.of("number", "1001"), Map.of())
                    .status()).isEqualTo(200);
            try (SipPhone phone = new SipPhone(Protocol.UDP, server.atrium.voip().sip.orElseThrow().port(Protocol.UDP))) {
                for (int i = 0; i < 2; i++) { // the second REGISTER refreshes the same binding
                    assertThat(phone.withDigest(phone.register("1001-1", List.of(phone.contact("a")), Optional.of(120)),
                            dev[0], dev[1]).status()).isEqualTo(200);
                }
                assertThat(admin.get("/api/v1/admin/voip/registrations").json().get("items")).hasSize(1);
                assertThat(phone.withDigest(phone.register("1001-1", List.of("*"), Optional.of(0)), dev[0], dev[1])
                        .status()).isEqualTo(200);
            }
            assertThat(admin.get("/api/v1/admin/voip/registrations").json().get("items")).isEmpty();
            assertThat(admin.delete("/api/v1/admin/voip/extensions/alice").status()).isEqualTo(204);
            assertThat(admin.get("/api/v1/admin/voip/extensions").json().get("items")).isEmpty();
        }
    }
}
