package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImportTest {
    static TestServer server;
    static TestClient admin;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("import.max-bytes", "200000"));
        admin = server.admin();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What French Excel writes for "CSV UTF-8": a BOM, semicolons, CRLF, quotes where needed. */
    static byte[] frenchExcel(String... rows) {
        StringBuilder sb = new StringBuilder("\uFEFFIdentifiant;Nom affiché;Courriel;Groupes;Quota;Mot de passe\r\n");
        for (String r : rows) {
            sb.append(r).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static JsonNode runImport(byte[] csv, boolean dryRun) throws InterruptedException {
        return runImport(admin, csv, dryRun);
    }

    /** Runs an import as {@code admin} and waits for its report. */
    static JsonNode runImport(TestClient admin, byte[] csv, boolean dryRun) throws InterruptedException {
        var started = admin.send("POST", "/api/v1/imports?dryRun=" + dryRun, csv, Map.of("Content-Type", "text/csv"));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().get("id").asText();
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            JsonNode s = admin.get("/api/v1/imports/" + id).json();
            if (!s.get("status").asText().equals("running")) {
                return s;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("import did not finish");
    }

    @Test
    void aDryRunShowsWhatWouldHappenAndChangesNothing() throws Exception {
        JsonNode r = runImport(frenchExcel("jdupont;\"Dupont; Jean\";jean@example.fr;\"Paris,Compta\";10 Go;",
                "ntrabelsi;Nadia Trabelsi;nadia@example.tn;Tunis;none;"), true);
        assertThat(r.get("status").asText()).isEqualTo("done");
        assertThat(r.get("created").toString()).contains("jdupont", "ntrabelsi");
        assertThat(r.get("newGroups").toString()).contains("Paris", "Compta", "Tunis");
        assertThat(admin.get("/api/v1/users/jdupont").status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/groups").body()).doesNotContain("Compta");
    }

    @Test
    void aRealRunImportsValidRowsReportsBadOnesAndRunningItAgainUpdates() throws Exception {
        byte[] csv = frenchExcel(
                "mmartin;\"Martin, Marie\";marie@example.fr;\"Lyon,RH\";500 Mo;",
                "bad email;Someone;nope;;;",
                "kboodhoo;Kavi Boodhoo;kavi@example.mu;Port-Louis;none;Banyan-Lagoon-7713",
                "mmartin;Duplicate;dup@example.fr;;;",
                "weakpw;Weak Password;weak@example.fr;;;azerty");
        JsonNode r = runImport(csv, false);
        assertThat(r.get("status").asText()).isEqualTo("done");
        assertThat(r.get("created").toString()).contains("mmartin", "kboodhoo");
        JsonNode errors = r.get("errors");
        assertThat(errors.findValues("line").stream().map(JsonNode::asInt).distinct().toList()).containsExactly(3, 5, 6);
        assertThat(errors.toString()).contains("already appears on line 2");
        assertThat(r.get("passwordsAvailable").asBoolean()).isTrue();

        var marie = admin.get("/api/v1/users/mmartin").json();
        assertThat(marie.get("displayName").asText()).isEqualTo("Martin, Marie");
        assertThat(marie.get("quota").asLong()).isEqualTo(500L * 1024 * 1024);
        assertThat(marie.get("groups").toString()).contains("Lyon", "RH");
        assertThat(server.client().signIn("kboodhoo", "Banyan-Lagoon-7713").status()).isEqualTo(200);

        var passwords = admin.get("/api/v1/imports/" + r.get("id").asText() + "/passwords.csv");
        assertThat(passwords.status()).isEqualTo(200);
        String line = passwords.body().lines().filter(l -> l.startsWith("mmartin;")).findFirst().orElseThrow();
        assertThat(server.client().signIn("mmartin", line.substring("mmartin;".length())).status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/imports/" + r.get("id").asText() + "/passwords.csv").status()).isEqualTo(410);

        JsonNode again = runImport(frenchExcel("mmartin;Marie Martin;marie@example.fr;RH;1 Go;"), false);
        assertThat(again.get("updated").toString()).contains("mmartin");
        assertThat(again.get("created").size()).isZero();
        assertThat(admin.get("/api/v1/users?q=mmartin").json().get("total").asInt()).isEqualTo(1);
        assertThat(admin.get("/api/v1/users/mmartin").json().get("quota").asLong()).isEqualTo(1024L * 1024 * 1024);
    }

    @Test
    void aFileOverTheLimitIsRefusedWith413() {
        byte[] big = new byte[300_000];
        java.util.Arrays.fill(big, (byte) 'a');
        var r = admin.send("POST", "/api/v1/imports?dryRun=true", big, Map.of("Content-Type", "text/csv"));
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("message").asText()).contains("larger than the limit");
    }

    @Test
    void aMalformedFileIsReportedNotImported() throws Exception {
        JsonNode r = runImport("name;mail\r\nfoo;bar\r\n".getBytes(StandardCharsets.UTF_8), false);
        assertThat(r.get("errors").get(0).get("line").asInt()).isEqualTo(1);
        assertThat(r.get("created").size()).isZero();
    }

    @Test
    void aThousandRowsImportQuickly() throws Exception {
        StringBuilder sb = new StringBuilder("login,display name,email,groups,quota\n");
        for (int i = 0; i < 1000; i++) {
            sb.append("bulk").append(i).append(",Bulk User ").append(i).append(",bulk").append(i)
                    .append("@example.com,\"Bulk,Site").append(i % 5).append("\",5 GB\n");
        }
        long t0 = System.nanoTime();
        JsonNode r = runImport(sb.toString().getBytes(StandardCharsets.UTF_8), false);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.get("errors").size()).as(r.get("errors").toString()).isZero();
        assertThat(r.get("created").size()).isEqualTo(1000);
        System.out.println("IMPORT-FIGURE 1000 rows (generated passwords) through the API in " + ms + " ms");
    }
}
