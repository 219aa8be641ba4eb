package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavTest.Res;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input of issue 3, each answered with its status and a message a person understands,
 * in English and (for a French client) in French: traversal in every encoding, XML bombs
 * and malformed XML, moves onto themselves, an unbounded listing, racing uploads, wrong
 * and expired lock tokens, and names a Windows computer cannot store (this server refuses
 * them, {@code files.windows-compatible-names}).
 */
class DavBadInputTest {
    private static final String FRENCH = "fr-FR,fr;q=0.9";
    private static final Pattern MESSAGE = Pattern.compile("<s:message>(.*?)</s:message>", Pattern.DOTALL);
    private static final String LOCKINFO = "<d:lockinfo xmlns:d=\"DAV:\"><d:lockscope><d:exclusive/></d:lockscope>"
            + "<d:locktype><d:write/></d:locktype></d:lockinfo>";

    static TestServer server;
    static int users;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("proxy.enabled", "true", "files.propfind-infinity-limit", "20",
                "files.windows-compatible-names", "true", "files.lock-max-seconds", "1"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A user of a test server with an app password, as a sync client holds it. */
    record User(TestServer on, String login, String password) {
        static User create(TestServer on) {
            String login = "bad" + (++users);
            return new User(on, login, DavTest.userWithAppPassword(on, login, accountPassword(login)));
        }

        /** The account's own password, for signing in to the console. */
        static String accountPassword(String login) {
            // Not the login itself: the password policy refuses a password that contains it.
            return "Juniper-Falcon-" + (7000 + Integer.parseInt(login.substring("bad".length())));
        }

        String root() {
            return "/remote.php/dav/files/" + login;
        }

        Res send(String method, String path, Object body, String... headers) {
            return DavTest.send(on.baseUrl(), Optional.of(login + ":" + password), method, path, body, headers);
        }

        Res put(String path, String content) {
            return send("PUT", root() + path, content);
        }
    }

    /** The text of the Sabre error body. */
    static String message(Res r) {
        Matcher m = MESSAGE.matcher(r.text());
        assertThat(m.find()).as("an error body: %s", r).isTrue();
        return m.group(1).replace("&apos;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    /** A request line sent as is on a socket (no HTTP client writes these), its status and Sabre message. */
    static Res raw(User who, String method, String rawPath, String... headers) throws IOException {
        return DavTest.raw(who.on().atrium.appPort(), who.login() + ":" + who.password(), method, rawPath, headers);
    }

    // ---- Traversal -------------------------------------------------------------------------------

    @Test
    void traversalInEveryEncodingIs400WithTheReasonAndReachesNothing() throws IOException {
        User victim = User.create(server);
        assertThat(victim.put("/secret.txt", "private").status()).isEqualTo(201);
        User u = User.create(server);
        String v = victim.login();
        String dots = "The path must not contain . or .. segments.";
        Map<String, String> attempts = new java.util.LinkedHashMap<>();
        attempts.put("/../" + v + "/secret.txt", dots);
        attempts.put("/%2e%2e/" + v + "/secret.txt", dots);
        attempts.put("/.%2E/" + v + "/secret.txt", dots);
        attempts.put("/x/%2e%2e/%2e%2e/" + v + "/secret.txt", dots);
        attempts.put("/%2E%2e%2f" + v + "%2fsecret.txt", "A name must not contain an encoded slash (%2F).");
        attempts.put("/..%5c" + v + "%5csecret.txt", "A name must not contain a backslash.");
        attempts.put("/secret%00.txt", "A name must not contain control characters.");
        // Overlong UTF-8 for "." and "/" (the old IIS trick): not UTF-8 at all.
        attempts.put("/%c0%ae%c0%ae/" + v + "/secret.txt", "The path is not valid UTF-8 once percent-decoded.");
        attempts.put("/%c0%af" + v + "/secret.txt", "The path is not valid UTF-8 once percent-decoded.");
        attempts.put("/%e0%80%ae%e0%80%ae/" + v, "The path is not valid UTF-8 once percent-decoded.");
        for (var attempt : attempts.entrySet()) {
            for (String method : List.of("GET", "PUT", "DELETE", "PROPFIND")) {
                Res r = raw(u, method, u.root() + attempt.getKey());
                assertThat(r.status()).as(method + " " + attempt.getKey()).isEqualTo(400);
                assertThat(r.text()).as(method + " " + attempt.getKey()).contains("<s:message>");
                assertThat(message(r)).as(method + " " + attempt.getKey()).isEqualTo(attempt.getValue());
            }
        }
        // A raw backslash or NUL, or a broken percent escape, never reaches the routes: the HTTP layer
        // refuses the request line itself (400, no body). In a Destination header they are ours to refuse.
        assertThat(raw(u, "GET", u.root() + "/secret%2").status()).isEqualTo(400);
        assertThat(raw(u, "GET", u.root() + "/secret%zz.txt").status()).isEqualTo(400);
        assertThat(raw(u, "GET", u.root() + "/..\\" + v + "\\secret.txt").status()).isEqualTo(400);
        assertThat(raw(u, "GET", u.root() + "/secret\u0000.txt").status()).isEqualTo(400);

        Res french = raw(u, "GET", u.root() + "/%2e%2e/" + v + "/secret.txt", "Accept-Language", FRENCH);
        assertThat(message(french)).isEqualTo("Le chemin ne doit pas contenir de segment . ou ...");
        Res destination = u.send("COPY", u.root() + "/nothing", null, "Destination", u.root() + "/%2e%2e/" + v + "/x.txt");
        assertThat(destination.status()).isEqualTo(400);
        assertThat(message(destination)).isEqualTo(dots);
        Map<String, String> destinations = Map.of("/secret%2", "The path has an incomplete percent escape.",
                "/secret%zz.txt", "The path has an invalid percent escape.",
                "/a%5c..%5c..%5c" + v, "A name must not contain a backslash.");
        u.put("/mine.txt", "mine");
        for (var d : destinations.entrySet()) {
            Res r = u.send("MOVE", u.root() + "/mine.txt", null, "Destination", u.root() + d.getKey());
            assertThat(r.status()).as(d.getKey()).isEqualTo(400);
            assertThat(message(r)).as(d.getKey()).isEqualTo(d.getValue());
        }

        assertThat(victim.send("GET", victim.root() + "/secret.txt", null).text()).isEqualTo("private");
        assertThat(victim.send("PROPFIND", victim.root() + "/", null, "Depth", "1").text()).doesNotContain("stolen")
                .doesNotContain("x.txt");
        Res mine = u.send("PROPFIND", u.root() + "/", null, "Depth", "infinity");
        assertThat(mine.text()).doesNotContain("<d:href>" + u.root() + "/secret");
    }

    // ---- XML ------------------------------------------------------------------------------------

    @Test
    void anExternalEntityABillionLaughsOrMalformedXmlIs400WithTheReason() {
        User u = User.create(server);
        u.put("/target.txt", "content");
        String xxe = DavTest.XXE;
        String doctype = "The XML body must not contain a document type declaration (<!DOCTYPE …>).";
        Res patched = u.send("PROPPATCH", u.root() + "/target.txt", xxe);
        assertThat(patched.status()).isEqualTo(400);
        assertThat(message(patched)).isEqualTo(doctype);
        assertThat(patched.text()).doesNotContain("root:");
        Res french = u.send("PROPPATCH", u.root() + "/target.txt", xxe, "Accept-Language", FRENCH);
        assertThat(message(french)).isEqualTo("Le corps XML ne doit pas contenir de déclaration de type de document"
                + " (<!DOCTYPE …>).");

        String laughs = """
                <?xml version="1.0"?>
                <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
                <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
                <d:propfind xmlns:d="DAV:"><d:prop><x:boom xmlns:x="urn:test">&lol3;</x:boom></d:prop></d:propfind>""";
        Res boom = u.send("PROPFIND", u.root() + "/target.txt", laughs, "Depth", "0");
        assertThat(boom.status()).isEqualTo(400);
        assertThat(message(boom)).isEqualTo(doctype);

        Res unclosed = u.send("PROPFIND", u.root() + "/target.txt", "<d:propfind xmlns:d=\"DAV:\"><d:prop>", "Depth", "0");
        assertThat(unclosed.status()).isEqualTo(400);
        assertThat(message(unclosed)).startsWith("The XML body is malformed: line 1, column ");
        Res unclosedFr = u.send("PROPFIND", u.root() + "/target.txt", "<d:propfind xmlns:d=\"DAV:\"><d:prop>", "Depth", "0",
                "Accept-Language", FRENCH);
        assertThat(message(unclosedFr)).startsWith("Le corps XML est mal formé\u00a0: ligne 1, colonne ");
        Res unbound = u.send("PROPFIND", u.root() + "/target.txt", "<x:propfind/>", "Depth", "0");
        assertThat(message(unbound)).endsWith("a namespace prefix is used without being declared.");
        Res notUtf8 = u.send("PROPFIND", u.root() + "/target.txt", new byte[] {'<', 'a', '>', (byte) 0xC3, '<', '/', 'a', '>'},
                "Depth", "0");
        assertThat(message(notUtf8)).isEqualTo("The XML body is malformed: it is not valid UTF-8.");
        Res wrongRoot = u.send("LOCK", u.root() + "/target.txt", "<d:propfind xmlns:d=\"DAV:\"/>");
        assertThat(wrongRoot.status()).isEqualTo(400);
        assertThat(message(wrongRoot)).isEqualTo("The XML body must be a DAV: lockinfo element, not {DAV:}propfind.");
        assertThat(u.send("GET", u.root() + "/target.txt", null).text()).isEqualTo("content");
    }

    // ---- Moves ----------------------------------------------------------------------------------

    @Test
    void aMoveOntoItselfIntoItsOwnChildOrOverItsAncestorIs403WithTheReason() {
        User u = User.create(server);
        u.send("MKCOL", u.root() + "/parent", null);
        u.send("MKCOL", u.root() + "/parent/child", null);
        u.put("/parent/child/f.txt", "f");
        Res onto = u.send("MOVE", u.root() + "/parent", null, "Destination", u.root() + "/parent/");
        assertThat(onto.status()).isEqualTo(403);
        assertThat(message(onto)).isEqualTo("The source and the destination are the same.");
        Res child = u.send("MOVE", u.root() + "/parent", null, "Destination", u.root() + "/parent/child/parent");
        assertThat(child.status()).isEqualTo(403);
        assertThat(message(child)).isEqualTo("A folder cannot be moved or copied into itself.");
        Res copy = u.send("COPY", u.root() + "/parent/", null, "Destination", u.root() + "/parent/child/copy/",
                "Accept-Language", FRENCH);
        assertThat(copy.status()).isEqualTo(403);
        assertThat(message(copy)).isEqualTo("Un dossier ne peut être ni déplacé ni copié dans lui-même.");
        Res over = u.send("MOVE", u.root() + "/parent/child", null, "Destination", u.root() + "/parent");
        assertThat(over.status()).isEqualTo(403);
        assertThat(message(over)).isEqualTo("A file or folder cannot replace a folder that contains it.");
        assertThat(u.send("GET", u.root() + "/parent/child/f.txt", null).text()).isEqualTo("f");
    }

    // ---- Listing ------------------------------------------------------------------------------

    @Test
    void depthInfinityListsUpToTheLimitAndBeyondIt403WithTheFiniteDepthConditionAndAMessage() {
        User u = User.create(server);
        u.send("MKCOL", u.root() + "/tree", null);
        for (int i = 0; i < 19; i++) {
            u.put("/tree/f" + i, "x");
        }
        // The folder and its 19 files: exactly the limit of 20.
        Res atLimit = u.send("PROPFIND", u.root() + "/tree", null, "Depth", "infinity");
        assertThat(atLimit.status()).isEqualTo(207);
        assertThat(atLimit.text().split("<d:response>", -1)).hasSize(21);
        u.put("/tree/f19", "x");
        Res over = u.send("PROPFIND", u.root() + "/tree", null, "Depth", "infinity");
        assertThat(over.status()).isEqualTo(403);
        assertThat(over.text()).contains("<d:propfind-finite-depth/>");
        assertThat(message(over)).isEqualTo("This folder holds more than 20 items: list it one level at a time (Depth: 1).");
        Res french = u.send("PROPFIND", u.root() + "/tree", null, "Depth", "infinity", "Accept-Language", FRENCH);
        assertThat(message(french)).startsWith("Ce dossier contient plus de 20 éléments");
        assertThat(u.send("PROPFIND", u.root() + "/tree", null, "Depth", "1").status()).isEqualTo(207);
        Res badDepth = u.send("PROPFIND", u.root() + "/tree", null, "Depth", "2");
        assertThat(badDepth.status()).isEqualTo(400);
        assertThat(message(badDepth)).isEqualTo("The Depth header must be 0, 1 or infinity, not \"2\".");
    }

    // ---- Racing uploads -------------------------------------------------------------------------

    @Test
    void concurrentPutsToOnePathLeaveExactlyOneWholeBodyNeverAMix() throws Exception {
        User u = User.create(server);
        int writers = 6;
        int size = 3 * 1024 * 1024;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 2; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Res>> puts = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    byte[] body = new byte[size];
                    Arrays.fill(body, (byte) ('A' + w));
                    puts.add(pool.submit(() -> {
                        go.await();
                        return u.send("PUT", u.root() + "/race.bin", body);
                    }));
                }
                go.countDown();
                for (Future<Res> put : puts) {
                    assertThat(put.get().status()).as(put.get().text()).isIn(201, 204);
                }
                byte[] stored = u.send("GET", u.root() + "/race.bin", null).body();
                assertThat(stored).hasSize(size);
                byte first = stored[0];
                assertThat(first).isBetween((byte) 'A', (byte) ('A' + writers - 1));
                for (byte b : stored) {
                    if (b != first) {
                        throw new AssertionError("the stored file mixes two uploads: " + (char) first + " and " + (char) b);
                    }
                }
                assertThat(u.send("PROPFIND", u.root() + "/race.bin", null, "Depth", "0").text())
                        .contains("<d:getcontentlength>" + size + "</d:getcontentlength>");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(Files.list(server.dataDir.resolve("blobs/tmp")).count()).as("no temporary blob left").isZero();
    }

    // ---- Locks ----------------------------------------------------------------------------------

    @Test
    void aWrongOrExpiredLockTokenIsRefusedWithTheReason() throws InterruptedException {
        User u = User.create(server);
        u.put("/locked.txt", "v1");
        Res lock = u.send("LOCK", u.root() + "/locked.txt", LOCKINFO, "Timeout", "Second-1", "Depth", "0");
        assertThat(lock.status()).isEqualTo(200);
        String token = lock.header("Lock-Token").orElseThrow();

        Res none = u.put("/locked.txt", "v2");
        assertThat(none.status()).isEqualTo(423);
        assertThat(message(none)).isEqualTo("'locked.txt' is locked: send its lock token to change it.");
        Res wrong = u.send("PUT", u.root() + "/locked.txt", "v2", "If", "(<urn:uuid:00000000-0000-0000-0000-000000000000>)");
        assertThat(wrong.status()).isEqualTo(412);
        assertThat(message(wrong)).isEqualTo("The conditions of the If header are not met: the file changed, or the lock"
                + " it names is gone.");
        Res garbled = u.send("PUT", u.root() + "/locked.txt", "v2", "If", "(<urn:uuid:x>");
        assertThat(garbled.status()).isEqualTo(400);
        assertThat(message(garbled)).isEqualTo("The If header is malformed: a list is not closed.");
        Res garbledFr = u.send("PUT", u.root() + "/locked.txt", "v2", "If", "(<urn:uuid:x>", "Accept-Language", FRENCH);
        assertThat(message(garbledFr)).isEqualTo("L’en-tête If est mal formé\u00a0: une liste n’est pas fermée.");
        Res badUnlock = u.send("UNLOCK", u.root() + "/locked.txt", null, "Lock-Token", "urn:uuid:no-brackets");
        assertThat(badUnlock.status()).isEqualTo(400);
        assertThat(message(badUnlock)).startsWith("The Lock-Token header must be a lock token in angle brackets");
        Res otherUnlock = u.send("UNLOCK", u.root() + "/locked.txt", null, "Lock-Token", "<urn:uuid:wrong>");
        assertThat(otherUnlock.status()).isEqualTo(409);
        assertThat(message(otherUnlock)).isEqualTo("No lock with this token applies to '/locked.txt'.");
        assertThat(u.send("GET", u.root() + "/locked.txt", null).text()).isEqualTo("v1");

        // The lock lasts a second (files.lock-max-seconds); then its token names nothing.
        long deadline = System.currentTimeMillis() + 10_000;
        while (u.send("PROPFIND", u.root() + "/locked.txt", "<d:propfind xmlns:d=\"DAV:\"><d:prop><d:lockdiscovery/></d:prop>"
                + "</d:propfind>", "Depth", "0").text().contains("activelock")) {
            assertThat(System.currentTimeMillis()).as("the lock expires").isLessThan(deadline);
            Thread.sleep(100);
        }
        Res expired = u.send("PUT", u.root() + "/locked.txt", "v2", "If", "(" + token + ")");
        assertThat(expired.status()).isEqualTo(412);
        assertThat(message(expired)).startsWith("The conditions of the If header are not met");
        Res expiredUnlock = u.send("UNLOCK", u.root() + "/locked.txt", null, "Lock-Token", token);
        assertThat(expiredUnlock.status()).isEqualTo(409);
        assertThat(u.put("/locked.txt", "v2").status()).as("an expired lock guards nothing").isEqualTo(204);
    }

    // ---- Names Windows cannot store -------------------------------------------------------------

    @Test
    void everyWayOfCreatingANameWindowsCannotStoreIs400NamingTheProblem() {
        User u = User.create(server);
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        refused.put("CON", "The name 'CON' cannot be used: CON is a reserved device name on Windows.");
        refused.put("nul.txt", "The name 'nul.txt' cannot be used: nul is a reserved device name on Windows.");
        refused.put("Com1.tar.gz", "The name 'Com1.tar.gz' cannot be used: Com1 is a reserved device name on Windows.");
        refused.put("LPT9", "The name 'LPT9' cannot be used: LPT9 is a reserved device name on Windows.");
        refused.put("a:b.txt", "The name 'a:b.txt' contains “:”, which Windows does not allow.");
        refused.put("a*b", "The name 'a*b' contains “*”, which Windows does not allow.");
        refused.put("what?", "The name 'what?' contains “?”, which Windows does not allow.");
        refused.put("say \"hi\"", "The name 'say \"hi\"' contains “\"”, which Windows does not allow.");
        refused.put("a<b", "The name 'a<b' contains “<”, which Windows does not allow.");
        refused.put("a>b", "The name 'a>b' contains “>”, which Windows does not allow.");
        refused.put("a|b", "The name 'a|b' contains “|”, which Windows does not allow.");
        refused.put("trailing.", "The name 'trailing.' ends with a dot, which Windows does not allow.");
        refused.put("trailing ", "The name 'trailing ' ends with a space, which Windows does not allow.");
        u.put("/ok.txt", "ok");
        for (var name : refused.entrySet()) {
            String path = u.root() + "/" + atrium.files.http.DavPath.encodeSegment(name.getKey());
            String expected = name.getValue() + " Rename it so that it works on every computer.";
            Res put = u.send("PUT", path, "x");
            assertThat(put.status()).as("PUT " + name.getKey()).isEqualTo(400);
            assertThat(message(put)).as("PUT " + name.getKey()).isEqualTo(expected);
            Res mkcol = u.send("MKCOL", path, null);
            assertThat(mkcol.status()).as("MKCOL " + name.getKey()).isEqualTo(400);
            assertThat(message(mkcol)).isEqualTo(expected);
            for (String method : List.of("MOVE", "COPY")) {
                Res r = u.send(method, u.root() + "/ok.txt", null, "Destination", path);
                assertThat(r.status()).as(method + " to " + name.getKey()).isEqualTo(400);
                assertThat(message(r)).isEqualTo(expected);
            }
            Res lock = u.send("LOCK", path, LOCKINFO);
            assertThat(lock.status()).as("LOCK " + name.getKey()).isEqualTo(400);
        }
        Res french = u.send("PUT", u.root() + "/AUX.doc", "x", "Accept-Language", FRENCH);
        assertThat(message(french)).isEqualTo("Le nom «\u00a0AUX.doc\u00a0» ne peut pas être utilisé\u00a0: AUX est un nom de"
                + " périphérique réservé sous Windows. Renommez-le pour qu’il fonctionne sur tous les ordinateurs.");

        // Chunked upload: refused when it names its destination, before any chunk is sent, and at the final MOVE.
        String uploads = "/remote.php/dav/uploads/" + u.login();
        Res early = u.send("MKCOL", uploads + "/t1", null, "Destination", u.root() + "/PRN.doc");
        assertThat(early.status()).isEqualTo(400);
        assertThat(message(early)).startsWith("The name 'PRN.doc' cannot be used");
        assertThat(u.send("MKCOL", uploads + "/t2", null).status()).isEqualTo(201);
        assertThat(u.send("PUT", uploads + "/t2/0000000000000001", "chunk").status()).isEqualTo(201);
        Res late = u.send("MOVE", uploads + "/t2/.file", null, "Destination", u.root() + "/report:final.txt");
        assertThat(late.status()).isEqualTo(400);
        assertThat(message(late)).isEqualTo("The name 'report:final.txt' contains “:”, which Windows does not allow."
                + " Rename it so that it works on every computer.");
        assertThat(u.send("MOVE", uploads + "/t2/.file", null, "Destination", u.root() + "/report%20final.txt").status())
                .as("the same upload under a good name").isEqualTo(201);

        Res listing = u.send("PROPFIND", u.root() + "/", null, "Depth", "1");
        assertThat(listing.text()).contains("/ok.txt<", "/report%20final.txt<").doesNotContain("CON", "a%3Ab", "trailing");
        for (String fine : List.of("CONSOLE.txt", "COM10", "my con.txt", ".hidden", "caf\u00e9 \u00e0 l'heure.txt")) {
            assertThat(u.send("PUT", u.root() + "/" + atrium.files.http.DavPath.encodeSegment(fine), "x").status())
                    .as(fine).isEqualTo(201);
        }
    }

    @Test
    void byDefaultSuchNamesAreStoredAndOnceRefusedTheyCanStillBeReadRenamedAndDeleted() throws IOException {
        Path data = Files.createTempDirectory("atrium-names-");
        User u;
        try (TestServer lenient = TestServer.startIn(data, Map.of("proxy.enabled", "true"))) {
            u = User.create(lenient);
            assertThat(u.put("/a:b.txt", "colon").status()).as("Nextcloud's default allows it too").isEqualTo(201);
            assertThat(u.send("MKCOL", u.root() + "/old%3F", null).status()).isEqualTo(201);
            assertThat(u.put("/CON", "device").status()).isEqualTo(201);
        }
        try (TestServer strict = TestServer.startIn(data, Map.of("proxy.enabled", "true",
                "files.windows-compatible-names", "true"))) {
            User same = new User(strict, u.login(), u.password());
            assertThat(same.send("GET", same.root() + "/a:b.txt", null).text()).isEqualTo("colon");
            Res update = same.put("/a:b.txt", "changed");
            assertThat(update.status()).as("a name that cannot be stored is not written to either").isEqualTo(400);
            assertThat(message(update)).startsWith("The name 'a:b.txt' contains “:”");
            assertThat(same.send("MOVE", same.root() + "/a:b.txt", null, "Destination", same.root() + "/a-b.txt").status())
                    .isEqualTo(201);
            assertThat(same.send("GET", same.root() + "/a-b.txt", null).text()).isEqualTo("colon");
            assertThat(same.put("/old%3F/inside.txt", "inside").status()).as("only the new name is checked").isEqualTo(201);
            assertThat(same.send("DELETE", same.root() + "/CON", null).status()).isEqualTo(204);
        }
    }
}
