package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavClient.Res;
import atrium.server.DavTest.Dav;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** File versions over WebDAV as the Nextcloud clients use them (protocol notes section 5). */
class VersionTest {
    private static final String OC = "http://owncloud.org/ns";
    private static final String PROPS = """
            <d:propfind xmlns:d="DAV:"><d:prop><d:getlastmodified/><d:getcontentlength/><d:getetag/>
            </d:prop></d:propfind>""";

    @BeforeAll
    static void start() {
        DavTest.start();
    }

    @AfterAll
    static void stop() {
        DavTest.stop();
    }

    record Version(String href, long length, String etag, String lastModified) {
    }

    static String folder(Dav u, String fileId) {
        return "/remote.php/dav/versions/" + u.login() + "/versions/" + fileId + "/";
    }

    static List<Version> versions(Dav u, String fileId) {
        Res r = u.send("PROPFIND", folder(u, fileId), PROPS, "Depth", "1");
        assertThat(r.status()).as(r.text()).isEqualTo(207);
        NodeList responses = r.xml().getElementsByTagNameNS("DAV:", "response");
        List<Version> out = new ArrayList<>();
        for (int i = 1; i < responses.getLength(); i++) {
            Element e = (Element) responses.item(i);
            out.add(new Version(DavTest.href(e), Long.parseLong(DavTest.found(e, "DAV:", "getcontentlength").orElseThrow()),
                    DavTest.found(e, "DAV:", "getetag").orElseThrow(), DavTest.found(e, "DAV:", "getlastmodified").orElseThrow()));
        }
        return out;
    }

    static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void twoOverwritesKeepTwoVersionsEachDownloadableByteForByte() {
        Dav u = Dav.create();
        byte[] one = bytes(150_000, 1);
        byte[] two = bytes(70_000, 2);
        byte[] three = bytes(10, 3);
        assertThat(u.send("PUT", u.root() + "/v.bin", one).status()).isEqualTo(201);
        String etagOne = u.etag("/v.bin");
        assertThat(u.send("PUT", u.root() + "/v.bin", two).status()).isEqualTo(204);
        assertThat(u.send("PUT", u.root() + "/v.bin", three).status()).isEqualTo(204);
        String fileId = u.prop("/v.bin", OC, "fileid").orElseThrow();
        List<Version> versions = versions(u, fileId);
        assertThat(versions).extracting(Version::length).containsExactly(70_000L, 150_000L);
        assertThat(versions.get(1).etag()).isEqualTo(etagOne);
        assertThat(versions).allSatisfy(v -> assertThat(v.href()).matches(".*/versions/" + fileId + "/[0-9]+"));
        assertThat(Arrays.equals(u.send("GET", versions.get(0).href(), null).body(), two)).isTrue();
        assertThat(Arrays.equals(u.send("GET", versions.get(1).href(), null).body(), one)).isTrue();
        assertThat(Arrays.equals(u.send("GET", u.root() + "/v.bin", null).body(), three)).isTrue();
        assertThat(u.prop("/", "DAV:", "quota-used-bytes")).as("the tree's size, as before").hasValue("10");
    }

    @Test
    void aRestoreBringsBackTheOldContentAndKeepsTheCurrentOneAsAVersion() {
        Dav u = Dav.create();
        u.put("/r.txt", "old content");
        u.put("/r.txt", "new content!");
        String fileId = u.prop("/r.txt", OC, "fileid").orElseThrow();
        String etag = u.etag("/r.txt");
        Version old = versions(u, fileId).get(0);
        Res restored = u.send("MOVE", old.href(), null, "Destination",
                "http://localhost/remote.php/dav/versions/" + u.login() + "/restore/target");
        assertThat(restored.status()).as(restored.text()).isEqualTo(201);
        assertThat(u.send("GET", u.root() + "/r.txt", null).text()).isEqualTo("old content");
        assertThat(u.etag("/r.txt")).isNotEqualTo(etag);
        assertThat(u.prop("/r.txt", OC, "fileid")).hasValue(fileId);
        List<Version> after = versions(u, fileId);
        assertThat(after).hasSize(1);
        assertThat(u.send("GET", after.get(0).href(), null).text()).isEqualTo("new content!");
        // COPY restores too (the Nextcloud web UI uses MOVE, the docs mention both).
        Res copied = u.send("COPY", after.get(0).href(), null, "Destination",
                "/remote.php/dav/versions/" + u.login() + "/restore/" + fileId);
        assertThat(copied.status()).isEqualTo(201);
        assertThat(u.send("GET", u.root() + "/r.txt", null).text()).isEqualTo("new content!");
        assertThat(u.send("MOVE", after.get(0).href(), null, "Destination", u.root() + "/elsewhere.txt").status())
                .isEqualTo(404);
    }

    @Test
    void aChunkedAssemblyOntoAnExistingFileKeepsAVersion() {
        Dav u = Dav.create();
        u.put("/c.txt", "before");
        String upload = "/remote.php/dav/uploads/" + u.login() + "/t-" + System.nanoTime();
        assertThat(u.send("MKCOL", upload, null).status()).isEqualTo(201);
        assertThat(u.send("PUT", upload + "/00001", "after ").status()).isEqualTo(201);
        assertThat(u.send("PUT", upload + "/00002", "chunks").status()).isEqualTo(201);
        assertThat(u.send("MOVE", upload + "/.file", null, "Destination",
                "http://localhost" + u.root() + "/c.txt").status()).isEqualTo(204);
        assertThat(u.send("GET", u.root() + "/c.txt", null).text()).isEqualTo("after chunks");
        String fileId = u.prop("/c.txt", OC, "fileid").orElseThrow();
        List<Version> versions = versions(u, fileId);
        assertThat(versions).hasSize(1);
        assertThat(u.send("GET", versions.get(0).href(), null).text()).isEqualTo("before");
    }

    @Test
    void versionsOfAnotherUsersFileAreOutOfReach() {
        Dav u = Dav.create();
        Dav other = Dav.create();
        u.put("/mine.txt", "1");
        u.put("/mine.txt", "2");
        String fileId = u.prop("/mine.txt", OC, "fileid").orElseThrow();
        Version v = versions(u, fileId).get(0);
        assertThat(other.send("PROPFIND", folder(u, fileId), PROPS, "Depth", "1").status()).isEqualTo(403);
        assertThat(other.send("PROPFIND", folder(other, fileId), PROPS, "Depth", "1").status()).isEqualTo(404);
        assertThat(other.send("GET", v.href(), null).status()).isEqualTo(403);
        String otherHref = v.href().replace("/versions/" + u.login() + "/", "/versions/" + other.login() + "/");
        assertThat(other.send("GET", otherHref, null).status()).isEqualTo(404);
        assertThat(other.send("MOVE", otherHref, null, "Destination",
                "/remote.php/dav/versions/" + other.login() + "/restore/target").status()).isEqualTo(404);
        assertThat(u.send("GET", u.root() + "/mine.txt", null).text()).isEqualTo("2");
    }

    @Test
    void aFileDeletedForGoodTakesItsVersionsWithIt() throws Exception {
        Dav u = Dav.create();
        u.put("/gone.txt", "a");
        u.put("/gone.txt", "b");
        String fileId = u.prop("/gone.txt", OC, "fileid").orElseThrow();
        long before = TrashTest.blobFiles();
        u.send("DELETE", u.root() + "/gone.txt", null);
        assertThat(u.send("PROPFIND", folder(u, fileId), PROPS, "Depth", "1").status()).as("not while in the trash")
                .isEqualTo(404);
        assertThat(u.send("DELETE", TrashTest.trash(u), null).status()).isEqualTo(204);
        assertThat(TrashTest.blobFiles()).isEqualTo(before - 2);
    }
}
