package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.core.db.TestDatabases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The whole server on PostgreSQL instead of SQLite: start, migrate, sign in, manage, import. */
class PostgresServerTest {
    @Test
    void theServerRunsOnPostgresql() throws Exception {
        Assumptions.assumeTrue(TestDatabases.postgresUrl().isPresent(), "ATRIUM_TEST_PG is not set");
        var pg = TestDatabases.postgresConfig();
        try (TestServer server = TestServer.start(Map.of("db.url", pg.string("db.url"), "db.user", pg.string("db.user")))) {
            TestClient admin = server.admin();
            assertThat(admin.get("/health").json().get("database").asText()).isEqualTo("up");
            assertThat(admin.post("/api/v1/groups", Map.of("name", "Port-Louis")).status()).isEqualTo(201);
            var created = admin.post("/api/v1/users", Map.of("login", "kavi", "displayName", "Kâvi Boodhoo",
                    "password", "Banyan-Lagoon-7713", "groups", List.of("Port-Louis")));
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(admin.get("/api/v1/users?q=kavi").json().get("total").asInt()).isEqualTo(1);
            assertThat(server.client().signIn("kavi", "Banyan-Lagoon-7713").status()).isEqualTo(200);
            assertThat(admin.get("/api/v1/audit?actor=kavi&action=sign-in").json().get("items").size()).isEqualTo(1);
        }
    }

    /** The run-time settings and the logo (base64 text in files_branding_logo) on PostgreSQL. */
    @Test
    void theAdminSettingsAndTheLogoAreKeptOnPostgresql() throws Exception {
        Assumptions.assumeTrue(TestDatabases.postgresUrl().isPresent(), "ATRIUM_TEST_PG is not set");
        var pg = TestDatabases.postgresConfig();
        try (TestServer server = TestServer.start(Map.of("db.url", pg.string("db.url"), "db.user", pg.string("db.user")))) {
            TestClient admin = server.admin();
            var policy = admin.patch("/api/v1/admin/sharing", Map.of("maxExpiryDays", 20, "passwordEnforced", true));
            assertThat(policy.status()).as(policy.body()).isEqualTo(200);
            assertThat(admin.get("/api/v1/admin/sharing").json().get("maxExpiryDays").asInt()).isEqualTo(20);
            byte[] png = AdminSettingsTest.png(200, 50, false);
            var logo = admin.send("PUT", "/api/v1/admin/branding/logo", png, Map.of("Content-Type", "image/png"));
            assertThat(logo.status()).as(logo.body()).isEqualTo(200);
            // Replaced in place: a second logo is one row too.
            assertThat(admin.send("PUT", "/api/v1/admin/branding/logo", png, Map.of("Content-Type", "image/png")).status()).isEqualTo(200);
            var served = DavClient.send(server.baseUrl(), java.util.Optional.empty(), "GET", logo.json().get("logoUrl").asText(), null);
            assertThat(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(served.body())).getWidth()).isEqualTo(200);
            assertThat(admin.delete("/api/v1/admin/branding/logo").status()).isEqualTo(204);
        }
    }
}
