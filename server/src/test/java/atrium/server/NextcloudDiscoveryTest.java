package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the Nextcloud desktop and mobile apps ask first (shared/reference/nextcloud-client-protocol.md §1). */
class NextcloudDiscoveryTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void statusPhpSaysInstalledWithAVersionTheClientsAccept() {
        var r = server.client().get("/status.php");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("installed").asBoolean()).isTrue();
        assertThat(r.json().get("maintenance").asBoolean()).isFalse();
        assertThat(r.json().get("version").asText()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void capabilitiesAnswerInCompactOcsJsonWithStatuscode100OnV1() {
        var r = server.client().send("GET", "/ocs/v1.php/cloud/capabilities?format=json", null, Map.of("OCS-APIREQUEST", "true"));
        assertThat(r.status()).isEqualTo(200);
        // The desktop client reads the status with a regex that allows no space after the colon.
        assertThat(r.body()).contains("\"statuscode\":100");
        assertThat(r.json().at("/ocs/data/capabilities/checksums/preferredUploadType").asText()).isEqualTo("SHA1");
        assertThat(r.json().at("/ocs/data/capabilities/dav/chunking").asText()).isEqualTo("1.0");
        // Offered to every client but old desktop ones (BulkUploadTest).
        assertThat(r.json().at("/ocs/data/capabilities/dav/bulkupload").asText()).isEqualTo("1.0");
        var v2 = server.client().get("/ocs/v2.php/cloud/capabilities?format=json");
        assertThat(v2.body()).contains("\"statuscode\":200");
    }

    @Test
    void theUserEndpointGivesTheIdAndQuotaWithAnAppPassword() {
        TestClient admin = server.admin();
        admin.post("/api/v1/users", Map.of("login", "syncer", "password", "Cobalt-Harbour-3317", "quota", "2 GB"));
        TestClient browser = server.client();
        browser.signIn("syncer", "Cobalt-Harbour-3317");
        String appPassword = browser.post("/api/v1/me/app-passwords", Map.of("name", "Desktop")).json().get("password").asText();
        var r = server.client().basic("syncer", appPassword).send("GET", "/ocs/v1.php/cloud/user?format=json", null,
                Map.of("OCS-APIREQUEST", "true"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"statuscode\":100");
        assertThat(r.json().at("/ocs/data/id").asText()).isEqualTo("syncer");
        assertThat(r.json().at("/ocs/data/quota/total").asLong()).isEqualTo(2L * 1024 * 1024 * 1024);
        assertThat(r.json().at("/ocs/data/quota/used").asLong()).isZero();
        assertThat(server.client().get("/ocs/v1.php/cloud/user?format=json").status()).isEqualTo(401);
    }
}
