package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavClient.Res;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A real peer for sync tests: the Nextcloud desktop client's command-line sync (Debian
 * package nextcloud-desktop-cmd, {@code nextcloudcmd}) as one account of a {@link TestServer},
 * with the requests the server's access log shows for each run, and both trees (local folder,
 * server) as path → SHA-256 so they can be compared byte for byte. Everything on disk is under
 * one temporary directory, deleted by {@link #close}.
 */
final class Nextcloudcmd implements AutoCloseable {
    /** One line of the server's access log. */
    record Request(String method, String path, int status) {
        @Override
        public String toString() {
            return method + " " + URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8) + " " + status;
        }
    }

    /** What one run of nextcloudcmd did, as the server saw it. */
    record Run(List<Request> requests, String output) {
        /** Requests that change or move data: anything but discovery (status, OCS) and PROPFIND listings. */
        List<Request> transfers() {
            return requests.stream().filter(r -> !r.method().equals("PROPFIND") && !r.path().equals("/status.php")
                    && !r.path().startsWith("/ocs/")).toList();
        }

        List<Request> of(String method) {
            return requests.stream().filter(r -> r.method().equals(method)).toList();
        }

        /** Decoded paths of the requests with this method, relative to the account's files root. */
        List<String> paths(String method, String login) {
            String prefix = "/remote.php/dav/files/" + login + "/";
            return of(method).stream().map(r -> URLDecoder.decode(r.path().replace("+", "%2B"), StandardCharsets.UTF_8))
                    .filter(p -> p.startsWith(prefix)).map(p -> p.substring(prefix.length())).toList();
        }
    }

    /** A file or folder on the server, with its Nextcloud file id. */
    record Item(String path, boolean folder, long fileId) {
    }

    private static final Pattern ACCESS_LINE = Pattern.compile("req=(\\S+) \\S+ (\\S+) (\\S+) (\\d{3}) .*");
    // The request id this helper's own requests carry, to tell them from the client's in the access log.
    private static final String OWN = "atrium-test-";
    // The client's journal and its own lists, never synced (nextcloud/desktop: SyncJournalDb, excluded files).
    private static final Pattern JOURNAL = Pattern.compile("\\._?sync_[0-9a-f]+\\.db(-wal|-shm|-journal)?|\\.sync-exclude\\.lst"
            + "|\\.(owncloud|nextcloud)sync\\.log.*");

    final String login;
    final String password;
    private final TestServer server;
    private final Path work;
    private final Logger access = Logger.getLogger("atrium.access");
    private final Level accessLevel = access.getLevel();
    private final List<Request> seen = new ArrayList<>();
    private final Set<String> own = new HashSet<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            Matcher m = ACCESS_LINE.matcher(String.valueOf(r.getMessage()));
            if (m.matches()) {
                synchronized (seen) {
                    if (m.group(1).startsWith(OWN)) {
                        own.add(m.group(1));
                    } else {
                        seen.add(new Request(m.group(2), m.group(3), Integer.parseInt(m.group(4))));
                    }
                    seen.notifyAll();
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private Nextcloudcmd(TestServer server, String login, String password, Path work) {
        this.server = server;
        this.login = login;
        this.password = password;
        this.work = work;
        access.setLevel(Level.INFO);
        access.addHandler(capture);
    }

    /** Skips the test when nextcloudcmd is missing, unless ATRIUM_TEST_NEXTCLOUDCMD=required (CI), where it fails. */
    static void assumeInstalled() {
        if ("required".equals(System.getenv("ATRIUM_TEST_NEXTCLOUDCMD"))) {
            assertThat(installed()).as("nextcloudcmd on PATH (ATRIUM_TEST_NEXTCLOUDCMD=required)").isTrue();
        }
        Assumptions.assumeTrue(installed(), "nextcloudcmd is not installed");
    }

    private static boolean installed() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "nextcloudcmd"))) {
                return true;
            }
        }
        return false;
    }

    /** A new account on the server, with an app password, and a scratch directory for its local folders. */
    static Nextcloudcmd forNewUser(TestServer server, String login) throws IOException {
        String password = DavTest.userWithAppPassword(server, login, "Juniper-Falcon-9911");
        return new Nextcloudcmd(server, login, password, Files.createTempDirectory("atrium-ncc-"));
    }

    /** A local folder (created) under the scratch directory. */
    Path folder(String name) throws IOException {
        return Files.createDirectories(work.resolve(name));
    }

    /** Runs one sync of {@code local} with the account root and asserts that it succeeded. */
    Run sync(Path local) throws Exception {
        int from = settledLogSize();
        Path log = Files.createTempFile(work, "nextcloudcmd-", ".log");
        // --max-sync-retries 0: one pass only, so what the first pass gets wrong is not hidden by a second one.
        ProcessBuilder pb = new ProcessBuilder("nextcloudcmd", "--non-interactive", "--trust", "--max-sync-retries", "0",
                "-u", login, "-p", password, local.toString(), server.baseUrl())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HOME", work.toString());
        pb.environment().put("QT_QPA_PLATFORM", "offscreen");
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        boolean done = p.waitFor(120, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(done).as("nextcloudcmd finished in time:\n" + tail(output)).isTrue();
        assertThat(p.exitValue()).as("nextcloudcmd exit code:\n" + tail(output)).isZero();
        int to = settledLogSize();
        synchronized (seen) {
            return new Run(List.copyOf(seen.subList(from, to)), output);
        }
    }

    /**
     * The number of client requests logged so far, once every earlier request is in the log.
     * The server writes an access-log line after the response has gone out, so a client can
     * have its answer before the line exists: one more request of our own, once logged,
     * marks that the lines of requests answered before it are there too.
     */
    private int settledLogSize() throws Exception {
        String id = OWN + UUID.randomUUID();
        DavClient.send(server.baseUrl(), Optional.empty(), "GET", "/status.php", null, "X-Request-ID", id);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (seen) {
            while (!own.contains(id)) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("the access log shows request " + id).isPositive();
                seen.wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
            }
            return seen.size();
        }
    }

    /**
     * Syncs once more with nothing changed on either side and asserts that the client moved
     * no data and listed only the root: every folder's ETag was stable, and what the last
     * sync wrote on each side is what the other side recorded.
     */
    void assertSyncIsIdempotent(Path local) throws Exception {
        Map<String, String> before = localTree(local);
        Run again = sync(local);
        assertThat(again.transfers()).as("a sync with nothing changed transfers nothing").isEmpty();
        assertThat(localTree(local)).isEqualTo(before);
        if (again.of("PROPFIND").size() > 1) {
            // The client learns the ETag of a folder it created (MKCOL answers none, as on
            // Nextcloud) only by listing it in the next sync; after that only the root is listed.
            Run settled = sync(local);
            assertThat(settled.transfers()).as("a sync with nothing changed transfers nothing").isEmpty();
            assertThat(settled.of("PROPFIND")).as("a sync with nothing changed, after one that re-listed folders it had "
                    + "created (" + again.of("PROPFIND") + "), lists only the root: folder ETags are stable").hasSize(1);
            assertThat(localTree(local)).isEqualTo(before);
        }
    }

    private static String tail(String s) {
        return s.length() > 8000 ? s.substring(s.length() - 8000) : s;
    }

    /** A WebDAV request in the account's files, {@code path} percent-encoded below the root ("/" for the root). */
    Res dav(String method, String path, byte[] body, String... headers) {
        return DavClient.send(server.baseUrl(), Optional.of(login + ":" + password), method, "/remote.php/dav/files/" + login + path,
                body, own(headers));
    }

    /** The headers with a request id of this helper's own, so that its requests are told from the client's. */
    private static String[] own(String... headers) {
        String[] out = Arrays.copyOf(headers, headers.length + 2);
        out[headers.length] = "X-Request-ID";
        out[headers.length + 1] = OWN + UUID.randomUUID();
        return out;
    }

    /** Every file and folder on the server, by decoded path below the root (folders end with "/"). */
    List<Item> remoteItems() throws Exception {
        var r = dav("PROPFIND", "/", ("<d:propfind xmlns:d=\"DAV:\" xmlns:oc=\"http://owncloud.org/ns\"><d:prop>"
                + "<d:resourcetype/><oc:fileid/></d:prop></d:propfind>").getBytes(StandardCharsets.UTF_8), "Depth", "infinity");
        assertThat(r.status()).isEqualTo(207);
        Document d = r.xml();
        NodeList responses = d.getElementsByTagNameNS("DAV:", "response");
        String prefix = "/remote.php/dav/files/" + login + "/";
        List<Item> out = new ArrayList<>();
        for (int i = 0; i < responses.getLength(); i++) {
            Element e = (Element) responses.item(i);
            String href = URLDecoder.decode(e.getElementsByTagNameNS("DAV:", "href").item(0).getTextContent()
                    .replace("+", "%2B"), StandardCharsets.UTF_8);
            if (href.equals(prefix)) {
                continue;
            }
            boolean folder = e.getElementsByTagNameNS("DAV:", "collection").getLength() > 0;
            long id = Long.parseLong(e.getElementsByTagNameNS("http://owncloud.org/ns", "fileid").item(0).getTextContent());
            out.add(new Item(href.substring(prefix.length()), folder, id));
        }
        return out;
    }

    /** The server's tree: decoded path → "folder" or the SHA-256 of the content as downloaded. */
    Map<String, String> remoteTree() throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (Item item : remoteItems()) {
            if (item.folder()) {
                out.put(item.path(), "folder");
                continue;
            }
            String encoded = encodePath(item.path());
            var got = DavClient.open(server.baseUrl(), Optional.of(login + ":" + password), "GET",
                    "/remote.php/dav/files/" + login + "/" + encoded, own());
            try (InputStream in = got.body()) {
                assertThat(got.statusCode()).as(item.path()).isEqualTo(200);
                out.put(item.path(), sha256(in));
            }
        }
        return out;
    }

    /** File ids on the server by decoded path. */
    Map<String, Long> fileIds() throws Exception {
        Map<String, Long> out = new TreeMap<>();
        for (Item item : remoteItems()) {
            out.put(item.path(), item.fileId());
        }
        return out;
    }

    /** A local folder's tree in the same form as {@link #remoteTree}, without the client's journal files. */
    static Map<String, String> localTree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.equals(root) || JOURNAL.matcher(p.getFileName().toString()).matches()) {
                    continue;
                }
                String rel = root.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    out.put(rel + "/", "folder");
                } else {
                    try (InputStream in = Files.newInputStream(p)) {
                        out.put(rel, sha256(in));
                    }
                }
            }
        }
        return out;
    }

    /** Asserts that the local folder and the server hold the same names and the same bytes; returns the tree. */
    Map<String, String> assertSameTrees(Path local) throws Exception {
        Map<String, String> remote = remoteTree();
        assertThat(localTree(local)).as("local folder vs server").containsExactlyEntriesOf(remote);
        return remote;
    }

    static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return sha256(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A path below the root percent-encoded segment by segment, as a URL path. */
    static String encodePath(String path) {
        StringBuilder sb = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return sb.toString();
    }

    /** Writes files below {@code root}, creating folders; a path ending in "/" is an empty folder. */
    static void write(Path root, Map<String, byte[]> files) throws IOException {
        for (var e : files.entrySet()) {
            Path p = root.resolve(e.getKey());
            if (e.getKey().endsWith("/")) {
                Files.createDirectories(p);
            } else {
                Files.createDirectories(p.getParent());
                Files.write(p, e.getValue());
            }
        }
    }

    @Override
    public void close() throws IOException {
        access.removeHandler(capture);
        access.setLevel(accessLevel);
        deleteTree(work);
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
