package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A real peer: the Nextcloud desktop client's command-line sync (Debian package
 * nextcloud-desktop-cmd) syncs a local tree up, then a change made on the server down.
 * Skipped when nextcloudcmd is not installed, unless ATRIUM_TEST_NEXTCLOUDCMD=required.
 */
class NextcloudcmdTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static boolean installed() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "nextcloudcmd"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aTreeSyncsUpByteForByteAndAServerChangeSyncsDown() throws Exception {
        boolean required = "required".equals(System.getenv("ATRIUM_TEST_NEXTCLOUDCMD"));
        if (required) {
            assertThat(installed()).as("nextcloudcmd on PATH (ATRIUM_TEST_NEXTCLOUDCMD=required)").isTrue();
        }
        Assumptions.assumeTrue(installed(), "nextcloudcmd is not installed");
        try (TestServer server = TestServer.start(Map.of("proxy.enabled", "true"))) {
            String login = "desk";
            String password = DavTest.userWithAppPassword(server, login, "Juniper-Falcon-9911");
            Path work = Files.createTempDirectory("atrium-ncc-");
            Path local = Files.createDirectories(work.resolve("sync"));
            Map<String, byte[]> tree = new TreeMap<>();
            String nfc = Normalizer.normalize("été", Normalizer.Form.NFC);
            String nfd = Normalizer.normalize("ÉtÉ", Normalizer.Form.NFD);
            tree.put("Dossier/Sous dossier/" + nfc + ".txt", "nfc".getBytes(StandardCharsets.UTF_8));
            tree.put("Dossier/" + nfd + ".txt", "nfd".getBytes(StandardCharsets.UTF_8));
            tree.put("with space.txt", "hello world\n".getBytes(StandardCharsets.UTF_8));
            tree.put("emoji \uD83D\uDE00.txt", "smile".getBytes(StandardCharsets.UTF_8));
            tree.put("empty.txt", new byte[0]);
            byte[] big = new byte[30 * 1024 * 1024];
            new Random(30).nextBytes(big);
            tree.put("Big/thirty.bin", big);
            for (var e : tree.entrySet()) {
                Path p = local.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }

            sync(work, local, login, password, server.baseUrl());
            Map<String, byte[]> remote = serverTree(server, login, password);
            assertThat(remote.keySet()).containsExactlyInAnyOrderElementsOf(tree.keySet());
            for (var e : tree.entrySet()) {
                assertThat(remote.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }

            // A change on the server side, then a second sync down.
            byte[] changed = "changed on the server\n".getBytes(StandardCharsets.UTF_8);
            byte[] added = "new on the server\n".getBytes(StandardCharsets.UTF_8);
            assertThat(send(server, login, password, "PUT", "/with%20space.txt", changed).statusCode()).isEqualTo(204);
            assertThat(send(server, login, password, "PUT", "/Dossier/from%20server.txt", added).statusCode()).isEqualTo(201);
            sync(work, local, login, password, server.baseUrl());
            assertThat(Files.readAllBytes(local.resolve("with space.txt"))).isEqualTo(changed);
            assertThat(Files.readAllBytes(local.resolve("Dossier/from server.txt"))).isEqualTo(added);
            assertThat(Files.readAllBytes(local.resolve("Big/thirty.bin"))).isEqualTo(big);
        }
    }

    static void sync(Path work, Path local, String login, String password, String url) throws Exception {
        Path log = Files.createTempFile(work, "nextcloudcmd-", ".log");
        ProcessBuilder pb = new ProcessBuilder("nextcloudcmd", "--non-interactive", "--trust", "-u", login, "-p", password,
                local.toString(), url).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HOME", work.toString());
        pb.environment().put("QT_QPA_PLATFORM", "offscreen");
        Process p = pb.start();
        boolean done = p.waitFor(300, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(done).as("nextcloudcmd finished in time:\n" + tail(output)).isTrue();
        assertThat(p.exitValue()).as("nextcloudcmd exit code:\n" + tail(output)).isZero();
    }

    private static String tail(String s) {
        return s.length() > 8000 ? s.substring(s.length() - 8000) : s;
    }

    private static HttpResponse<byte[]> send(TestServer server, String login, String password, String method, String path,
                                             byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.baseUrl() + "/remote.php/dav/files/" + login + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((login + ":" + password)
                        .getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Every file on the server, by path below the root, with its content (PROPFIND infinity, then GET). */
    static Map<String, byte[]> serverTree(TestServer server, String login, String password) throws Exception {
        var r = send(server, login, password, "PROPFIND", "/", "<d:propfind xmlns:d=\"DAV:\"><d:prop><d:resourcetype/></d:prop></d:propfind>"
                .getBytes(StandardCharsets.UTF_8), "Depth", "infinity");
        assertThat(r.statusCode()).isEqualTo(207);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document d = f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(r.body()));
        NodeList responses = d.getElementsByTagNameNS("DAV:", "response");
        String prefix = "/remote.php/dav/files/" + login + "/";
        List<String> files = new ArrayList<>();
        for (int i = 0; i < responses.getLength(); i++) {
            Element e = (Element) responses.item(i);
            if (e.getElementsByTagNameNS("DAV:", "collection").getLength() > 0) {
                continue;
            }
            String href = e.getElementsByTagNameNS("DAV:", "href").item(0).getTextContent();
            files.add(href.substring(prefix.length()));
        }
        Map<String, byte[]> out = new TreeMap<>();
        for (String encoded : files) {
            var got = send(server, login, password, "GET", "/" + encoded, null);
            assertThat(got.statusCode()).as(encoded).isEqualTo(200);
            out.put(URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8), got.body());
        }
        return out;
    }
}
