package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.core.TestClamd;
import atrium.files.StorageCheck;
import atrium.server.BulkUploadTest.Multipart;
import atrium.server.BulkUploadTest.User;
import atrium.server.DavClient.Res;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploads scanned by a real clamd (its own EICAR-only database, StreamMaxLength 1 MiB):
 * EICAR refused through a WebDAV PUT, a chunked upload and a bulk upload, with the status
 * and message Nextcloud clients show, in English and French; nothing visible afterwards;
 * the audit log; /health and the upload rules when clamd is killed; the quarantine.
 */
class AntivirusTest {
    private static final long LIMIT = 1 << 20;
    private static final String SABRE = "http://sabredav.org/ns";
    static TestClamd clamd;
    /** Default rules: refuse infected, block when down, let too-large files through. */
    static TestServer strict;
    /** The other rules: quarantine, let through when down, refuse too-large files. */
    static TestServer lenient;
    static int users;

    @BeforeAll
    static void start() {
        clamd = TestClamd.start(LIMIT);
        strict = TestServer.start(Map.of("proxy.enabled", "true", "antivirus.clamd", clamd.address(),
                "antivirus.timeout-seconds", "5"));
        lenient = TestServer.start(Map.of("proxy.enabled", "true", "antivirus.clamd", clamd.socket().toString(),
                "antivirus.infected", "quarantine", "antivirus.unavailable", "allow", "antivirus.too-large", "refuse",
                "antivirus.timeout-seconds", "5"));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {strict, lenient, clamd}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // Closing the others matters more.
            }
        }
    }

    static User user(TestServer at) {
        String login = "scanned" + (++users);
        return new User(at, login, DavTest.userWithAppPassword(at, login, "Heron-Quartz-" + (7000 + users), Optional.empty()));
    }

    static String message(Res r) {
        return r.xml().getElementsByTagNameNS(SABRE, "message").item(0).getTextContent();
    }

    static String exception(Res r) {
        return r.xml().getElementsByTagNameNS(SABRE, "exception").item(0).getTextContent();
    }

    static int status(User u, String path) {
        return u.send("GET", u.files() + path, (byte[]) null).status();
    }

    /** The audit entries of one action whose target is the user's path, through the admin API. */
    static JsonNode audit(TestServer at, String action, String target) {
        var r = at.admin().get("/api/v1/audit?action=" + action + "&q=" + java.net.URLEncoder.encode(target, StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(200);
        return r.json().get("items");
    }

    static Res put(User u, String path, byte[] body, String... headers) {
        return u.send("PUT", u.files() + path, body, headers);
    }

    @Test
    void eicarPutIsRefusedWith415NamingTheSignatureInEnglishAndFrenchAndNothingIsStored() {
        User u = user(strict);
        Res refused = put(u, "/invoice.pdf", TestClamd.eicar());
        assertThat(refused.status()).as(refused.text()).isEqualTo(415);
        assertThat(exception(refused)).isEqualTo("Sabre\\DAV\\Exception\\UnsupportedMediaType");
        assertThat(message(refused)).isEqualTo("The virus scanner found " + TestClamd.SIGNATURE
                + " in 'invoice.pdf': the upload was refused and nothing was stored.");
        Res french = put(u, "/facture.pdf", TestClamd.eicar(), "Accept-Language", "fr-FR,fr;q=0.9");
        assertThat(french.status()).isEqualTo(415);
        assertThat(message(french)).isEqualTo("L’antivirus a trouvé " + TestClamd.SIGNATURE
                + " dans «\u00A0facture.pdf\u00A0»\u00A0: l’envoi a été refusé et rien n’a été enregistré.");
        assertThat(status(u, "/invoice.pdf")).isEqualTo(404);
        assertThat(status(u, "/facture.pdf")).isEqualTo(404);

        JsonNode entries = audit(strict, "upload-infected", u.login() + ":/invoice.pdf");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("actor").asText()).isEqualTo(u.login());
        assertThat(entries.get(0).get("target").asText()).isEqualTo(u.login() + ":/invoice.pdf");
        assertThat(entries.get(0).get("detail").asText()).contains(TestClamd.SIGNATURE).contains("refused");
        assertThat(entries.get(0).get("address").asText()).isEqualTo("127.0.0.1");
    }

    @Test
    void anInfectedOverwriteLeavesTheFileAsItWas() {
        User u = user(strict);
        byte[] clean = "Balance sheet 2024".getBytes(StandardCharsets.UTF_8);
        assertThat(put(u, "/balance.txt", clean).status()).isEqualTo(201);
        String etag = u.etag("/balance.txt");
        assertThat(put(u, "/balance.txt", TestClamd.eicar()).status()).isEqualTo(415);
        Res now = u.send("GET", u.files() + "/balance.txt", (byte[]) null);
        assertThat(now.body()).isEqualTo(clean);
        assertThat(u.etag("/balance.txt")).isEqualTo(etag);
        assertThat(u.send("PROPFIND", "/remote.php/dav/versions/" + u.login() + "/", (byte[]) null, "Depth", "1").text())
                .doesNotContain("balance");
    }

    @Test
    void eicarSplitOverTwoChunksIsRefusedAtAssemblyAndTheUploadIsRemoved() {
        User u = user(strict);
        String upload = "/remote.php/dav/uploads/" + u.login() + "/4711";
        byte[] eicar = TestClamd.eicar();
        assertThat(u.send("MKCOL", upload, (byte[]) null, "OC-Total-Length", Integer.toString(eicar.length)).status())
                .isEqualTo(201);
        assertThat(u.send("PUT", upload + "/0000000000000000", Arrays.copyOfRange(eicar, 0, 30)).status()).isEqualTo(201);
        assertThat(u.send("PUT", upload + "/0000000000000001", Arrays.copyOfRange(eicar, 30, eicar.length)).status())
                .isEqualTo(201);
        Res move = u.send("MOVE", upload + "/.file", (byte[]) null, "Destination", u.files() + "/setup.exe",
                "OC-Total-Length", Integer.toString(eicar.length), "Accept-Language", "fr");
        assertThat(move.status()).as(move.text()).isEqualTo(415);
        assertThat(message(move)).contains(TestClamd.SIGNATURE).contains("«\u00A0setup.exe\u00A0»").contains("refusé");
        assertThat(status(u, "/setup.exe")).isEqualTo(404);
        assertThat(u.send("PROPFIND", upload, (byte[]) null, "Depth", "1").status()).isEqualTo(404);
        assertThat(audit(strict, "upload-infected", u.login() + ":/setup.exe")).hasSize(1);
    }

    @Test
    void inABulkUploadTheInfectedFileFailsAloneWithItsMessage() {
        User u = user(strict);
        byte[] clean = "Minutes of the board".getBytes(StandardCharsets.UTF_8);
        Res r = u.bulk(new Multipart().part("/minutes.txt", clean).part("/payload.com", TestClamd.eicar())
                .part("/after.txt", clean));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode answer = r.json();
        assertThat(answer.get("/minutes.txt").get("error").asBoolean()).isFalse();
        assertThat(answer.get("/after.txt").get("error").asBoolean()).isFalse();
        assertThat(answer.get("/payload.com").get("error").asBoolean()).isTrue();
        assertThat(answer.get("/payload.com").get("message").asText()).isEqualTo("The virus scanner found "
                + TestClamd.SIGNATURE + " in 'payload.com': the upload was refused and nothing was stored.");
        assertThat(status(u, "/minutes.txt")).isEqualTo(200);
        assertThat(status(u, "/payload.com")).isEqualTo(404);
        assertThat(audit(strict, "upload-infected", u.login() + ":/payload.com")).hasSize(1);
    }

    @Test
    void aFileOverTheScannersLimitIsLetThroughUnscannedByDefaultAndAudited() {
        User u = user(strict);
        byte[] big = new byte[(int) LIMIT * 3];
        Arrays.fill(big, (byte) 'x');
        assertThat(put(u, "/video.mp4", big).status()).isEqualTo(201);
        assertThat(u.send("GET", u.files() + "/video.mp4", (byte[]) null).body()).isEqualTo(big);
        JsonNode entries = audit(strict, "upload-unscanned", u.login() + ":/video.mp4");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).get("detail").asText()).contains(Long.toString(big.length)).contains("limit");
    }

    @Test
    void whenClamdDiesHealthSaysSoAndUploadsAreBlockedWith503UntilItIsBack() {
        User u = user(strict);
        var health = strict.client().get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("antivirus").asText()).isEqualTo("up");
        assertThat(health.json().get("status").asText()).isEqualTo("up");
        clamd.kill();
        try {
            var down = strict.client().get("/health");
            assertThat(down.status()).isEqualTo(200);
            assertThat(down.json().get("antivirus").asText()).isEqualTo("down");
            assertThat(down.json().get("status").asText()).isEqualTo("degraded");
            Res blocked = put(u, "/report.docx", "Report".getBytes(StandardCharsets.UTF_8));
            assertThat(blocked.status()).as(blocked.text()).isEqualTo(503);
            assertThat(exception(blocked)).as("not the maintenance exception, which stops a whole sync")
                    .isNotEqualTo("Sabre\\DAV\\Exception\\ServiceUnavailable");
            assertThat(message(blocked)).isEqualTo("The virus scanner cannot be reached, so uploads are refused for now. "
                    + "Try again in a few minutes; if it lasts, tell your administrator.");
            Res french = put(u, "/rapport.docx", "Rapport".getBytes(StandardCharsets.UTF_8), "Accept-Language", "fr");
            assertThat(message(french)).startsWith("L’antivirus est injoignable");
            assertThat(status(u, "/report.docx")).isEqualTo(404);
            assertThat(put(u, "/empty.txt", new byte[0]).status()).as("an empty file needs no scan").isEqualTo(201);
        } finally {
            clamd.restart();
        }
        assertThat(strict.client().get("/health").json().get("antivirus").asText()).isEqualTo("up");
        assertThat(put(u, "/report.docx", "Report".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(201);
    }

    @Test
    void withTheOtherRulesInfectedFilesAreQuarantinedForAdminsTooLargeOnesRefusedAndADeadClamdLetsUploadsThrough() {
        User u = user(lenient);
        Res refused = put(u, "/contract.doc", TestClamd.eicar());
        assertThat(refused.status()).isEqualTo(415);
        assertThat(message(refused)).contains(TestClamd.SIGNATURE).contains("Your administrator has been informed");
        assertThat(status(u, "/contract.doc")).isEqualTo(404);
        var asUser = u.send("GET", "/api/v1/admin/quarantine", (byte[]) null);
        assertThat(asUser.status()).isEqualTo(403);
        JsonNode items = lenient.admin().get("/api/v1/admin/quarantine").json().get("items");
        assertThat(items).anySatisfy(i -> {
            assertThat(i.get("owner").asText()).isEqualTo(u.login());
            assertThat(i.get("path").asText()).isEqualTo("contract.doc");
            assertThat(i.get("signature").asText()).isEqualTo(TestClamd.SIGNATURE);
            assertThat(i.get("size").asLong()).isEqualTo(TestClamd.eicar().length);
        });
        assertThat(audit(lenient, "upload-infected", u.login() + ":/contract.doc").get(0).get("detail").asText())
                .contains("quarantined");
        // The quarantined blob is referenced: the storage check finds no orphan.
        var report = lenient.atrium.files().check.run(StorageCheck.Options.olderThan(false, Duration.ZERO, Duration.ZERO, 100));
        assertThat(report.counts().getOrDefault(StorageCheck.Kind.ORPHAN_BLOB, 0)).isZero();

        byte[] big = new byte[(int) LIMIT + 1];
        Res tooLarge = put(u, "/archive.zip", big);
        assertThat(tooLarge.status()).isEqualTo(415);
        assertThat(message(tooLarge)).isEqualTo("'archive.zip' is too large for the virus scanner to check, so it was refused. "
                + "Ask your administrator.");
        assertThat(status(u, "/archive.zip")).isEqualTo(404);

        clamd.kill();
        try {
            assertThat(lenient.client().get("/health").json().get("antivirus").asText()).isEqualTo("down");
            assertThat(put(u, "/notes.txt", "Notes".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(201);
            assertThat(audit(lenient, "upload-unscanned", u.login() + ":/notes.txt").get(0).get("detail").asText())
                    .contains("unavailable");
        } finally {
            clamd.restart();
        }
    }

    /** The quarantined item of a user's path, as the admin API lists it. */
    static JsonNode quarantined(TestClient admin, User u, String path) {
        for (JsonNode i : admin.get("/api/v1/admin/quarantine").json().get("items")) {
            if (i.get("owner").asText().equals(u.login()) && i.get("path").asText().equals(path)) {
                return i;
            }
        }
        throw new AssertionError(path + " of " + u.login() + " is not in quarantine");
    }

    @Test
    void anAdministratorReleasesAQuarantinedFileBesideTheOneNowOfTheSameNameOrDeletesItForGood() {
        User u = user(lenient);
        assertThat(u.send("MKCOL", u.files() + "/Audit", (byte[]) null).status()).isEqualTo(201);
        assertThat(put(u, "/Audit/scan.pdf", TestClamd.eicar()).status()).isEqualTo(415);
        byte[] clean = "The scan, sent again".getBytes(StandardCharsets.UTF_8);
        assertThat(put(u, "/Audit/scan.pdf", clean).status()).isEqualTo(201);
        assertThat(put(u, "/macro.xls", TestClamd.eicar()).status()).isEqualTo(415);
        TestClient admin = lenient.admin();
        String scan = quarantined(admin, u, "Audit/scan.pdf").get("id").asText();
        String macro = quarantined(admin, u, "macro.xls").get("id").asText();

        assertThat(u.send("POST", "/api/v1/admin/quarantine/" + scan + "/release", (byte[]) null).status()).isEqualTo(403);
        assertThat(u.send("DELETE", "/api/v1/admin/quarantine/" + scan, (byte[]) null).status()).isEqualTo(403);

        // Released where it was uploaded; the name is taken now, so it gets the next free one, as in a file drop.
        var released = admin.post("/api/v1/admin/quarantine/" + scan + "/release", Map.of());
        assertThat(released.status()).as(released.body()).isEqualTo(200);
        assertThat(released.json().get("owner").asText()).isEqualTo(u.login());
        assertThat(released.json().get("path").asText()).isEqualTo("Audit/scan (2).pdf");
        Res got = u.send("GET", u.files() + "/Audit/scan%20(2).pdf", (byte[]) null);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(TestClamd.eicar());
        assertThat(u.send("GET", u.files() + "/Audit/scan.pdf", (byte[]) null).body()).isEqualTo(clean);
        JsonNode entry = audit(lenient, "quarantine-released", u.login() + ":/Audit/scan (2).pdf").get(0);
        assertThat(entry.get("actor").asText()).isEqualTo("admin");
        assertThat(entry.get("detail").asText()).contains(TestClamd.SIGNATURE).contains("uploaded as /Audit/scan.pdf");

        // Gone from the quarantine: a second release is 404, in English and in French.
        var again = admin.post("/api/v1/admin/quarantine/" + scan + "/release", Map.of());
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("message").asText()).startsWith("There is no file " + scan + " in quarantine");
        var againFr = admin.send("POST", "/api/v1/admin/quarantine/" + scan + "/release", Map.of(), Map.of("Accept-Language", "fr"));
        assertThat(againFr.json().get("message").asText()).startsWith("Il n’y a pas de fichier " + scan + " en quarantaine");

        assertThat(admin.delete("/api/v1/admin/quarantine/" + macro).status()).isEqualTo(204);
        assertThat(admin.delete("/api/v1/admin/quarantine/" + macro).status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/admin/quarantine").json().get("items")).noneSatisfy(i ->
                assertThat(i.get("id").asText()).isIn(scan, macro));
        assertThat(status(u, "/macro.xls")).isEqualTo(404);
        assertThat(audit(lenient, "quarantine-deleted", u.login() + ":/macro.xls").get(0).get("detail").asText())
                .contains(TestClamd.SIGNATURE);
        // The deleted file's content is gone with it; the released one's is the file's now.
        var report = lenient.atrium.files().check.run(StorageCheck.Options.olderThan(false, Duration.ZERO, Duration.ZERO, 100));
        assertThat(report.counts().getOrDefault(StorageCheck.Kind.ORPHAN_BLOB, 0)).isZero();
        assertThat(report.counts().getOrDefault(StorageCheck.Kind.MISSING_BLOB, 0)).isZero();
        assertThat(report.counts().getOrDefault(StorageCheck.Kind.FOLDER_SIZE, 0)).isZero();
    }
}
