package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.core.TestClamd;
import atrium.server.DavClient.Res;
import atrium.server.DavTest.Dav;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Public links (docs/api/sharing.md, "Public links") as an outside person uses them: the
 * public page's JSON API and downloads, and the public WebDAV of the Nextcloud clients, one
 * kind of link at a time. Each test comes from an address of its own (X-Forwarded-For), so
 * that the throttling of one does not slow another.
 */
class PublicLinkTest {
    private static final String OCS = "/ocs/v2.php/apps/files_sharing/api/v1/shares";
    private static final String LIMIT = "/ocs/v2.php/apps/files_downloadlimit/api/v1/";
    private static int addresses;

    @BeforeAll
    static void start() {
        DavTest.server = TestServer.start(Map.of("proxy.enabled", "true", "login.block-after-failures", "4",
                "instance.name", "Cabinet Martin"));
    }

    @AfterAll
    static void stop() {
        DavTest.server.close();
    }

    private static String newAddress() {
        return "203.0.113." + (++addresses);
    }

    /** A link of the owner's path; its token. */
    private static String link(Dav owner, String path, String... more) {
        List<String> pairs = new ArrayList<>(List.of("path", path, "shareType", "3"));
        pairs.addAll(List.of(more));
        Res r = ShareTest.ocs(owner, "POST", OCS, ShareTest.form(pairs.toArray(String[]::new)));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return ShareTest.json(r).at("/ocs/data/token").asText();
    }

    /** A visitor's request: anonymous, or with a password as the Nextcloud clients send it. */
    private static Res visit(String address, Optional<String> password, String method, String path, Object body,
                             String... headers) {
        List<String> h = new ArrayList<>(List.of("X-Forwarded-For", address));
        h.addAll(List.of(headers));
        return DavClient.send(DavTest.server.baseUrl(), password.map(p -> "anonymous:" + p), method, path, body,
                h.toArray(String[]::new));
    }

    private static Res visit(String address, String method, String path, Object body, String... headers) {
        return visit(address, Optional.empty(), method, path, body, headers);
    }

    private static void sql(String statement, Object... args) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + DavTest.server.dataDir.resolve("atrium.db"));
             var st = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aViewLinkShowsTheFolderServesRangesAndZipsIt() throws IOException {
        Dav owner = Dav.create();
        owner.mkcol("/Accounts");
        owner.mkcol("/Accounts/2024");
        owner.put("/Accounts/report.txt", "0123456789");
        owner.put("/Accounts/2024/q1.txt", "first quarter");
        String token = link(owner, "/Accounts");
        String ip = newAddress();

        Res page = visit(ip, "GET", "/api/v1/public/" + token, null);
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        assertThat(page.json().get("name").asText()).isEqualTo("Accounts");
        assertThat(page.json().get("instanceName").asText()).isEqualTo("Cabinet Martin");
        assertThat(page.json().get("fileDrop").asBoolean()).isFalse();
        assertThat(page.json().get("entries").findValuesAsText("name")).containsExactlyInAnyOrder("2024", "report.txt");

        Res listing = visit(ip, "PROPFIND", "/public.php/dav/files/" + token + "/", null, "Depth", "1");
        assertThat(listing.status()).as(listing.text()).isEqualTo(207);
        assertThat(listing.text()).contains("/public.php/dav/files/" + token + "/report.txt", "/2024/");

        Res range = visit(ip, "GET", "/public.php/dav/files/" + token + "/report.txt", null, "Range", "bytes=2-4");
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.text()).isEqualTo("234");
        Res download = visit(ip, "GET", "/s/" + token + "/download?path=/2024/q1.txt", null);
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.text()).isEqualTo("first quarter");
        Res tail = visit(ip, "GET", "/s/" + token + "/download?path=report.txt", null, "Range", "bytes=-3");
        assertThat(tail.status()).isEqualTo(206);
        assertThat(tail.text()).isEqualTo("789");

        Res zip = visit(ip, "GET", "/s/" + token + "/download", null);
        assertThat(zip.status()).isEqualTo(200);
        assertThat(zip.header("Content-Type")).contains("application/zip");
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                names.add(e.getName());
            }
        }
        assertThat(names).contains("report.txt", "2024/q1.txt");

        // Read only: nothing can be written.
        assertThat(visit(ip, "PUT", "/public.php/dav/files/" + token + "/new.txt", "x").status()).isEqualTo(403);
        assertThat(owner.send("GET", owner.root() + "/Accounts/new.txt", null).status()).isEqualTo(404);

        // The owner reads what happened; someone else cannot.
        Res shares = ShareTest.ocs(owner, "GET", OCS, null);
        String id = ShareTest.json(shares).at("/ocs/data/0/id").asText();
        Res activity = owner.send("GET", "/api/v1/files/shares/" + id + "/activity", null);
        assertThat(activity.status()).as(activity.text()).isEqualTo(200);
        assertThat(activity.json().get("activity").findValuesAsText("kind")).contains("view", "download");
        assertThat(activity.json().get("activity").findValuesAsText("address")).contains(ip);
        Dav stranger = Dav.create();
        assertThat(stranger.send("GET", "/api/v1/files/shares/" + id + "/activity", null).status()).isEqualTo(404);
    }

    @Test
    void nothingOutsideTheSharedFolderCanBeReached() {
        Dav owner = Dav.create();
        owner.mkcol("/Shared");
        owner.put("/Shared/in.txt", "in");
        owner.put("/secret.txt", "TOP-SECRET-CONTENT");
        String token = link(owner, "/Shared");
        String ip = newAddress();
        for (String path : List.of("/public.php/dav/files/" + token + "/../secret.txt",
                "/public.php/dav/files/" + token + "/%2e%2e/secret.txt", "/public.php/dav/files/" + token + "/%2E%2E%2Fsecret.txt",
                "/public.php/dav/files/" + token + "/..%2fsecret.txt")) {
            Res r = visit(ip, "GET", path, null);
            assertThat(r.status()).as(path + " " + r.text()).isIn(400, 404);
            assertThat(r.text()).doesNotContain("TOP-SECRET-CONTENT");
        }
        for (String path : List.of("../secret.txt", "%2e%2e%2fsecret.txt", "in.txt/../../secret.txt", "/./../secret.txt")) {
            Res r = visit(ip, "GET", "/s/" + token + "/download?path=" + path, null);
            assertThat(r.status()).as(path + " " + r.text()).isIn(400, 404);
            assertThat(r.text()).doesNotContain("TOP-SECRET-CONTENT");
        }
    }

    @Test
    void aPasswordIsAskedCheckedSlowedDownAndRememberedInACookie() {
        Dav owner = Dav.create();
        owner.mkcol("/Payslips");
        owner.put("/Payslips/march.pdf", "payslip");
        String token = link(owner, "/Payslips", "password", "Blue-Orchid-2024");
        String ip = newAddress();

        Res asked = visit(ip, "GET", "/api/v1/public/" + token, null);
        assertThat(asked.status()).isEqualTo(401);
        assertThat(asked.json().get("passwordRequired").asBoolean()).isTrue();
        assertThat(asked.text()).doesNotContain("Payslips", "march");
        assertThat(visit(ip, "PROPFIND", "/public.php/dav/files/" + token + "/", null, "Depth", "1").status()).isEqualTo(401);
        assertThat(visit(ip, Optional.of("wrong"), "PROPFIND", "/public.php/dav/files/" + token + "/", null,
                "Depth", "1").status()).isEqualTo(401);
        Res right = visit(ip, Optional.of("Blue-Orchid-2024"), "PROPFIND", "/public.php/dav/files/" + token + "/", null,
                "Depth", "1");
        assertThat(right.status()).isEqualTo(207);
        assertThat(right.text()).contains("march.pdf");

        Res wrong = visit(ip, "POST", "/api/v1/public/" + token + "/auth", "{\"password\":\"nope\"}",
                "Content-Type", "application/json");
        assertThat(wrong.status()).isEqualTo(401);
        Res unlocked = visit(ip, "POST", "/api/v1/public/" + token + "/auth", "{\"password\":\"Blue-Orchid-2024\"}",
                "Content-Type", "application/json");
        assertThat(unlocked.status()).as(unlocked.text()).isEqualTo(204);
        String cookie = unlocked.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("atrium_link_"))
                .findFirst().orElseThrow().split(";")[0];
        Res page = visit(ip, "GET", "/api/v1/public/" + token, null, "Cookie", cookie);
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        assertThat(visit(ip, "GET", "/s/" + token + "/download?path=march.pdf", null, "Cookie", cookie).text())
                .isEqualTo("payslip");
        // The cookie of one link opens no other.
        String other = link(owner, "/Payslips", "password", "Other-Secret-99");
        assertThat(visit(ip, "GET", "/api/v1/public/" + other, null, "Cookie",
                cookie.replace(token, other)).status()).isEqualTo(401);

        // Repeated wrong passwords from one address end in a block, the right one included.
        long started = System.nanoTime();
        int status = 0;
        for (int i = 0; i < 6 && status != 429; i++) {
            status = visit(ip, "POST", "/api/v1/public/" + token + "/auth", "{\"password\":\"guess" + i + "\"}",
                    "Content-Type", "application/json").status();
        }
        assertThat(status).isEqualTo(429);
        assertThat(visit(ip, Optional.of("Blue-Orchid-2024"), "PROPFIND", "/public.php/dav/files/" + token + "/", null,
                "Depth", "0").status()).isEqualTo(429);
        assertThat((System.nanoTime() - started) / 1_000_000).as("failures are slowed down").isGreaterThanOrEqualTo(20);
        // Another address is not blocked.
        assertThat(visit(newAddress(), Optional.of("Blue-Orchid-2024"), "PROPFIND", "/public.php/dav/files/" + token + "/",
                null, "Depth", "0").status()).isEqualTo(207);
        Res shares = ShareTest.ocs(owner, "GET", OCS, null);
        String id = ShareTest.json(shares).at("/ocs/data/0/id").asText();
        assertThat(owner.send("GET", "/api/v1/files/shares/" + id + "/activity", null).text()).contains("wrong-password");
    }

    @Test
    void anExpiredOrDeletedLinkSaysSoWithoutSayingWhatWasThere() {
        Dav owner = Dav.create();
        owner.mkcol("/Audit");
        owner.put("/Audit/file.txt", "x");
        String token = link(owner, "/Audit");
        String ip = newAddress();
        sql("UPDATE files_shares SET expire_date = '2020-01-01' WHERE token = ?", token);
        for (String path : List.of("/api/v1/public/" + token, "/s/" + token + "/download",
                "/public.php/dav/files/" + token + "/file.txt", "/s/" + token)) {
            Res r = visit(ip, "GET", path, null);
            assertThat(r.status()).as(path).isEqualTo(410);
            assertThat(r.text()).doesNotContain("Audit", "file.txt");
        }
        String deleted = link(owner, "/Audit");
        Res shares = ShareTest.ocs(owner, "GET", OCS, null);
        for (var s : ShareTest.json(shares).at("/ocs/data")) {
            if (s.get("token").asText().equals(deleted)) {
                assertThat(ShareTest.ocs(owner, "DELETE", OCS + "/" + s.get("id").asText(), null).status()).isEqualTo(200);
            }
        }
        assertThat(visit(ip, "GET", "/api/v1/public/" + deleted, null).status()).isEqualTo(404);
        assertThat(visit(ip, "GET", "/s/" + deleted, null).status()).isEqualTo(404);
    }

    @Test
    void aDownloadLimitIsCountedAndEnforced() {
        Dav owner = Dav.create();
        owner.put("/contract.txt", "signed");
        String token = link(owner, "/contract.txt");
        assertThat(limit(owner, "PUT", token, "2").status()).isEqualTo(200);
        String ip = newAddress();
        assertThat(visit(ip, "GET", "/s/" + token + "/download", null).text()).isEqualTo("signed");
        // The rest of an interrupted download is not another download.
        assertThat(visit(ip, "GET", "/s/" + token + "/download", null, "Range", "bytes=3-").status()).isEqualTo(206);
        assertThat(visit(ip, "GET", "/public.php/dav/files/" + token, null).status()).isEqualTo(200);
        Res used = visit(ip, "GET", "/s/" + token + "/download", null);
        assertThat(used.status()).isEqualTo(410);
        assertThat(used.text()).doesNotContain("signed");
    }

    /** A call of Nextcloud's files_downloadlimit API on the link of the token. */
    private static Res limit(Dav who, String method, String token, String value) {
        return ShareTest.ocs(who, method, LIMIT + token + "/limit", value == null ? null : ShareTest.form("limit", value));
    }

    /** The link's share as its owner lists it. */
    private static JsonNode shareOf(Dav owner, String token) {
        for (JsonNode s : ShareTest.json(ShareTest.ocs(owner, "GET", OCS, null)).at("/ocs/data")) {
            if (s.get("token").asText().equals(token)) {
                return s;
            }
        }
        throw new AssertionError("no share with token " + token);
    }

    @Test
    void theDownloadLimitIsSetChangedAndRemovedByTheOwnerThroughTheApi() {
        Dav owner = Dav.create();
        owner.put("/offer.txt", "offer");
        String token = link(owner, "/offer.txt");
        JsonNode none = ShareTest.json(limit(owner, "GET", token, null)).at("/ocs/data");
        assertThat(none.get("limit").isNull()).isTrue();
        assertThat(none.get("count").isNull()).isTrue();
        assertThat(shareOf(owner, token).get("download_limit").isNull()).isTrue();

        assertThat(limit(owner, "PUT", token, "3").status()).isEqualTo(200);
        String ip = newAddress();
        assertThat(visit(ip, "GET", "/s/" + token + "/download", null).text()).isEqualTo("offer");
        JsonNode share = shareOf(owner, token);
        assertThat(share.get("download_limit").asInt()).isEqualTo(3);
        assertThat(share.get("download_count").asInt()).isEqualTo(1);
        JsonNode got = ShareTest.json(limit(owner, "GET", token, null)).at("/ocs/data");
        assertThat(got.get("limit").asInt()).isEqualTo(3);
        assertThat(got.get("count").asInt()).isEqualTo(1);

        // A changed limit counts afresh, as in Nextcloud: one more download uses it up.
        assertThat(limit(owner, "PUT", token, "1").status()).isEqualTo(200);
        assertThat(shareOf(owner, token).get("download_count").asInt()).isZero();
        assertThat(visit(ip, "GET", "/s/" + token + "/download", null).status()).isEqualTo(200);
        assertThat(visit(ip, "GET", "/s/" + token + "/download", null).status()).isEqualTo(410);

        assertThat(limit(owner, "DELETE", token, null).status()).isEqualTo(200);
        assertThat(shareOf(owner, token).get("download_limit").isNull()).isTrue();
        assertThat(visit(ip, "GET", "/s/" + token + "/download", null).text()).isEqualTo("offer");
    }

    @Test
    void onlyTheLinksMakerOrOwnerMaySeeOrChangeItsLimitAndItMustBeAtLeastOne() {
        Dav owner = Dav.create();
        Dav stranger = Dav.create();
        owner.put("/deal.txt", "deal");
        String token = link(owner, "/deal.txt");
        for (String method : List.of("GET", "PUT", "DELETE")) {
            Res r = limit(stranger, method, token, method.equals("PUT") ? "5" : null);
            assertThat(r.status()).as(method).isEqualTo(404);
        }
        assertThat(limit(owner, "PUT", "NoSuchToken", "5").status()).isEqualTo(404);
        for (String bad : List.of("0", "-2")) {
            Res r = limit(owner, "PUT", token, bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.text()).contains("at least 1");
        }
        Res fr = ShareTest.ocs(owner, "PUT", LIMIT + token + "/limit", ShareTest.form("limit", "0"), "Accept-Language", "fr");
        assertThat(fr.text()).contains("au moins 1");
        assertThat(limit(owner, "PUT", token, "many").status()).isEqualTo(400);
        assertThat(limit(owner, "PUT", token, null).status()).isEqualTo(400);
        assertThat(shareOf(owner, token).get("download_limit").isNull()).isTrue();
        Res caps = ShareTest.ocs(owner, "GET", "/ocs/v2.php/cloud/capabilities", null);
        assertThat(ShareTest.json(caps).at("/ocs/data/capabilities/downloadlimit/enabled").asBoolean()).isTrue();
    }

    @Test
    void aHideDownloadLinkShowsButDoesNotServe() {
        Dav owner = Dav.create();
        owner.mkcol("/Plans");
        owner.put("/Plans/plan.txt", "plan");
        String token = link(owner, "/Plans", "hideDownload", "true");
        String ip = newAddress();
        Res page = visit(ip, "GET", "/api/v1/public/" + token, null);
        assertThat(page.json().get("hideDownload").asBoolean()).isTrue();
        assertThat(visit(ip, "GET", "/s/" + token + "/download?path=plan.txt", null).status()).isEqualTo(403);
        assertThat(visit(ip, "GET", "/s/" + token + "/download", null).status()).isEqualTo(403);
        assertThat(visit(ip, "GET", "/public.php/dav/files/" + token + "/plan.txt", null).status()).isEqualTo(403);
    }

    @Test
    void aFileDropTakesFilesShowsNothingAndNeverReplaces() {
        Dav owner = Dav.create(Optional.of("1 MB"));
        owner.mkcol("/Inbox");
        owner.put("/Inbox/private.txt", "private");
        owner.put("/Inbox/scan.pdf", "first");
        String token = link(owner, "/Inbox", "permissions", "4");
        String ip = newAddress();
        String base = "/public.php/dav/files/" + token;

        Res page = visit(ip, "GET", "/api/v1/public/" + token, null);
        assertThat(page.json().get("fileDrop").asBoolean()).isTrue();
        assertThat(page.json().has("entries")).isFalse();
        Res listing = visit(ip, "PROPFIND", base + "/", null, "Depth", "1");
        assertThat(listing.status()).isEqualTo(207);
        assertThat(listing.text()).doesNotContain("private", "scan");
        assertThat(visit(ip, "PROPFIND", base + "/private.txt", null, "Depth", "0").status()).isEqualTo(404);
        assertThat(visit(ip, "GET", base + "/private.txt", null).status()).isEqualTo(403);
        assertThat(visit(ip, "GET", "/s/" + token + "/download", null).status()).isEqualTo(403);

        assertThat(visit(ip, "PUT", base + "/scan.pdf", "second", "X-NC-Nickname", "Amel Client").status()).isEqualTo(201);
        assertThat(visit(ip, "PUT", base + "/scan.pdf", "third", "X-NC-Nickname", "Ren%C3%A9e+Co").status()).isEqualTo(201);
        assertThat(owner.send("GET", owner.root() + "/Inbox/scan.pdf", null).text()).isEqualTo("first");
        assertThat(owner.send("GET", owner.root() + "/Inbox/scan%20(2).pdf", null).text()).isEqualTo("second");
        assertThat(owner.send("GET", owner.root() + "/Inbox/scan%20(3).pdf", null).text()).isEqualTo("third");
        assertThat(visit(ip, "MKCOL", base + "/folder", null).status()).isEqualTo(403);

        // Chunked, resumable, into the owner's quota.
        String upload = "/public.php/dav/uploads/" + token + "/web-1";
        assertThat(visit(ip, "MKCOL", upload, null, "Destination", base + "/big.bin", "OC-Total-Length", "6").status())
                .isEqualTo(201);
        assertThat(visit(ip, "PUT", upload + "/1", "abc").status()).isEqualTo(201);
        Res resume = visit(ip, "PROPFIND", upload, null, "Depth", "1");
        assertThat(resume.status()).isEqualTo(207);
        assertThat(resume.text()).contains(upload + "/1");
        assertThat(visit(ip, "PUT", upload + "/2", "def").status()).isEqualTo(201);
        Res assembled = visit(ip, "MOVE", upload + "/.file", null, "Destination", base + "/big.bin", "OC-Total-Length", "6");
        assertThat(assembled.status()).as(assembled.text()).isEqualTo(201);
        assertThat(owner.send("GET", owner.root() + "/Inbox/big.bin", null).text()).isEqualTo("abcdef");
        // Another link's uploads cannot be reached through this one, nor a destination outside it.
        String other = link(owner, "/Inbox", "permissions", "4");
        assertThat(visit(ip, "PROPFIND", "/public.php/dav/uploads/" + other + "/web-1", null).status()).isEqualTo(404);
        assertThat(visit(ip, "MKCOL", upload + "x", null, "Destination", "/remote.php/dav/files/" + owner.login() + "/x")
                .status()).isEqualTo(403);

        Res quota = visit(ip, "PUT", base + "/huge.bin", new byte[2 * 1024 * 1024]);
        assertThat(quota.status()).isEqualTo(507);
        Res tooBig = visit(ip, "MKCOL", "/public.php/dav/uploads/" + token + "/web-2", null, "Destination", base + "/huge.bin",
                "OC-Total-Length", Integer.toString(2 * 1024 * 1024));
        assertThat(tooBig.status()).isEqualTo(507);

        Res shares = ShareTest.ocs(owner, "GET", OCS, null);
        String id = ShareTest.json(shares).at("/ocs/data/0/id").asText();
        Res activity = owner.send("GET", "/api/v1/files/shares/" + id + "/activity", null);
        assertThat(activity.text()).contains("upload", "/scan (2).pdf (Amel Client)", "/scan (3).pdf (Renée+Co)", "/big.bin");
        TestClient.Response audit = DavTest.server.admin().get("/api/v1/audit?action=files-link-upload");
        assertThat(audit.body()).contains("scan (2).pdf", "Amel Client");
    }

    /**
     * An infected file dropped through a file-drop link (a PUT, as the public page sends
     * small files, and a chunked upload) is refused with 415 and the scanner's message, and
     * nothing lands in the owner's folder. Needs clamd (TestClamd skips without it, unless
     * ATRIUM_TEST_CLAMAV=required); a server of its own, since this class's has no scanner.
     */
    @Test
    void anInfectedFileDroppedThroughALinkIsRefusedAndNothingIsStored() throws Exception {
        try (TestClamd clamd = TestClamd.start(1 << 20);
             TestServer scanned = TestServer.start(Map.of("antivirus.clamd", clamd.address(), "antivirus.timeout-seconds", "5"))) {
            String login = "dropowner";
            Optional<String> auth = Optional.of(login + ":" + DavTest.userWithAppPassword(scanned, login, "Heron-Drop-4242"));
            String root = "/remote.php/dav/files/" + login;
            assertThat(DavClient.send(scanned.baseUrl(), auth, "MKCOL", root + "/Inbox", null).status()).isEqualTo(201);
            Res made = DavClient.send(scanned.baseUrl(), auth, "POST", OCS + "?format=json",
                    ShareTest.form("path", "/Inbox", "shareType", "3", "permissions", "4"), "OCS-APIREQUEST", "true",
                    "Content-Type", "application/x-www-form-urlencoded");
            assertThat(made.status()).as(made.text()).isEqualTo(200);
            String token = ShareTest.json(made).at("/ocs/data/token").asText();
            String base = "/public.php/dav/files/" + token;

            Res put = DavClient.send(scanned.baseUrl(), Optional.empty(), "PUT", base + "/invoice.pdf", TestClamd.eicar(),
                    "X-NC-Nickname", "Amel Client");
            assertThat(put.status()).as(put.text()).isEqualTo(415);
            assertThat(AntivirusTest.message(put)).isEqualTo("The virus scanner found " + TestClamd.SIGNATURE
                    + " in 'invoice.pdf': the upload was refused and nothing was stored.");
            Res french = DavClient.send(scanned.baseUrl(), Optional.empty(), "PUT", base + "/facture.pdf", TestClamd.eicar(),
                    "Accept-Language", "fr");
            assertThat(french.status()).isEqualTo(415);
            assertThat(AntivirusTest.message(french)).contains(TestClamd.SIGNATURE).contains("refusé");

            byte[] eicar = TestClamd.eicar();
            String upload = "/public.php/dav/uploads/" + token + "/web-eicar";
            String total = Integer.toString(eicar.length);
            assertThat(DavClient.send(scanned.baseUrl(), Optional.empty(), "MKCOL", upload, null, "Destination", base + "/setup.exe",
                    "OC-Total-Length", total).status()).isEqualTo(201);
            int half = eicar.length / 2;
            assertThat(DavClient.send(scanned.baseUrl(), Optional.empty(), "PUT", upload + "/1",
                    java.util.Arrays.copyOfRange(eicar, 0, half)).status()).isEqualTo(201);
            assertThat(DavClient.send(scanned.baseUrl(), Optional.empty(), "PUT", upload + "/2",
                    java.util.Arrays.copyOfRange(eicar, half, eicar.length)).status()).isEqualTo(201);
            Res move = DavClient.send(scanned.baseUrl(), Optional.empty(), "MOVE", upload + "/.file", null,
                    "Destination", base + "/setup.exe", "OC-Total-Length", total);
            assertThat(move.status()).as(move.text()).isEqualTo(415);
            assertThat(AntivirusTest.message(move)).contains(TestClamd.SIGNATURE).contains("setup.exe");

            Res listing = DavClient.send(scanned.baseUrl(), auth, "PROPFIND", root + "/Inbox/", null, "Depth", "1");
            assertThat(listing.status()).isEqualTo(207);
            assertThat(listing.text()).doesNotContain("invoice", "facture", "setup");
        }
    }

    @Test
    void guessingTokensIsThrottledPerAddress() {
        String ip = newAddress();
        int status = 0;
        int tries = 0;
        while (status != 429 && tries < 20) {
            tries++;
            status = visit(ip, "GET", "/api/v1/public/NoSuchToken" + tries, null).status();
            assertThat(status).isIn(404, 429);
        }
        assertThat(status).isEqualTo(429);
        assertThat(tries).isLessThanOrEqualTo(13);
        assertThat(visit(ip, "PROPFIND", "/public.php/dav/files/AnotherGuess/", null).status()).isEqualTo(429);
        assertThat(visit(newAddress(), "GET", "/api/v1/public/NoSuchToken", null).status()).isEqualTo(404);
        
    }
}
