package atrium.server;

import static org.assertj.core.api.Assertions.assertThat;

import atrium.server.DavClient.Res;
import atrium.server.DavTest.Dav;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The trash bin over WebDAV as the Nextcloud clients use it (protocol notes section 5). */
class TrashTest {
    private static final String NC = "http://nextcloud.org/ns";
    private static final String TRASH_PROPS = """
            <d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"><d:prop>
            <nc:trashbin-filename/><nc:trashbin-original-location/><nc:trashbin-deletion-time/><oc:fileid/>
            <d:getcontentlength/><d:resourcetype/></d:prop></d:propfind>""";

    @BeforeAll
    static void start() {
        DavTest.start();
    }

    @AfterAll
    static void stop() {
        DavTest.stop();
    }

    record Item(String href, String filename, String location, long deletedAt, String fileId, Optional<String> length,
                boolean folder) {
    }

    static String trash(Dav u) {
        return "/remote.php/dav/trashbin/" + u.login() + "/trash/";
    }

    static List<Item> items(Dav u) {
        Res r = u.send("PROPFIND", trash(u), TRASH_PROPS, "Depth", "1");
        assertThat(r.status()).as(r.text()).isEqualTo(207);
        NodeList responses = r.xml().getElementsByTagNameNS("DAV:", "response");
        List<Item> out = new java.util.ArrayList<>();
        for (int i = 1; i < responses.getLength(); i++) {
            Element e = (Element) responses.item(i);
            out.add(new Item(DavTest.href(e), DavTest.found(e, NC, "trashbin-filename").orElseThrow(),
                    DavTest.found(e, NC, "trashbin-original-location").orElseThrow(),
                    Long.parseLong(DavTest.found(e, NC, "trashbin-deletion-time").orElseThrow()),
                    DavTest.found(e, "http://owncloud.org/ns", "fileid").orElseThrow(),
                    DavTest.found(e, "DAV:", "getcontentlength"),
                    e.getElementsByTagNameNS("DAV:", "collection").getLength() > 0));
        }
        return out;
    }

    static String itemName(Item i) {
        String h = i.href().endsWith("/") ? i.href().substring(0, i.href().length() - 1) : i.href();
        return h.substring(h.lastIndexOf('/') + 1);
    }

    static Res restore(Dav u, Item i) {
        return u.send("MOVE", i.href(), null, "Destination",
                "http://localhost/remote.php/dav/trashbin/" + u.login() + "/restore/" + itemName(i));
    }

    @Test
    void aDeleteGoesToTheTrashWithItsOriginalLocationAndARestorePutsItBack() {
        Dav u = Dav.create();
        u.mkcol("/docs");
        u.mkcol("/docs/sub");
        u.put("/docs/sub/a.txt", "alpha");
        String fileId = u.prop("/docs/sub", "http://owncloud.org/ns", "fileid").orElseThrow();
        String rootEtag = u.etag("/");
        assertThat(u.send("DELETE", u.root() + "/docs/sub", null).status()).isEqualTo(204);
        assertThat(u.send("GET", u.root() + "/docs/sub/a.txt", null).status()).isEqualTo(404);
        assertThat(u.send("PROPFIND", u.root() + "/docs/sub", null, "Depth", "0").status()).isEqualTo(404);
        assertThat(u.etag("/")).isNotEqualTo(rootEtag);
        assertThat(u.prop("/docs", "http://owncloud.org/ns", "size")).hasValue("0");
        assertThat(u.prop("/", "DAV:", "quota-used-bytes")).hasValue("0");

        List<Item> items = items(u);
        assertThat(items).hasSize(1);
        Item item = items.get(0);
        assertThat(item.filename()).isEqualTo("sub");
        assertThat(item.location()).isEqualTo("docs/sub");
        assertThat(item.folder()).isTrue();
        assertThat(item.fileId()).isEqualTo(fileId);
        assertThat(itemName(item)).isEqualTo("sub.d" + item.deletedAt());
        assertThat(item.deletedAt()).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));

        assertThat(restore(u, item).status()).isEqualTo(201);
        assertThat(u.send("GET", u.root() + "/docs/sub/a.txt", null).text()).isEqualTo("alpha");
        assertThat(u.prop("/docs/sub", "http://owncloud.org/ns", "fileid")).hasValue(fileId);
        assertThat(u.prop("/docs", "http://owncloud.org/ns", "size")).hasValue("5");
        assertThat(items(u)).isEmpty();
    }

    @Test
    void aRestoreTakesAnotherNameWhenTheNameIsTakenAndTheRootWhenTheFolderIsGone() {
        Dav u = Dav.create();
        u.put("/a.txt", "first");
        u.send("DELETE", u.root() + "/a.txt", null);
        u.put("/a.txt", "second");
        Item first = items(u).get(0);
        assertThat(first.length()).hasValue("5");
        assertThat(restore(u, first).status()).isEqualTo(201);
        assertThat(u.send("GET", u.root() + "/a.txt", null).text()).isEqualTo("second");
        assertThat(u.send("GET", u.root() + "/a%20(restored).txt", null).text()).isEqualTo("first");

        u.mkcol("/gone");
        u.put("/gone/b.txt", "bee");
        u.send("DELETE", u.root() + "/gone/b.txt", null);
        u.send("DELETE", u.root() + "/gone", null);
        Item b = items(u).stream().filter(i -> i.location().equals("gone/b.txt")).findFirst().orElseThrow();
        assertThat(restore(u, b).status()).isEqualTo(201);
        assertThat(u.send("GET", u.root() + "/b.txt", null).text()).isEqualTo("bee");
        assertThat(items(u)).extracting(Item::location).containsExactly("gone");
    }

    @Test
    void deletingForGoodAndEmptyingFreeTheSpaceAndTheBlobs() throws Exception {
        Dav u = Dav.create();
        u.put("/x.bin", "x".repeat(1000));
        u.put("/y.bin", "y".repeat(2000));
        u.send("DELETE", u.root() + "/x.bin", null);
        u.send("DELETE", u.root() + "/y.bin", null);
        long before = blobFiles();
        List<Item> items = items(u);
        Item x = items.stream().filter(i -> i.filename().equals("x.bin")).findFirst().orElseThrow();
        assertThat(u.send("DELETE", x.href(), null).status()).isEqualTo(204);
        assertThat(blobFiles()).isEqualTo(before - 1);
        assertThat(u.send("DELETE", x.href(), null).status()).isEqualTo(404);
        assertThat(items(u)).extracting(Item::filename).containsExactly("y.bin");
        assertThat(u.send("DELETE", trash(u), null).status()).isEqualTo(204);
        assertThat(items(u)).isEmpty();
        assertThat(blobFiles()).isEqualTo(before - 2);
    }

    @Test
    void trashedContentCountsAgainstTheQuota() {
        Dav u = Dav.create(Optional.of("1 MB"));
        byte[] big = new byte[700 * 1024];
        assertThat(u.send("PUT", u.root() + "/big.bin", big).status()).isEqualTo(201);
        u.send("DELETE", u.root() + "/big.bin", null);
        assertThat(u.prop("/", "DAV:", "quota-used-bytes")).hasValue("0");
        assertThat(Long.parseLong(u.prop("/", "DAV:", "quota-available-bytes").orElseThrow())).isLessThan(400 * 1024);
        assertThat(u.send("PUT", u.root() + "/again.bin", big).status()).isEqualTo(507);
        assertThat(u.send("DELETE", trash(u), null).status()).isEqualTo(204);
        assertThat(u.send("PUT", u.root() + "/again.bin", big).status()).isEqualTo(201);
    }

    @Test
    void onlyTheOwnerReachesATrash() {
        Dav u = Dav.create();
        Dav other = Dav.create();
        u.put("/secret.txt", "s");
        u.send("DELETE", u.root() + "/secret.txt", null);
        Item item = items(u).get(0);
        assertThat(other.send("PROPFIND", trash(u), TRASH_PROPS, "Depth", "1").status()).isEqualTo(403);
        assertThat(other.send("DELETE", item.href(), null).status()).isEqualTo(403);
        assertThat(other.send("MOVE", item.href(), null, "Destination",
                "/remote.php/dav/trashbin/" + other.login() + "/restore/x").status()).isEqualTo(403);
        assertThat(items(other)).isEmpty();
        assertThat(items(u)).hasSize(1);
    }

    @Test
    void theTrashIsPurgedAfterTheConfiguredDays() throws Exception {
        try (TestServer zero = TestServer.start(Map.of("proxy.enabled", "true", "files.trash-days", "0"))) {
            TestServer saved = DavTest.server;
            DavTest.server = zero;
            try {
                Dav u = Dav.create();
                u.put("/old.txt", "old");
                u.send("DELETE", u.root() + "/old.txt", null);
                assertThat(items(u)).hasSize(1);
                Thread.sleep(5);
                assertThat(zero.atrium.files().files.purgeTrash()).isEqualTo(1);
                assertThat(items(u)).isEmpty();
            } finally {
                DavTest.server = saved;
            }
        }
        // The default keeps them 30 days.
        Dav u = Dav.create();
        u.put("/kept.txt", "kept");
        u.send("DELETE", u.root() + "/kept.txt", null);
        assertThat(DavTest.server.atrium.files().files.purgeTrash()).isZero();
        assertThat(items(u)).hasSize(1);
    }

    static long blobFiles() throws Exception {
        try (var s = Files.walk(DavTest.server.dataDir.resolve("blobs"))) {
            return s.filter(Files::isRegularFile).filter(f -> !f.getParent().getFileName().toString().equals("tmp"))
                    .filter(f -> !f.getFileName().toString().equals("key-check")).count();
        }
    }
}
