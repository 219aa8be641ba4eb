package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavClient.Res;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Chunked upload as the Nextcloud clients send it (shared/reference/nextcloud-client-protocol.md section 4):
 * the desktop's form (16-digit chunk indexes, MOVE of .file with OC-Total-Length) and the
 * mobile apps' v2 form (Destination on every request, chunks 1…10000).
 */
class ChunkedUploadTest {
    static TestServer server;
    static int users;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("proxy.enabled", "true"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record User(String login, String password) {
        static User create(Optional<String> quota) {
            String login = "chunky" + (++users);
            return new User(login, DavTest.userWithAppPassword(server, login, "Juniper-Falcon-" + (7000 + users), quota));
        }

        static User create() {
            return create(Optional.empty());
        }

        String files() {
            return "/remote.php/dav/files/" + login;
        }

        String uploads() {
            return "/remote.php/dav/uploads/" + login;
        }

        Res send(String method, String path, byte[] body, String... headers) {
            return DavClient.send(server.baseUrl(), Optional.of(login + ":" + password), method, path, body, headers);
        }

        String etag(String path) {
            Res r = send("PROPFIND", files() + path, "<d:propfind xmlns:d=\"DAV:\"><d:prop><d:getetag/></d:prop></d:propfind>"
                    .getBytes(StandardCharsets.UTF_8), "Depth", "0");
            assertThat(r.status()).as(r.text()).isEqualTo(207);
            return r.xml().getElementsByTagNameNS("DAV:", "getetag").item(0).getTextContent();
        }
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha1(byte[] b) {
        try {
            return "SHA1:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String index(int i) {
        return String.format("%016d", i);
    }

    /** The desktop client's chunks: offsets into data at the given cut points. */
    static void putDesktopChunks(User u, String transfer, byte[] data, int[] cuts, int from, int to) {
        for (int i = from; i < to; i++) {
            int start = i == 0 ? 0 : cuts[i - 1];
            int end = i < cuts.length ? cuts[i] : data.length;
            Res r = u.send("PUT", u.uploads() + "/" + transfer + "/" + index(i), Arrays.copyOfRange(data, start, end),
                    "OC-Chunk-Offset", Long.toString(start));
            assertThat(r.status()).as(r.text()).isEqualTo(201);
        }
    }

    static Res moveDesktop(User u, String transfer, String destination, byte[] data, String... more) {
        List<String> headers = new ArrayList<>(List.of("Destination", u.files() + destination, "OC-Checksum", sha1(data),
                "OC-Total-Length", Integer.toString(data.length), "X-OC-MTime", "1700000000",
                "Content-Type", "application/octet-stream"));
        headers.addAll(List.of(more));
        return u.send("MOVE", u.uploads() + "/" + transfer + "/.file", null, headers.toArray(String[]::new));
    }

    static long blobCount() {
        try (Stream<?> s = server.atrium.files().blobs.list()) {
            return s.count();
        }
    }

    @Test
    void theDesktopFormAssemblesThreeChunksIntoTheDestination() {
        User u = User.create();
        assertThat(u.send("MKCOL", u.files() + "/Docs", null).status()).isEqualTo(201);
        String rootBefore = u.etag("");
        String docsBefore = u.etag("/Docs");
        byte[] data = random(700_000, 1);
        int[] cuts = {250_000, 500_000};
        String transfer = "3141592653";
        Res mkcol = u.send("MKCOL", u.uploads() + "/" + transfer, null, "OC-Total-Length", Integer.toString(data.length));
        assertThat(mkcol.status()).as(mkcol.text()).isEqualTo(201);
        putDesktopChunks(u, transfer, data, cuts, 0, 3);

        Res moved = moveDesktop(u, transfer, "/Docs/big%20file.bin", data);
        assertThat(moved.status()).as(moved.text()).isEqualTo(201);
        assertThat(moved.header("OC-ETag")).isPresent();
        assertThat(moved.header("ETag")).isEqualTo(moved.header("OC-ETag"));
        assertThat(moved.header("OC-FileId")).hasValueSatisfying(id -> assertThat(id).matches("\\d+oc[a-z0-9]{10}"));
        assertThat(moved.header("X-OC-MTime")).contains("accepted");

        Res got = u.send("GET", u.files() + "/Docs/big%20file.bin", null);
        assertThat(got.status()).isEqualTo(200);
        assertThat(got.body()).isEqualTo(data);
        assertThat(got.header("ETag")).isEqualTo(moved.header("ETag"));
        assertThat(u.etag("")).isNotEqualTo(rootBefore);
        assertThat(u.etag("/Docs")).isNotEqualTo(docsBefore);
        // The upload is gone once assembled.
        assertThat(u.send("PROPFIND", u.uploads() + "/" + transfer, null, "Depth", "1").status()).isEqualTo(404);

        // An update: the desktop client names the destination's etag in an If header.
        byte[] second = random(400_000, 2);
        assertThat(u.send("MKCOL", u.uploads() + "/77", null, "OC-Total-Length", "400000").status()).isEqualTo(201);
        putDesktopChunks(u, "77", second, new int[] {300_000}, 0, 2);
        String ifStale = "<" + u.files() + "/Docs/big%20file.bin> ([\"deadbeef\"])";
        assertThat(moveDesktop(u, "77", "/Docs/big%20file.bin", second, "If", ifStale).status()).isEqualTo(412);
        String ifCurrent = "<" + u.files() + "/Docs/big%20file.bin> ([" + u.etag("/Docs/big%20file.bin") + "])";
        Res updated = moveDesktop(u, "77", "/Docs/big%20file.bin", second, "If", ifCurrent);
        assertThat(updated.status()).as(updated.text()).isEqualTo(204);
        assertThat(updated.header("OC-FileId")).isEqualTo(moved.header("OC-FileId"));
        assertThat(u.send("GET", u.files() + "/Docs/big%20file.bin", null).body()).isEqualTo(second);
    }

    @Test
    void theV2FormNamesTheDestinationOnEveryRequest() {
        User u = User.create();
        byte[] data = random(300_000, 3);
        String dest = server.baseUrl() + u.files() + "/photo%20%C3%A9t%C3%A9.jpg";
        String folder = u.uploads() + "/d41d8cd98f00b204e9800998ecf8427e";
        assertThat(u.send("MKCOL", folder, null, "Destination", dest, "OC-Total-Length", "300000").status()).isEqualTo(201);
        // Android ignores the answer of a second MKCOL; it must not break the upload.
        assertThat(u.send("MKCOL", folder, null, "Destination", dest).status()).isEqualTo(405);
        assertThat(u.send("PUT", folder + "/000000", Arrays.copyOfRange(data, 0, 10), "Destination", dest).status())
                .as("v2 chunks are numbered from 1").isEqualTo(400);
        assertThat(u.send("PUT", folder + "/000002", Arrays.copyOfRange(data, 200_000, 300_000), "Destination", dest).status())
                .isEqualTo(201);
        assertThat(u.send("PUT", folder + "/000001", Arrays.copyOfRange(data, 0, 200_000), "Destination", dest).status())
                .isEqualTo(201);
        assertThat(u.send("GET", folder + "/000001", null).status()).isEqualTo(405);
        Res moved = u.send("MOVE", folder + "/.file", null, "Destination", dest, "X-OC-MTime", "1700000000",
                "X-OC-CTime", "1690000000", "Overwrite", "T");
        assertThat(moved.status()).as(moved.text()).isEqualTo(201);
        assertThat(moved.header("OC-FileId")).isPresent();
        assertThat(u.send("GET", u.files() + "/photo%20%C3%A9t%C3%A9.jpg", null).body()).isEqualTo(data);
    }

    @Test
    void anInterruptedUploadResumesFromTheChunksListed() {
        User u = User.create();
        byte[] data = random(600_000, 4);
        int[] cuts = {200_000, 400_000};
        String transfer = "123456789";
        assertThat(u.send("MKCOL", u.uploads() + "/" + transfer, null, "OC-Total-Length", "600000").status()).isEqualTo(201);
        putDesktopChunks(u, transfer, data, cuts, 0, 2);
        // A chunk sent again replaces the first one.
        putAgain(u, transfer, data);

        // The client comes back: what is there?
        Res listing = u.send("PROPFIND", u.uploads() + "/" + transfer, """
                <?xml version="1.0"?>
                <d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/></d:prop></d:propfind>"""
                .getBytes(StandardCharsets.UTF_8), "Depth", "1");
        assertThat(listing.status()).as(listing.text()).isEqualTo(207);
        NodeList responses = listing.xml().getElementsByTagNameNS("DAV:", "response");
        assertThat(responses.getLength()).isEqualTo(3);
        List<String> chunks = new ArrayList<>();
        for (int i = 1; i < responses.getLength(); i++) {
            Element r = (Element) responses.item(i);
            String href = r.getElementsByTagNameNS("DAV:", "href").item(0).getTextContent();
            chunks.add(href.substring(href.lastIndexOf('/') + 1) + "="
                    + r.getElementsByTagNameNS("DAV:", "getcontentlength").item(0).getTextContent());
        }
        assertThat(chunks).containsExactly(index(0) + "=200000", index(1) + "=200000");
        Element folder = (Element) responses.item(0);
        assertThat(folder.getElementsByTagNameNS("DAV:", "collection").getLength()).isEqualTo(1);

        putDesktopChunks(u, transfer, data, cuts, 2, 3);
        Res moved = moveDesktop(u, transfer, "/resumed.bin", data);
        assertThat(moved.status()).as(moved.text()).isEqualTo(201);
        assertThat(u.send("GET", u.files() + "/resumed.bin", null).body()).isEqualTo(data);
    }

    private static void putAgain(User u, String transfer, byte[] data) {
        Res r = u.send("PUT", u.uploads() + "/" + transfer + "/" + index(0), Arrays.copyOfRange(data, 0, 200_000),
                "OC-Chunk-Offset", "0");
        assertThat(r.status()).isEqualTo(204);
    }

    @Test
    void aWrongChecksumOverTheWholeFileIsRefusedAndNothingArrives() {
        User u = User.create();
        byte[] data = random(300_000, 5);
        assertThat(u.send("MKCOL", u.uploads() + "/9", null, "OC-Total-Length", "300000").status()).isEqualTo(201);
        putDesktopChunks(u, "9", data, new int[] {150_000}, 0, 2);
        byte[] other = data.clone();
        other[299_999] ^= 1;
        Res moved = u.send("MOVE", u.uploads() + "/9/.file", null, "Destination", u.files() + "/damaged.bin",
                "OC-Checksum", sha1(other), "OC-Total-Length", "300000");
        assertThat(moved.status()).as(moved.text()).isEqualTo(400);
        assertThat(u.send("GET", u.files() + "/damaged.bin", null).status()).isEqualTo(404);
        // Chunks that do not sum up to the announced length: 400 too.
        Res shortSum = u.send("MOVE", u.uploads() + "/9/.file", null, "Destination", u.files() + "/damaged.bin",
                "OC-Total-Length", "300001");
        assertThat(shortSum.status()).as(shortSum.text()).isEqualTo(400);
        assertThat(u.send("GET", u.files() + "/damaged.bin", null).status()).isEqualTo(404);
    }

    @Test
    void anUploadOverTheQuotaIsRefusedAtMkcol() {
        User u = User.create(Optional.of("1 MB"));
        Res r = u.send("MKCOL", u.uploads() + "/5", null, "OC-Total-Length", "5000000");
        assertThat(r.status()).as(r.text()).isEqualTo(507);
        assertThat(u.send("PROPFIND", u.uploads() + "/5", null, "Depth", "1").status()).isEqualTo(404);
        // Chunks cannot go beyond the length announced.
        assertThat(u.send("MKCOL", u.uploads() + "/6", null, "OC-Total-Length", "100").status()).isEqualTo(201);
        assertThat(u.send("PUT", u.uploads() + "/6/" + index(0), random(200, 6)).status()).isEqualTo(400);
    }

    @Test
    void deletingTheUploadFolderCancelsItAndLeavesNoBlob() {
        User u = User.create();
        long before = blobCount();
        byte[] data = random(300_000, 7);
        assertThat(u.send("MKCOL", u.uploads() + "/42", null, "OC-Total-Length", "300000").status()).isEqualTo(201);
        putDesktopChunks(u, "42", data, new int[] {100_000, 200_000}, 0, 3);
        assertThat(blobCount()).isEqualTo(before + 3);
        assertThat(u.send("DELETE", u.uploads() + "/42", null).status()).isEqualTo(204);
        assertThat(blobCount()).isEqualTo(before);
        assertThat(u.send("PROPFIND", u.uploads() + "/42", null, "Depth", "1").status()).isEqualTo(404);
        assertThat(u.send("PUT", u.uploads() + "/42/" + index(0), random(10, 8)).status()).isEqualTo(404);
        assertThat(u.send("MOVE", u.uploads() + "/42/.file", null, "Destination", u.files() + "/x.bin").status()).isEqualTo(404);
    }

    @Test
    void anotherUsersUploadFolderIsForbidden() {
        User owner = User.create();
        User other = User.create();
        assertThat(owner.send("MKCOL", owner.uploads() + "/1", null, "OC-Total-Length", "10").status()).isEqualTo(201);
        assertThat(other.send("PROPFIND", owner.uploads() + "/1", null, "Depth", "1").status()).isEqualTo(403);
        assertThat(other.send("PUT", owner.uploads() + "/1/" + index(0), random(10, 9)).status()).isEqualTo(403);
        assertThat(other.send("MOVE", owner.uploads() + "/1/.file", null, "Destination", other.files() + "/x").status())
                .isEqualTo(403);
        assertThat(other.send("DELETE", owner.uploads() + "/1", null).status()).isEqualTo(403);
        assertThat(other.send("MKCOL", owner.uploads() + "/2", null).status()).isEqualTo(403);
        // The same transfer id in another user's uploads is another upload.
        assertThat(other.send("MKCOL", other.uploads() + "/1", null).status()).isEqualTo(201);
        assertThat(owner.send("PROPFIND", owner.uploads() + "/1", null, "Depth", "1").status()).isEqualTo(207);
    }
}
