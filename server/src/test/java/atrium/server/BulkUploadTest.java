package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.ChunkedUploadTest.Res;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Nextcloud's bulk upload, {@code POST /remote.php/dav/bulk}: raw multipart bodies as the
 * desktop client frames them (several files, one failing part among good ones, framing
 * errors, limits), and the real desktop client (nextcloudcmd) syncing 150 small files up
 * through it.
 */
class BulkUploadTest {
    static TestServer server;
    static int users;
    private static final long MAX_BYTES = 4 * 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("proxy.enabled", "true", "files.bulk-max-bytes", Long.toString(MAX_BYTES),
                "files.windows-compatible-names", "true"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The answer of a bulk POST. */
    static JsonNode json(Res r) {
        try {
            return TestClient.JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (status " + r.status() + "): " + r.text(), e);
        }
    }

    /** The text of the first element of that name in an XML answer. */
    static String prop(Res r, String ns, String name) {
        return r.xml().getElementsByTagNameNS(ns, name).item(0).getTextContent();
    }

    record User(TestServer at, String login, String password) {
        static User create(Optional<String> quota) {
            String login = "bulky" + (++users);
            return new User(server, login, DavTest.userWithAppPassword(server, login, "Juniper-Falcon-" + (5000 + users), quota));
        }

        String files() {
            return "/remote.php/dav/files/" + login;
        }

        Res send(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(at.baseUrl() + path))
                        .timeout(Duration.ofSeconds(60)).method(method, body);
                if (!login.isEmpty()) {
                    b.header("Authorization", authorization(login, password));
                }
                for (int i = 0; i < headers.length; i += 2) {
                    b.header(headers[i], headers[i + 1]);
                }
                HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                return new Res(r.statusCode(), r.body(), r.headers());
            } catch (IOException e) {
                throw new IllegalStateException(method + " " + path + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        Res send(String method, String path, byte[] body, String... headers) {
            return send(method, path, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body), headers);
        }

        Res bulk(Multipart body) {
            return send("POST", "/remote.php/dav/bulk", body.bytes(), "Content-Type", body.contentType());
        }

        Res propfind(String path, String props) {
            Res r = send("PROPFIND", files() + path, ("<d:propfind xmlns:d=\"DAV:\" xmlns:oc=\"http://owncloud.org/ns\"><d:prop>"
                    + props + "</d:prop></d:propfind>").getBytes(StandardCharsets.UTF_8), "Depth", "0");
            assertThat(r.status()).as(path + ": " + r.text()).isEqualTo(207);
            return r;
        }

        String etag(String path) {
            return prop(propfind(path, "<d:getetag/>"), "DAV:", "getetag").replace("\"", "");
        }
    }

    static String authorization(String login, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((login + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** A bulk body framed as the desktop client's QHttpMultiPart frames it. */
    static final class Multipart {
        final String boundary = "boundary_.oOo._" + Long.toHexString(new Random().nextLong());
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private boolean closed;

        /** A part with the desktop's headers (right MD5, mtime); extra headers are added, "Name", null removes one. */
        Multipart part(String path, byte[] content, String... headers) {
            Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            h.put("Content-Length", Integer.toString(content.length));
            h.put("Content-Type", "application/octet-stream");
            h.put("X-File-MD5", md5(content));
            h.put("X-File-Mtime", "1700000000");
            h.put("X-File-Path", path);
            for (int i = 0; i < headers.length; i += 2) {
                if (headers[i + 1] == null) {
                    h.remove(headers[i]);
                } else {
                    h.put(headers[i], headers[i + 1]);
                }
            }
            StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n");
            h.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(content);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        byte[] bytes() {
            if (!closed) {
                out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
                closed = true;
            }
            return out.toByteArray();
        }

        String contentType() {
            return "multipart/related; boundary=\"" + boundary + "\"";
        }
    }

    static String md5(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String encode(String path) {
        StringBuilder sb = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            sb.append(sb.isEmpty() && segment.isEmpty() ? "" : "/")
                    .append(java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return sb.toString();
    }

    static String httpDate(long unixSeconds) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(unixSeconds),
                java.time.ZoneOffset.UTC));
    }

    static final String DESKTOP_373 = "Mozilla/5.0 (Linux) mirall/3.7.3git (nextcloudcmd, debian-6.1.0 ClientArchitecture: x86_64 "
            + "OsArchitecture: x86_64)";

    @Test
    void theCapabilitiesOfferBulkUploadToAllButDesktopClientsThatFailOnEmptyFiles() {
        User u = User.create(Optional.empty());
        Map<String, Boolean> offered = new TreeMap<>();
        for (String agent : List.of("Java-http-client", "Mozilla/5.0 (Android) Nextcloud-android/3.29.0",
                "Mozilla/5.0 (Linux) mirall/3.9.1 (Nextcloud, debian)", "Mozilla/5.0 (Windows) mirall/3.16.4stable (Nextcloud)",
                DESKTOP_373, "Mozilla/5.0 (Windows) mirall/3.9.0 (Nextcloud)")) {
            Res caps = u.send("GET", "/ocs/v1.php/cloud/capabilities?format=json", (byte[]) null, "OCS-APIREQUEST", "true",
                    "User-Agent", agent);
            assertThat(caps.status()).isEqualTo(200);
            assertThat(json(caps).at("/ocs/data/capabilities/dav/chunking").asText()).isEqualTo("1.0");
            offered.put(agent, json(caps).at("/ocs/data/capabilities/dav/bulkupload").asText().equals("1.0"));
        }
        assertThat(offered).containsEntry("Java-http-client", true)
                .containsEntry("Mozilla/5.0 (Android) Nextcloud-android/3.29.0", true)
                .containsEntry("Mozilla/5.0 (Linux) mirall/3.9.1 (Nextcloud, debian)", true)
                .containsEntry("Mozilla/5.0 (Windows) mirall/3.16.4stable (Nextcloud)", true)
                .containsEntry(DESKTOP_373, false)
                .containsEntry("Mozilla/5.0 (Windows) mirall/3.9.0 (Nextcloud)", false);
    }

    @Test
    void eachFileOfAPostIsStoredOrRefusedOnItsOwn() {
        User u = User.create(Optional.of("1 MB"));
        assertThat(u.send("MKCOL", u.files() + "/Docs", (byte[]) null).status()).isEqualTo(201);
        assertThat(u.send("PUT", u.files() + "/Docs/existing.txt", utf8("old content")).status()).isEqualTo(201);
        String existingId = prop(u.propfind("/Docs/existing.txt", "<oc:fileid/>"), "http://owncloud.org/ns", "fileid");
        String docsBefore = u.etag("/Docs");
        String accented = Normalizer.normalize("/Docs/Été à Noël.txt", Normalizer.Form.NFC);

        Multipart body = new Multipart()
                .part("/Docs/a.txt", utf8("alpha"), "X-File-Mtime", "1111111111")
                .part("/Docs/empty.txt", new byte[0])
                .part("/Docs/bad.txt", utf8("damaged on the way"), "X-File-MD5", md5(utf8("something else")))
                .part(accented, utf8("accents"), "X-File-Mtime", "1500000000")
                .part("/Docs/existing.txt", utf8("new content"))
                .part("/Missing/x.txt", utf8("nowhere to go"))
                .part("/Docs/huge.bin", new byte[1_500_000])
                .part("/Docs/stale.txt", utf8("if-match on a new file"), "If-Match", "\"deadbeef\"")
                .part("/Docs/aux.txt", utf8("a name Windows cannot store"))
                .part("Docs/after.txt", utf8("after the failures"), "X-File-MD5", null, "X-File-Mtime", null,
                        "X-OC-Mtime", "1234567890", "OC-Checksum", ChunkedUploadTest.sha1(utf8("after the failures")));
        Res r = u.bulk(body);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode answer = json(r);
        assertThat(answer.properties()).extracting(Map.Entry::getKey).containsExactly("/Docs/a.txt", "/Docs/empty.txt", "/Docs/bad.txt",
                accented, "/Docs/existing.txt", "/Missing/x.txt", "/Docs/huge.bin", "/Docs/stale.txt", "/Docs/aux.txt", "Docs/after.txt");

        // The stored ones: content, etag and file id as PROPFIND shows them, mtime kept.
        for (String path : List.of("/Docs/a.txt", "/Docs/empty.txt", accented, "/Docs/existing.txt", "Docs/after.txt")) {
            JsonNode one = answer.get(path);
            assertThat(one.get("error").asBoolean()).as(path + ": " + one).isFalse();
            String dav = "/" + path.replaceFirst("^/", "");
            Res props = u.propfind(encode(dav), "<d:getetag/><oc:fileid/><oc:id/><oc:permissions/>");
            assertThat(one.get("etag").asText()).isEqualTo(prop(props, "DAV:", "getetag").replace("\"", ""));
            assertThat(one.get("fileid").asText()).isEqualTo(prop(props, "http://owncloud.org/ns", "id"));
            assertThat(one.get("OC-FileID").asText()).isEqualTo(one.get("fileid").asText());
            assertThat(one.get("permissions").asText()).isEqualTo("RGDNVW");
            assertThat(one.get("X-OC-MTime").asText()).isEqualTo("accepted");
        }
        assertThat(u.send("GET", u.files() + "/Docs/a.txt", (byte[]) null).text()).isEqualTo("alpha");
        assertThat(u.send("GET", u.files() + "/Docs/empty.txt", (byte[]) null).body()).isEmpty();
        assertThat(u.send("GET", u.files() + encode(accented), (byte[]) null).text()).isEqualTo("accents");
        assertThat(u.send("GET", u.files() + "/Docs/existing.txt", (byte[]) null).text()).isEqualTo("new content");
        assertThat(u.send("GET", u.files() + "/Docs/after.txt", (byte[]) null).text()).isEqualTo("after the failures");
        assertThat(prop(u.propfind("/Docs/a.txt", "<d:getlastmodified/>"), "DAV:", "getlastmodified"))
                .isEqualTo(httpDate(1111111111)).isEqualTo("Fri, 18 Mar 2005 01:58:31 GMT");
        assertThat(prop(u.propfind(encode(accented), "<d:getlastmodified/>"), "DAV:", "getlastmodified"))
                .isEqualTo(httpDate(1500000000));
        assertThat(prop(u.propfind("/Docs/after.txt", "<d:getlastmodified/>"), "DAV:", "getlastmodified"))
                .isEqualTo(httpDate(1234567890));

        // The overwrite kept the file id, and the old content as a version; the folder's etag moved.
        assertThat(answer.at("/~1Docs~1existing.txt/fileid").asText()).isEqualTo(
                prop(u.propfind("/Docs/existing.txt", "<oc:id/>"), "http://owncloud.org/ns", "id"));
        assertThat(prop(u.propfind("/Docs/existing.txt", "<oc:fileid/>"), "http://owncloud.org/ns", "fileid")).isEqualTo(existingId);
        Res versions = u.send("PROPFIND", "/remote.php/dav/versions/" + u.login() + "/versions/" + existingId + "/",
                (byte[]) null, "Depth", "1");
        assertThat(versions.status()).as(versions.text()).isEqualTo(207);
        assertThat(versions.xml().getElementsByTagNameNS("DAV:", "response").getLength()).isEqualTo(2);
        assertThat(u.etag("/Docs")).isNotEqualTo(docsBefore);

        // The refused ones: a message a person can act on, and nothing stored.
        assertThat(answer.at("/~1Docs~1bad.txt/error").asBoolean()).isTrue();
        assertThat(answer.at("/~1Docs~1bad.txt/message").asText()).contains("MD5 checksum");
        assertThat(answer.at("/~1Missing~1x.txt/message").asText()).contains("does not exist");
        assertThat(answer.at("/~1Docs~1huge.bin/message").asText()).contains("quota");
        assertThat(answer.at("/~1Docs~1stale.txt/message").asText()).contains("changed on the server");
        assertThat(answer.at("/~1Docs~1aux.txt/message").asText()).contains("reserved device name on Windows");
        for (String gone : List.of("/Docs/bad.txt", "/Missing/x.txt", "/Missing", "/Docs/huge.bin", "/Docs/stale.txt", "/Docs/aux.txt")) {
            assertThat(u.send("GET", u.files() + gone, (byte[]) null).status()).as(gone).isEqualTo(404);
        }
    }

    @Test
    void messagesFollowTheLanguageAndAnUpdateNeedsTheCurrentEtag() {
        User u = User.create(Optional.empty());
        Res first = u.bulk(new Multipart().part("/note.txt", utf8("v1")));
        String etag = json(first).at("/~1note.txt/etag").asText();
        Res stale = u.send("POST", "/remote.php/dav/bulk", new Multipart()
                .part("/note.txt", utf8("v2"), "If-Match", "\"0000\"").bytes(),
                "Content-Type", "multipart/related; boundary=x", "Accept-Language", "fr");
        // The boundary in Content-Type does not match the body's: nothing is read past the first line.
        assertThat(stale.status()).as(stale.text()).isEqualTo(400);
        assertThat(json(stale).get("").get("message").asText()).contains("délimitation");

        Multipart body = new Multipart().part("/note.txt", utf8("v2"), "If-Match", "\"0000\"")
                .part("/other.txt", utf8("new"));
        Res r = u.send("POST", "/remote.php/dav/bulk", body.bytes(), "Content-Type", body.contentType(), "Accept-Language", "fr");
        assertThat(r.status()).isEqualTo(200);
        assertThat(json(r).at("/~1note.txt/message").asText()).isEqualTo("Le fichier a changé sur le serveur depuis votre dernière lecture.");
        assertThat(json(r).at("/~1other.txt/error").asBoolean()).isFalse();
        Res current = u.bulk(new Multipart().part("/note.txt", utf8("v2"), "If-Match", "\"" + etag + "\""));
        assertThat(json(current).at("/~1note.txt/error").asBoolean()).as(current.text()).isFalse();
        assertThat(u.send("GET", u.files() + "/note.txt", (byte[]) null).text()).isEqualTo("v2");
    }

    @Test
    void aBodyThatBreaksItsFramingStopsTheRequestButKeepsWhatWasStored() {
        User u = User.create(Optional.empty());
        // The second part claims 3 bytes but carries 5: its end is not where it says.
        Multipart body = new Multipart().part("/one.txt", utf8("first"))
                .part("/two.txt", utf8("12345"), "Content-Length", "3", "X-File-MD5", md5(utf8("123")))
                .part("/three.txt", utf8("third"));
        Res r = u.bulk(body);
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(json(r).at("/~1one.txt/error").asBoolean()).isFalse();
        assertThat(json(r).at("/~1two.txt/message").asText()).contains("Content-Length");
        assertThat(json(r).has("/three.txt")).isFalse();
        assertThat(u.send("GET", u.files() + "/one.txt", (byte[]) null).text()).isEqualTo("first");
        assertThat(u.send("GET", u.files() + "/two.txt", (byte[]) null).status()).isEqualTo(404);
        assertThat(u.send("GET", u.files() + "/three.txt", (byte[]) null).status()).isEqualTo(404);

        // A part without Content-Length cannot be delimited.
        Res noLength = u.bulk(new Multipart().part("/four.txt", utf8("four"), "Content-Length", null));
        assertThat(noLength.status()).isEqualTo(400);
        assertThat(json(noLength).at("/~1four.txt/message").asText()).contains("Content-Length");

        // A part without X-File-Path fails alone, under the empty key (as in Nextcloud).
        Res noPath = u.bulk(new Multipart().part("/five.txt", utf8("five"), "X-File-Path", null).part("/six.txt", utf8("six")));
        assertThat(noPath.status()).isEqualTo(200);
        assertThat(json(noPath).get("").get("message").asText()).contains("X-File-Path");
        assertThat(json(noPath).at("/~1six.txt/error").asBoolean()).isFalse();

        // An empty bulk is an empty answer.
        Res empty = u.bulk(new Multipart());
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.text()).isEqualTo("{}");
    }

    @Test
    void theRequestMustBeAnAuthenticatedMultipartWithinTheBound() throws Exception {
        User u = User.create(Optional.empty());
        Multipart body = new Multipart().part("/a.txt", utf8("a"));
        Res anonymous = new User(server, "", "").send("POST", "/remote.php/dav/bulk", body.bytes(), "Content-Type", body.contentType());
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        Res wrongPassword = new User(server, u.login(), "nope").send("POST", "/remote.php/dav/bulk", body.bytes(), "Content-Type",
                body.contentType());
        assertThat(wrongPassword.status()).isEqualTo(401);

        Res notMultipart = u.send("POST", "/remote.php/dav/bulk", body.bytes(), "Content-Type", "application/octet-stream");
        assertThat(notMultipart.status()).isEqualTo(400);
        assertThat(prop(notMultipart, "http://sabredav.org/ns", "message")).contains("multipart/related");

        // A declared length over the bound is refused before the body is read.
        try (Socket s = new Socket("127.0.0.1", server.atrium.appPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /remote.php/dav/bulk HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                    + authorization(u.login(), u.password()) + "\r\nContent-Type: " + body.contentType()
                    + "\r\nContent-Length: " + (MAX_BYTES + 1) + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            assertThat(status).isEqualTo("HTTP/1.1 413");
        }

        // Without a declared length (chunked), the body is counted as it comes: what came first stays.
        Multipart big = new Multipart().part("/small.txt", utf8("small")).part("/big.bin", new byte[(int) MAX_BYTES]);
        Res tooLong = u.send("POST", "/remote.php/dav/bulk",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.bytes())),
                "Content-Type", big.contentType());
        assertThat(tooLong.status()).as(tooLong.text()).isEqualTo(413);
        assertThat(json(tooLong).at("/~1small.txt/error").asBoolean()).isFalse();
        assertThat(json(tooLong).at("/~1big.bin/message").asText()).contains("at most 4,194,304 bytes");
        assertThat(u.send("GET", u.files() + "/big.bin", (byte[]) null).status()).isEqualTo(404);
    }

    // ---- The real desktop client ---------------------------------------------------------

    /** The server's access log lines, as the running server writes them. */
    @Test
    void theDesktopClientSends150SmallFilesInAFewBulkPosts() throws Exception {
        Nextcloudcmd.assumeInstalled();
        // A server of its own with the default bound (this class's other server has a small one),
        // offering bulk upload to this 3.7.3 client too: the tree has no empty file, which it
        // could not send that way (BulkUpload.Offer).
        try (TestServer own = TestServer.start(Map.of("proxy.enabled", "true", "files.bulk-upload", "on"));
             Nextcloudcmd ncc = Nextcloudcmd.forNewUser(own, "desk")) {
            User u = new User(own, ncc.login, ncc.password);
            Path local = ncc.folder("sync");
            Map<String, byte[]> tree = new TreeMap<>();
            Random random = new Random(150);
            for (int i = 0; i < 150; i++) {
                String folder = i % 3 == 0 ? "" : i % 3 == 1 ? "Notes/" : "Photos/Été/";
                String name = folder + (i % 10 == 0 ? "café " : "file-") + i + ".bin";
                byte[] content = new byte[1 + random.nextInt(60_000)];
                random.nextBytes(content);
                tree.put(Normalizer.normalize(name, Normalizer.Form.NFC), content);
            }
            // Files written in the last seconds are left for the next sync ("still changing"): date them back.
            FileTime past = FileTime.from(Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            Nextcloudcmd.write(local, tree);
            for (String path : tree.keySet()) {
                Files.setLastModifiedTime(local.resolve(path), past);
            }

            Nextcloudcmd.Run run = ncc.sync(local);
            long posts = run.of("POST").stream().filter(r -> r.path().equals("/remote.php/dav/bulk") && r.status() == 200).count();
            // The client sends at most 100 files per POST: 150 files take two.
            assertThat(posts).as("bulk POSTs").isBetween(2L, 4L);
            assertThat(run.of("PUT")).as("single PUTs").isEmpty();
            ncc.assertSameTrees(local);
            String expected = httpDate(past.toInstant().getEpochSecond());
            for (String path : List.of("file-3.bin", "Notes/file-4.bin", "Photos/Été/café 20.bin")) {
                assertThat(prop(u.propfind(encode("/" + path), "<d:getlastmodified/>"), "DAV:", "getlastmodified"))
                        .as(path).isEqualTo(expected);
            }
        }
    }
}
