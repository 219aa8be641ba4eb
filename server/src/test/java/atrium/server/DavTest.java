package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The WebDAV files API spoken raw, as the Nextcloud clients and hostile ones would: the
 * exact shape of a listing, etags, ranges, traversal, entities, quota, locks, challenges.
 * The server runs in proxy mode (plain HTTP) so that malformed request lines can be sent
 * on a bare socket.
 */
class DavTest {
    private static final String DAV = "DAV:";
    private static final String OC = "http://owncloud.org/ns";
    private static final String LISTING = """
            <?xml version="1.0"?>
            <d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns">
              <d:prop><d:resourcetype/><d:getlastmodified/><d:getcontentlength/><d:getetag/><oc:size/><oc:id/>
                <oc:fileid/><oc:downloadURL/><oc:dDC/><oc:permissions/><oc:checksums/><oc:data-fingerprint/>
                <oc:share-types/></d:prop>
            </d:propfind>""";

    /** A PROPPATCH whose entity would read a local file into a property. */
    static final String XXE = """
            <?xml version="1.0"?>
            <!DOCTYPE d:propertyupdate [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><x:leak xmlns:x="urn:test">&xxe;</x:leak></d:prop></d:set>
            </d:propertyupdate>""";

    static TestServer server;
    static int users;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("proxy.enabled", "true", "files.propfind-infinity-limit", "20"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Creates a user and returns an app password for it, as the desktop client would hold. */
    static String userWithAppPassword(TestServer server, String login, String password) {
        return userWithAppPassword(server, login, password, Optional.empty());
    }

    static String userWithAppPassword(TestServer server, String login, String password, Optional<String> quota) {
        Map<String, Object> user = new HashMap<>(Map.of("login", login, "password", password));
        quota.ifPresent(q -> user.put("quota", q));
        var created = server.admin().post("/api/v1/users", user);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        TestClient c = server.client();
        c.signIn(login, password);
        return c.post("/api/v1/me/app-passwords", Map.of("name", "dav")).json().get("password").asText();
    }

    /** A WebDAV client with an app password, speaking HTTP/1.1. */
    record Dav(String login, String password) {
        static Dav create() {
            return create(Optional.empty());
        }

        static Dav create(Optional<String> quota) {
            String login = "dav" + (++users);
            return new Dav(login, userWithAppPassword(server, login, "Juniper-Falcon-" + (4000 + users), quota));
        }

        String root() {
            return "/remote.php/dav/files/" + login;
        }

        Res send(String method, String path, Object body, String... headers) {
            return DavTest.send(Optional.of(login + ":" + password), method, path, body, headers);
        }

        Res put(String path, String content) {
            return send("PUT", root() + path, content);
        }

        Res mkcol(String path) {
            return send("MKCOL", root() + path, null);
        }

        /** A Depth 0 PROPFIND of one property; its value, or empty when it is in no 200 propstat. */
        Optional<String> prop(String path, String ns, String name) {
            Res r = send("PROPFIND", root() + path, "<d:propfind xmlns:d=\"DAV:\"><d:prop><x:" + name + " xmlns:x=\"" + ns
                    + "\"/></d:prop></d:propfind>", "Depth", "0");
            assertThat(r.status()).as(r.text()).isEqualTo(207);
            Element response = (Element) r.xml().getElementsByTagNameNS(DAV, "response").item(0);
            return found(response, ns, name);
        }

        String etag(String path) {
            return prop(path, DAV, "getetag").orElseThrow();
        }
    }

    record Res(int status, byte[] body, HttpHeaders headers) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        Document xml() {
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setNamespaceAware(true);
                return f.newDocumentBuilder().parse(new ByteArrayInputStream(body));
            } catch (Exception e) {
                throw new AssertionError("not XML (status " + status + "): " + text(), e);
            }
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static Res send(Optional<String> credentials, String method, String path, Object body, String... headers) {
        return send(server.baseUrl(), credentials, method, path, body, headers);
    }

    /** A request to any test server, for the other WebDAV test classes. */
    static Res send(String baseUrl, Optional<String> credentials, String method, String path, Object body, String... headers) {
        try {
            HttpRequest.BodyPublisher publisher = switch (body) {
                case null -> HttpRequest.BodyPublishers.noBody();
                case byte[] bytes -> HttpRequest.BodyPublishers.ofByteArray(bytes);
                case String s -> HttpRequest.BodyPublishers.ofString(s);
                // No length known: sent chunked, as a client streaming a file would.
                case InputStream in -> HttpRequest.BodyPublishers.ofInputStream(() -> in);
                default -> throw new IllegalArgumentException(body.getClass().toString());
            };
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(Duration.ofSeconds(60)).method(method, publisher);
            credentials.ifPresent(c -> b.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(c.getBytes(StandardCharsets.UTF_8))));
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

    /** Sends bytes on a bare socket (for request lines no HTTP client would write) and returns the status. */
    static int raw(Dav who, String method, String rawPath) throws IOException {
        return raw(server.atrium.appPort(), who.login() + ":" + who.password(), method, rawPath).status();
    }

    /** A request line sent as is, with a six-byte body; the status and body of the answer. */
    static Res raw(int port, String credentials, String method, String rawPath, String... headers) throws IOException {
        String auth = Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write((method + " ").getBytes(StandardCharsets.ISO_8859_1));
            request.write(rawPath.getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder extra = new StringBuilder();
            for (int i = 0; i < headers.length; i += 2) {
                extra.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            request.write((" HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " + auth + "\r\n" + extra
                    + "Content-Length: 6\r\nConnection: close\r\n\r\nstolen").getBytes(StandardCharsets.ISO_8859_1));
            out.write(request.toByteArray());
            out.flush();
            // Only the head and Content-Length bytes: the server says "Connection: close" but need not close at once.
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            int b;
            while (head.indexOf("\r\n\r\n") < 0 && (b = in.read()) >= 0) {
                head.append((char) b);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 ");
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
            return new Res(Integer.parseInt(head.substring(9, 12)), body, HttpHeaders.of(Map.of(), (x, y) -> true));
        }
    }

    private static List<Element> responses(Document d) {
        NodeList list = d.getElementsByTagNameNS(DAV, "response");
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    static String href(Element response) {
        return response.getElementsByTagNameNS(DAV, "href").item(0).getTextContent();
    }

    private static List<Element> propstats(Element response, String statusPrefix) {
        List<Element> out = new ArrayList<>();
        NodeList list = response.getElementsByTagNameNS(DAV, "propstat");
        for (int i = 0; i < list.getLength(); i++) {
            Element p = (Element) list.item(i);
            if (p.getElementsByTagNameNS(DAV, "status").item(0).getTextContent().startsWith(statusPrefix)) {
                out.add(p);
            }
        }
        return out;
    }

    /** A property's text in the response's 200 propstat. */
    static Optional<String> found(Element response, String ns, String name) {
        for (Element ok : propstats(response, "HTTP/1.1 200")) {
            NodeList props = ok.getElementsByTagNameNS(ns, name);
            if (props.getLength() > 0) {
                return Optional.of(props.item(0).getTextContent());
            }
        }
        return Optional.empty();
    }

    private static boolean isCollection(Element response) {
        for (Element ok : propstats(response, "HTTP/1.1 200")) {
            NodeList types = ok.getElementsByTagNameNS(DAV, "resourcetype");
            if (types.getLength() > 0) {
                return ((Element) types.item(0)).getElementsByTagNameNS(DAV, "collection").getLength() > 0;
            }
        }
        return false;
    }

    // ---- The listing the desktop client reads ---------------------------------------------

    @Test
    void aDepthOneListingHasTheExactShapeTheNextcloudDesktopClientInsistsOn() {
        Dav u = Dav.create();
        assertThat(u.mkcol("/Docs").status()).isEqualTo(201);
        assertThat(u.put("/Docs/a%20b%E2%82%AC.txt", "hello").status()).isEqualTo(201);
        assertThat(u.mkcol("/Docs/Sub%20folder").status()).isEqualTo(201);

        String requestPath = u.root() + "/Docs";
        Res r = u.send("PROPFIND", requestPath, LISTING, "Depth", "1", "Content-Type", "application/xml");
        assertThat(r.status()).as(r.text()).isEqualTo(207);
        assertThat(r.headers().allValues("Content-Type")).containsExactly("application/xml; charset=utf-8");

        List<Element> responses = responses(r.xml());
        assertThat(responses).hasSize(3);
        assertThat(href(responses.get(0))).as("the folder itself comes first").isEqualTo(requestPath + "/");
        assertThat(responses).extracting(DavTest::href).containsExactlyInAnyOrder(requestPath + "/",
                requestPath + "/a%20b%E2%82%AC.txt", requestPath + "/Sub%20folder/");
        for (Element response : responses) {
            String href = href(response);
            assertThat(URLDecoder.decode(href.replace("+", "%2B"), StandardCharsets.UTF_8)).startsWith(requestPath);
            assertThat(propstats(response, "HTTP/1.1 200 OK")).as(href).hasSize(1);
            assertThat(propstats(response, "HTTP/1.1 200")).as(href).hasSize(1);
            assertThat(found(response, OC, "id")).as(href).hasValueSatisfying(id -> assertThat(id).matches("\\d{8,}oc[a-z0-9]{10}"));
            assertThat(found(response, OC, "fileid")).as(href).hasValueSatisfying(id -> assertThat(id).matches("\\d+"));
            assertThat(found(response, DAV, "getetag")).as(href).hasValueSatisfying(e -> assertThat(e).matches("\"[0-9a-f]+\""));
            assertThat(found(response, DAV, "getlastmodified")).as(href)
                    .hasValueSatisfying(d -> assertThat(d).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"));
            boolean collection = isCollection(response);
            assertThat(href.endsWith("/")).as(href).isEqualTo(collection);
            assertThat(found(response, OC, "permissions")).as(href).hasValue(collection ? "RGDNVCK" : "RGDNVW");
            assertThat(found(response, OC, "downloadURL")).as(href).isEmpty();
        }
        Element file = responses.stream().filter(e -> href(e).endsWith(".txt")).findFirst().orElseThrow();
        assertThat(found(file, DAV, "getcontentlength")).hasValue("5");
        assertThat(found(file, OC, "size")).hasValue("5");
        assertThat(found(file, OC, "checksums")).hasValueSatisfying(c -> assertThat(c).startsWith("SHA1:"));
        assertThat(found(responses.get(0), OC, "size")).as("a folder's size is what it holds").hasValue("5");
        assertThat(found(responses.get(0), OC, "data-fingerprint")).as("only the user's root has one").isEmpty();

        Res root = u.send("PROPFIND", u.root() + "/", LISTING, "Depth", "0");
        assertThat(found(responses(root.xml()).get(0), OC, "data-fingerprint")).hasValue("");
        assertThat(href(responses(root.xml()).get(0))).isEqualTo(u.root() + "/");
    }

    @Test
    void theDownloadAndUploadHeadersMatchTheListing() {
        Dav u = Dav.create();
        Res damaged = u.send("PUT", u.root() + "/report.pdf", "%PDF-1.4", "X-OC-MTime", "1700000000",
                "OC-Checksum", "SHA1:" + "0".repeat(40));
        assertThat(damaged.status()).isEqualTo(400);
        assertThat(damaged.text()).contains("checksum");
        assertThat(u.send("GET", u.root() + "/report.pdf", null).status()).as("nothing was stored").isEqualTo(404);
        String sha1 = sha1("%PDF-1.4");
        Res put = u.send("PUT", u.root() + "/report.pdf", "%PDF-1.4", "X-OC-MTime", "1700000000",
                "OC-Checksum", "SHA1:" + sha1);
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.header("X-OC-MTime")).hasValue("accepted");
        assertThat(put.header("ETag")).hasValue(u.etag("/report.pdf"));
        assertThat(put.header("OC-ETag")).isEqualTo(put.header("ETag"));
        assertThat(put.header("OC-FileId")).hasValue(u.prop("/report.pdf", OC, "id").orElseThrow());
        assertThat(u.prop("/report.pdf", DAV, "getlastmodified")).hasValue("Tue, 14 Nov 2023 22:13:20 GMT");
        assertThat(u.prop("/report.pdf", OC, "checksums")).hasValue("SHA1:" + sha1);

        Res get = u.send("GET", u.root() + "/report.pdf", null);
        assertThat(get.text()).isEqualTo("%PDF-1.4");
        assertThat(get.header("ETag")).isEqualTo(put.header("ETag"));
        assertThat(get.header("Last-Modified")).hasValue("Tue, 14 Nov 2023 22:13:20 GMT");
        assertThat(get.header("Accept-Ranges")).hasValue("bytes");
        assertThat(get.header("Content-Length")).hasValue("8");
        assertThat(get.header("OC-FileId")).isEqualTo(put.header("OC-FileId"));

        String etag = put.header("ETag").orElseThrow();
        assertThat(u.send("GET", u.root() + "/report.pdf", null, "If-None-Match", etag).status()).isEqualTo(304);
        assertThat(u.send("GET", u.root() + "/report.pdf", null, "If-Match", "\"nope\"").status()).isEqualTo(412);
        Res stale = u.send("PUT", u.root() + "/report.pdf", "new", "If-Match", "\"nope\"");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(u.send("PUT", u.root() + "/report.pdf", "new", "If-None-Match", "*").status()).isEqualTo(412);
        Res update = u.send("PUT", u.root() + "/report.pdf", "new", "If-Match", etag);
        assertThat(update.status()).isEqualTo(204);
        assertThat(update.header("OC-FileId")).as("an overwrite keeps the id").isEqualTo(put.header("OC-FileId"));
        assertThat(update.header("ETag")).isNotEqualTo(put.header("ETag"));
    }

    @Test
    void aFolderEtagChangesWhenAFileDeepBelowChangesAndASiblingsDoesNot() {
        Dav u = Dav.create();
        u.mkcol("/a");
        u.mkcol("/a/b");
        u.mkcol("/a/b/c");
        u.mkcol("/other");
        assertThat(u.put("/a/b/c/deep.txt", "one").status()).isEqualTo(201);
        String root = u.etag("/");
        String a = u.etag("/a");
        String c = u.etag("/a/b/c");
        String other = u.etag("/other");

        assertThat(u.put("/a/b/c/deep.txt", "two").status()).isEqualTo(204);
        assertThat(u.etag("/")).isNotEqualTo(root);
        assertThat(u.etag("/a")).isNotEqualTo(a);
        assertThat(u.etag("/a/b/c")).isNotEqualTo(c);
        assertThat(u.etag("/other")).isEqualTo(other);

        String before = u.etag("/a");
        Res moved = u.send("MOVE", u.root() + "/a/b/c/deep.txt", null, "Destination", u.root() + "/other/deep.txt");
        assertThat(moved.status()).as("the desktop client wants exactly 201 for a rename").isEqualTo(201);
        assertThat(u.etag("/a")).isNotEqualTo(before);
        assertThat(u.etag("/other")).isNotEqualTo(other);
    }

    // ---- Big bodies -------------------------------------------------------------------------

    @Test
    void aFewMegabytesGoUpAndComeBackByteForByteWholeAndInRanges() {
        Dav u = Dav.create();
        byte[] data = new byte[5 * 1024 * 1024 + 123];
        new Random(42).nextBytes(data);
        Res put = u.send("PUT", u.root() + "/big.bin", data);
        assertThat(put.status()).as(put.text()).isEqualTo(201);

        Res whole = u.send("GET", u.root() + "/big.bin", null);
        assertThat(whole.status()).isEqualTo(200);
        assertThat(whole.header("Content-Length")).hasValue(Integer.toString(data.length));
        assertThat(Arrays.equals(whole.body(), data)).as("the whole file, byte for byte").isTrue();
        assertThat(whole.header("Content-Disposition")).hasValue("attachment; filename*=UTF-8''big.bin");
        assertThat(whole.header("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).startsWith("sandbox"));
        Res middle = u.send("GET", u.root() + "/big.bin", null, "Range", "bytes=1000000-2999999");
        assertThat(middle.status()).isEqualTo(206);
        assertThat(middle.header("Content-Range")).hasValue("bytes 1000000-2999999/" + data.length);
        assertThat(Arrays.equals(middle.body(), Arrays.copyOfRange(data, 1000000, 3000000))).isTrue();

        Res resume = u.send("GET", u.root() + "/big.bin", null, "Range", "bytes=5000000-");
        assertThat(resume.status()).isEqualTo(206);
        assertThat(Arrays.equals(resume.body(), Arrays.copyOfRange(data, 5000000, data.length))).isTrue();

        Res tail = u.send("GET", u.root() + "/big.bin", null, "Range", "bytes=-100");
        assertThat(Arrays.equals(tail.body(), Arrays.copyOfRange(data, data.length - 100, data.length))).isTrue();

        Res beyond = u.send("GET", u.root() + "/big.bin", null, "Range", "bytes=" + data.length + "-");
        assertThat(beyond.status()).isEqualTo(416);
        assertThat(beyond.header("Content-Range")).hasValue("bytes */" + data.length);

        Res head = u.send("HEAD", u.root() + "/big.bin", null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Length")).hasValue(Integer.toString(data.length));
        assertThat(head.body()).isEmpty();

        // Chunked, with no Content-Length, replacing the file.
        byte[] other = Arrays.copyOf(data, 3 * 1024 * 1024);
        other[0] ^= 1;
        Res chunked = u.send("PUT", u.root() + "/big.bin", new ByteArrayInputStream(other));
        assertThat(chunked.status()).as(chunked.text()).isEqualTo(204);
        assertThat(Arrays.equals(u.send("GET", u.root() + "/big.bin", null).body(), other)).isTrue();
    }

    @Test
    void anUploadOverTheQuotaIs507WithAMessageAndStoresNothing() {
        Dav u = Dav.create(Optional.of("1 MB"));
        byte[] big = new byte[2 * 1024 * 1024];
        Res declared = u.send("PUT", u.root() + "/too-big.bin", big);
        assertThat(declared.status()).isEqualTo(507);
        assertThat(declared.header("Content-Type")).hasValue("application/xml; charset=utf-8");
        assertThat(declared.text()).contains("<s:exception>Sabre\\DAV\\Exception\\InsufficientStorage</s:exception>")
                .contains("quota");
        Res streamed = u.send("PUT", u.root() + "/too-big.bin", new ByteArrayInputStream(big));
        assertThat(streamed.status()).isEqualTo(507);
        assertThat(u.send("GET", u.root() + "/too-big.bin", null).status()).isEqualTo(404);
        assertThat(u.prop("/", DAV, "quota-used-bytes")).hasValue("0");
        assertThat(u.prop("/", DAV, "quota-available-bytes")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        assertThat(u.put("/small.txt", "fits").status()).isEqualTo(201);
    }

    // ---- Hostile requests ----------------------------------------------------------------------

    @Test
    void traversalIsRefusedWith400AndNeverReachesAnotherTree() throws IOException {
        Dav victim = Dav.create();
        assertThat(victim.put("/secret.txt", "private").status()).isEqualTo(201);
        Dav u = Dav.create();
        String v = victim.login();
        List<String> attempts = List.of(
                "/../" + v + "/secret.txt",
                "/%2e%2e/" + v + "/secret.txt",
                "/%2E%2e%2f" + v + "%2fsecret.txt",
                "/..%2f..%2f..%2fremote.php%2fdav%2ffiles%2f" + v + "%2fsecret.txt",
                "/x/%2e%2e/%2e%2e/" + v + "/secret.txt",
                "/.%2e/" + v + "/secret.txt",
                "/..%5c" + v + "%5csecret.txt",
                "/..\\" + v + "\\secret.txt",
                "/secret%00.txt",
                "/secret\u0000.txt");
        for (String attempt : attempts) {
            for (String method : List.of("GET", "PUT", "DELETE", "PROPFIND")) {
                int status = raw(u, method, u.root() + attempt);
                assertThat(status).as(method + " " + attempt).isEqualTo(400);
            }
        }
        assertThat(victim.send("GET", victim.root() + "/secret.txt", null).text()).isEqualTo("private");
        Res mine = u.send("PROPFIND", u.root() + "/", null, "Depth", "infinity");
        assertThat(responses(mine.xml())).as("nothing was created in the caller's tree either").hasSize(1);
        u.put("/mine.txt", "mine");
        Res destination = u.send("COPY", u.root() + "/mine.txt", null, "Destination",
                u.root() + "/%2e%2e/" + v + "/stolen.txt");
        assertThat(destination.status()).isEqualTo(400);
        assertThat(victim.send("GET", victim.root() + "/stolen.txt", null).status()).isEqualTo(404);
    }

    @Test
    void anotherUsersFilesAreForbidden() {
        Dav owner = Dav.create();
        owner.put("/mine.txt", "mine");
        Dav other = Dav.create();
        assertThat(other.send("PROPFIND", owner.root() + "/", null, "Depth", "1").status()).isEqualTo(403);
        assertThat(other.send("GET", owner.root() + "/mine.txt", null).status()).isEqualTo(403);
        assertThat(other.send("PUT", owner.root() + "/planted.txt", "x").status()).isEqualTo(403);
        assertThat(other.send("DELETE", owner.root() + "/mine.txt", null).status()).isEqualTo(403);
        other.put("/theirs.txt", "x");
        assertThat(other.send("MOVE", other.root() + "/theirs.txt", null, "Destination",
                owner.root() + "/theirs.txt").status()).isEqualTo(502);
        Res listing = owner.send("PROPFIND", owner.root() + "/", null, "Depth", "1");
        assertThat(responses(listing.xml())).extracting(DavTest::href).containsExactlyInAnyOrder(owner.root() + "/",
                owner.root() + "/mine.txt");
    }

    @Test
    void xmlWithAnExternalEntityOrEntityExpansionIsRefusedAndChangesNothing() {
        Dav u = Dav.create();
        u.put("/target.txt", "content");
        String xxe = XXE;
        Res patched = u.send("PROPPATCH", u.root() + "/target.txt", xxe);
        assertThat(patched.status()).isEqualTo(400);
        assertThat(patched.text()).doesNotContain("root:");
        assertThat(u.prop("/target.txt", "urn:test", "leak")).isEmpty();

        String laughs = """
                <?xml version="1.0"?>
                <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
                <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
                <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
                <d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><x:boom xmlns:x="urn:test">&lol4;</x:boom></d:prop></d:set>
                </d:propertyupdate>""";
        assertThat(u.send("PROPPATCH", u.root() + "/target.txt", laughs).status()).isEqualTo(400);
        assertThat(u.prop("/target.txt", "urn:test", "boom")).isEmpty();
        assertThat(u.send("PROPFIND", u.root() + "/target.txt", laughs.replace("propertyupdate", "propfind"),
                "Depth", "0").status()).isEqualTo(400);
        assertThat(u.send("LOCK", u.root() + "/target.txt", xxe.replace("propertyupdate", "lockinfo")).status())
                .isEqualTo(400);
        assertThat(u.send("UNLOCK", u.root() + "/target.txt", null, "Lock-Token", "<urn:uuid:x>").status())
                .as("no lock was taken").isEqualTo(409);
        assertThat(u.send("GET", u.root() + "/target.txt", null).text()).isEqualTo("content");
    }

    @Test
    void aFolderCannotBeMovedOrCopiedIntoItsOwnChild() {
        Dav u = Dav.create();
        u.mkcol("/parent");
        u.mkcol("/parent/child");
        u.put("/parent/child/f.txt", "f");
        Res move = u.send("MOVE", u.root() + "/parent", null, "Destination", u.root() + "/parent/child/parent");
        assertThat(move.status()).isIn(403, 409);
        Res copy = u.send("COPY", u.root() + "/parent/", null, "Destination", u.root() + "/parent/child/copy/");
        assertThat(copy.status()).isIn(403, 409);
        Res overAncestor = u.send("MOVE", u.root() + "/parent/child", null, "Destination", u.root() + "/parent",
                "Overwrite", "T");
        assertThat(overAncestor.status()).isIn(403, 409);
        Res onto = u.send("MOVE", u.root() + "/parent", null, "Destination", u.root() + "/parent");
        assertThat(onto.status()).isEqualTo(403);
        assertThat(u.send("GET", u.root() + "/parent/child/f.txt", null).text()).isEqualTo("f");
        Res listing = u.send("PROPFIND", u.root() + "/", null, "Depth", "infinity");
        assertThat(responses(listing.xml())).extracting(DavTest::href).containsExactly(u.root() + "/",
                u.root() + "/parent/", u.root() + "/parent/child/", u.root() + "/parent/child/f.txt");
    }

    @Test
    void aDepthInfinityListingOverTheLimitIsRefusedWithTheFiniteDepthCondition() {
        Dav u = Dav.create();
        u.mkcol("/many");
        for (int i = 0; i < 25; i++) {
            u.put("/many/f" + i, "x");
        }
        Res r = u.send("PROPFIND", u.root() + "/", null, "Depth", "infinity");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.text()).contains("<d:propfind-finite-depth/>");
        assertThat(u.send("PROPFIND", u.root() + "/many", null, "Depth", "1").status()).isEqualTo(207);
    }

    // ---- Locks ----------------------------------------------------------------------------------

    @Test
    void writesWithoutTheRightLockTokenAreRefused() {
        Dav u = Dav.create();
        u.put("/locked.txt", "v1");
        String lockinfo = """
                <?xml version="1.0" encoding="utf-8"?>
                <d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype>
                <d:owner>test</d:owner></d:lockinfo>""";
        Res lock = u.send("LOCK", u.root() + "/locked.txt", lockinfo, "Timeout", "Second-600", "Depth", "0");
        assertThat(lock.status()).as(lock.text()).isEqualTo(200);
        assertThat(lock.header("Content-Type")).hasValue("application/xml; charset=utf-8");
        String token = lock.header("Lock-Token").orElseThrow();
        assertThat(token).matches("<urn:uuid:[0-9a-f-]{36}>");
        assertThat(lock.text()).contains(token.substring(1, token.length() - 1)).contains("<d:owner>test</d:owner>");

        Res noToken = u.send("PUT", u.root() + "/locked.txt", "v2");
        assertThat(noToken.status()).isEqualTo(423);
        assertThat(noToken.text()).contains("<d:lock-token-submitted><d:href>" + u.root() + "/locked.txt</d:href>");
        assertThat(u.send("PUT", u.root() + "/locked.txt", "v2", "If", "(<urn:uuid:00000000-0000-0000-0000-000000000000>)")
                .status()).isIn(412, 423);
        assertThat(u.send("DELETE", u.root() + "/locked.txt", null).status()).isEqualTo(423);
        assertThat(u.send("MOVE", u.root() + "/locked.txt", null, "Destination", u.root() + "/moved.txt").status())
                .isEqualTo(423);
        assertThat(u.send("GET", u.root() + "/locked.txt", null).text()).isEqualTo("v1");

        assertThat(u.send("PUT", u.root() + "/locked.txt", "v2", "If", "(" + token + ")").status()).isEqualTo(204);
        assertThat(u.send("UNLOCK", u.root() + "/locked.txt", null, "Lock-Token", "<urn:uuid:wrong>").status())
                .isEqualTo(409);
        assertThat(u.send("UNLOCK", u.root() + "/locked.txt", null, "Lock-Token", token).status()).isEqualTo(204);
        assertThat(u.send("PUT", u.root() + "/locked.txt", "v3").status()).isEqualTo(204);
        assertThat(u.send("GET", u.root() + "/locked.txt", null).text()).isEqualTo("v3");
    }

    @Test
    void aLockOnAnUnmappedUrlCreatesAnEmptyFileAndGuardsTheFolderAgainstNewMembers() {
        Dav u = Dav.create();
        u.mkcol("/shared");
        String lockinfo = "<d:lockinfo xmlns:d=\"DAV:\"><d:lockscope><d:exclusive/></d:lockscope>"
                + "<d:locktype><d:write/></d:locktype></d:lockinfo>";
        Res created = u.send("LOCK", u.root() + "/shared/new.txt", lockinfo, "Depth", "0");
        assertThat(created.status()).isEqualTo(201);
        assertThat(u.send("GET", u.root() + "/shared/new.txt", null).body()).isEmpty();

        Res folder = u.send("LOCK", u.root() + "/shared", lockinfo, "Depth", "0");
        assertThat(folder.status()).isEqualTo(200);
        assertThat(u.put("/shared/another.txt", "x").status()).as("a depth-0 lock guards the membership").isEqualTo(423);
        // The folder's token goes in a list tagged with the folder (RFC 4918 section 10.4.2), as neon sends it.
        String tagged = "<" + server.baseUrl() + u.root() + "/shared/> (" + folder.header("Lock-Token").orElseThrow() + ")";
        assertThat(u.send("PUT", u.root() + "/shared/another.txt", "x", "If", tagged).status()).isEqualTo(201);
    }

    // ---- Authentication, mounts, errors ---------------------------------------------------------

    @Test
    void unauthenticatedRequestsGet401WithABasicChallengeAndAnXmlBody() {
        Dav u = Dav.create();
        Res none = send(Optional.empty(), "PROPFIND", u.root() + "/", null, "Depth", "0");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm=\"Atrium\""));
        assertThat(none.header("Content-Type")).hasValue("application/xml; charset=utf-8");
        assertThat(none.text()).contains("Sabre\\DAV\\Exception\\NotAuthenticated");
        Res wrong = send(Optional.of(u.login() + ":not-the-app-password"), "PROPFIND", u.root() + "/", null);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.header("WWW-Authenticate")).isPresent();
        // The console's own calls get no challenge: the browser would pop up its password dialog.
        Res fromConsole = send(Optional.empty(), "PROPFIND", u.root() + "/", null, "Depth", "0",
                "X-Requested-With", "XMLHttpRequest");
        assertThat(fromConsole.status()).isEqualTo(401);
        assertThat(fromConsole.header("WWW-Authenticate")).isEmpty();
        Res options = send(Optional.empty(), "OPTIONS", u.root() + "/", null);
        assertThat(options.status()).isEqualTo(200);
        assertThat(options.header("DAV")).hasValue("1, 2");
        assertThat(options.header("MS-Author-Via")).hasValue("DAV");
        assertThat(options.header("Allow")).hasValueSatisfying(a -> assertThat(a).contains("PROPFIND", "LOCK", "MOVE"));
    }

    @Test
    void theLegacyWebdavMountIsTheCallersOwnTree() {
        Dav u = Dav.create();
        Res put = u.send("PUT", "/remote.php/webdav/legacy.txt", "old mount");
        assertThat(put.status()).isEqualTo(201);
        assertThat(u.send("GET", u.root() + "/legacy.txt", null).text()).isEqualTo("old mount");
        Res listing = u.send("PROPFIND", "/remote.php/webdav/", LISTING, "Depth", "1");
        assertThat(responses(listing.xml())).extracting(DavTest::href)
                .containsExactly("/remote.php/webdav/", "/remote.php/webdav/legacy.txt");
        assertThat(u.send("MOVE", "/remote.php/webdav/legacy.txt", null, "Destination",
                "http://example.org/remote.php/webdav/renamed.txt").status()).isEqualTo(201);
        assertThat(u.send("GET", u.root() + "/renamed.txt", null).text()).isEqualTo("old mount");
    }

    @Test
    void errorsAreSabreXmlInTheRequestLanguageNeverJson() {
        Dav u = Dav.create();
        Res missing = u.send("GET", u.root() + "/nowhere.txt", null, "Accept-Language", "fr-FR,fr;q=0.9");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).hasValue("application/xml; charset=utf-8");
        assertThat(missing.text()).contains("<s:exception>Sabre\\DAV\\Exception\\NotFound</s:exception>")
                .contains("<s:message>«\u00A0/nowhere.txt\u00A0» n’existe pas.</s:message>");
        Res mkcolBody = u.send("MKCOL", u.root() + "/withbody", "<x/>");
        assertThat(mkcolBody.status()).isEqualTo(415);
        assertThat(u.mkcol("/dir").status()).isEqualTo(201);
        assertThat(u.mkcol("/dir").status()).isEqualTo(405);
        assertThat(u.mkcol("/no/parent").status()).isEqualTo(409);
        assertThat(u.put("/dir", "x").status()).isEqualTo(405);
        assertThat(u.send("PUT", u.root() + "/part.txt", "x", "Content-Range", "bytes 0-0/2").status()).isEqualTo(400);
        assertThat(u.send("DELETE", u.root() + "/nowhere.txt", null).status()).isEqualTo(404);
        assertThat(send(Optional.of(u.login() + ":" + u.password()), "PROPFIND", "/remote.php/dav/systemtags/" + u.login(),
                null).status()).isEqualTo(404);
    }

    @Test
    void protectedPropertiesAreRefusedAllOrNothing() {
        Dav u = Dav.create();
        u.put("/p.txt", "p");
        String patch = """
                <d:propertyupdate xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:set><d:prop>
                <x:color xmlns:x="urn:test">blue</x:color><d:getetag>"forged"</d:getetag><oc:favorite>1</oc:favorite>
                </d:prop></d:set></d:propertyupdate>""";
        Res r = u.send("PROPPATCH", u.root() + "/p.txt", patch);
        assertThat(r.status()).isEqualTo(207);
        Element response = responses(r.xml()).get(0);
        assertThat(propstats(response, "HTTP/1.1 403")).hasSize(1);
        assertThat(propstats(response, "HTTP/1.1 424")).hasSize(1);
        assertThat(u.prop("/p.txt", "urn:test", "color")).isEmpty();
        assertThat(u.prop("/p.txt", OC, "favorite")).hasValue("0");

        Res ok = u.send("PROPPATCH", u.root() + "/p.txt", patch.replace("<d:getetag>\"forged\"</d:getetag>", ""));
        assertThat(propstats(responses(ok.xml()).get(0), "HTTP/1.1 200")).hasSize(1);
        assertThat(u.prop("/p.txt", "urn:test", "color")).hasValue("blue");
        assertThat(u.prop("/p.txt", OC, "favorite")).hasValue("1");
    }

    @Test
    void theJsonApiStillRefusesBodiesOverItsLimitNowThatTheServerHasNone() {
        TestClient admin = server.admin();
        char[] filler = new char[2 * 1024 * 1024];
        Arrays.fill(filler, 'a');
        var r = admin.send("POST", "/api/v1/users", "{\"login\":\"big\",\"displayName\":\"" + new String(filler) + "\"}",
                Map.of());
        assertThat(r.status()).isEqualTo(413);
    }

    private static String sha1(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
